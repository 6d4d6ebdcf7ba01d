//! Head office keeps no sync session between requests (it decodes the stored state and applies a
//! message to a fork of the document each time), so a change it cannot apply yet is dropped with
//! the request. Found by the convergence property test: a till whose Bloom filter check made it
//! skip change 1 sent change 2 alone; head office dropped 2, asked for 1, then asked for 2, which
//! the till would never send twice in one session, and the round gave up after 200 exchanges.

use kassa_replica::skeleton::new_document;
use kassa_replica::validate::receive_checked;
use kassa_replica::{
    generate_message, heads_hex, receive_message, write_record, ActorId, AutoCommit, DocId,
    RecordKind, SyncState,
};

/// A till with two changes that has generated its first message (so both are in its session's
/// sent set), and head office that received only the second (its first went missing: what a
/// Bloom filter false positive, or any loss of a change head office could not apply, amounts
/// to). Head office keeps the second in its fork's queue and drops it with the request.
fn diverged() -> (AutoCommit, SyncState, AutoCommit, Vec<u8>) {
    let id = DocId::parse("ledger/AMS1/1/2026-12-01").unwrap();
    let mut till = new_document(&id, ActorId::from(&[7u8; 16][..])).unwrap();
    let hq = new_document(&id, ActorId::from(&b"kassa-head-office"[..])).unwrap();
    let note = |n: &str| serde_json::json!({ "n": n });
    write_record(&mut till, RecordKind::Resolution, "r1", &note("one")).unwrap();
    till.commit();
    write_record(&mut till, RecordKind::Resolution, "r2", &note("two")).unwrap();
    till.commit();
    let mut state = SyncState::new();
    // The first exchange carries heads and summaries only; the second carries both changes.
    let mut hq = hq;
    let hello = generate_message(&mut till, &mut state).unwrap();
    let mut hq_state = SyncState::new();
    receive_checked(&id.to_string(), &mut hq, &mut hq_state, &hello, |_| true).unwrap();
    let answer = generate_message(&mut hq, &mut hq_state).unwrap();
    receive_message(&mut till, &mut state, &answer).unwrap();
    let sent = generate_message(&mut till, &mut state).unwrap();
    let full = automerge::sync::Message::decode(&sent).unwrap();
    let second = till.get_changes(&[]).last().unwrap().clone();
    let only_second = automerge::sync::Message {
        heads: full.heads,
        need: full.need,
        have: full.have,
        changes: vec![second.raw_bytes().to_vec()].into(),
        flags: full.flags,
        version: automerge::sync::MessageVersion::V1,
    };
    (till, state, hq, only_second.encode())
}

/// Runs exchanges the way a sync round does against a stateless head office; returns whether the
/// two documents ended with equal heads.
fn converges(forget_sent_after_each_answer: bool) -> bool {
    let (mut till, mut state, mut hq, first) = diverged();
    let mut hq_saved = SyncState::new().encode();
    let mut first = Some(first);
    for _ in 0..30 {
        let message = match first.take() {
            Some(message) => message,
            None => match generate_message(&mut till, &mut state) {
                Some(message) => message,
                None => break,
            },
        };
        let mut hq_state = SyncState::decode(&hq_saved).unwrap();
        receive_checked(
            "ledger/AMS1/1/2026-12-01",
            &mut hq,
            &mut hq_state,
            &message,
            |_| true,
        )
        .unwrap();
        let reply = generate_message(&mut hq, &mut hq_state);
        hq_saved = hq_state.encode();
        if let Some(reply) = reply {
            receive_message(&mut till, &mut state, &reply).unwrap();
            if forget_sent_after_each_answer {
                state.forget_sent();
            }
        }
    }
    heads_hex(&mut till) == heads_hex(&mut hq)
}

#[test]
fn a_till_resends_what_a_stateless_head_office_dropped() {
    assert!(
        !converges(false),
        "the scenario must reproduce the stall, or this test proves nothing"
    );
    assert!(converges(true));
}
