//! Audit chains anchored at head office: every sync carries the till's chain head and proves the
//! last anchored entry is still there, unchanged. A till database restored from an older copy
//! (its log cut back) is flagged as going back and as missing the anchored entry; once it sells
//! past that number again, its history is flagged as a fork. Sales keep reaching head office
//! throughout, and an honest till is never flagged.

mod support;

use kassa_hq::storage::{Finding, FindingKind};
use kassa_store::Till;
use kassa_sync::sync_once;
use std::path::Path;
use support::{cash_sale, clock, HqServer};

fn open(path: &Path) -> Till {
    Till::open(path)
        .unwrap()
        .with_clock(clock("2026-11-23T10:00:00+01:00"))
}

fn sell(till: &mut Till, n: usize) {
    for _ in 0..n {
        till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
            .unwrap();
    }
}

async fn audit_findings(hq: &HqServer) -> Vec<Finding> {
    hq.hq
        .findings()
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.kind == FindingKind::AuditChain)
        .collect()
}

fn subjects(findings: &[Finding]) -> Vec<String> {
    let mut subjects: Vec<String> = findings.iter().map(|f| f.subject.clone()).collect();
    subjects.sort();
    subjects
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_restored_from_an_older_copy_is_flagged_and_its_sales_still_arrive() {
    let hq = HqServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let backup = dir.path().join("backup.db");
    let mut till = open(&path);
    let code = hq.enroll_code("AMS1", 1).await;
    kassa_sync::enroll(&mut till, &hq.url(), &code)
        .await
        .unwrap();
    sync_once(&mut till).await.unwrap();

    // An honest till: its head is anchored each sync, and nothing is flagged.
    sell(&mut till, 3);
    sync_once(&mut till).await.unwrap();
    sync_once(&mut till).await.unwrap();
    let (backup_seq, _) = till.audit_head().unwrap().unwrap();
    drop(till);
    std::fs::copy(&path, &backup).unwrap();
    let mut till = open(&path);
    sell(&mut till, 4);
    sync_once(&mut till).await.unwrap();
    sync_once(&mut till).await.unwrap();
    let (anchored_seq, _) = till.audit_head().unwrap().unwrap();
    assert!(anchored_seq > backup_seq + 3);
    assert_eq!(
        audit_findings(&hq).await,
        vec![],
        "an honest till is flagged"
    );
    let sales_before = hq.sales_at_hq("AMS1", "2026-11-23").await;
    assert_eq!(sales_before, 7);
    drop(till);

    // Someone puts the older copy back: its chain ends before what head office anchored.
    std::fs::copy(&backup, &path).unwrap();
    let _ = std::fs::remove_file(dir.path().join("till.db-wal"));
    let mut till = open(&path);
    assert!(
        till.verify_audit().unwrap().first_break.is_none(),
        "the copy is intact in itself"
    );
    sync_once(&mut till).await.unwrap();
    sync_once(&mut till).await.unwrap();
    let found = audit_findings(&hq).await;
    assert_eq!(
        subjects(&found),
        vec![
            format!("entry {anchored_seq} gone"),
            format!("went back from {anchored_seq} to {backup_seq}"),
        ],
        "{found:#?}"
    );

    // It goes on selling past the anchored number: now the entry there is another one.
    sell(&mut till, (anchored_seq - backup_seq) as usize + 1);
    sync_once(&mut till).await.unwrap();
    sync_once(&mut till).await.unwrap();
    let found = audit_findings(&hq).await;
    let subjects = subjects(&found);
    assert!(
        subjects.contains(&format!("fork at {anchored_seq}")),
        "{subjects:?}"
    );
    assert!(found
        .iter()
        .all(|f| f.store == "AMS1" && f.decision.is_none()));
    // Nothing was refused: the restored till's new sales reached head office.
    assert!(hq.sales_at_hq("AMS1", "2026-11-23").await > sales_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_or_proof_head_office_cannot_read_is_flagged_not_refused() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 2).await;
    sell(&mut till, 2);
    sync_once(&mut till).await.unwrap();
    let token = till.device().unwrap().device_token.unwrap();
    let device = hq.hq.authenticate(Some(&token)).await.unwrap();
    let (seq, hash) = till.audit_head().unwrap().unwrap();
    let request = |head: kassa_protocol::AuditHead, proof: Option<kassa_protocol::AuditHead>| {
        kassa_protocol::SyncRequest {
            audit_head: Some(head),
            audit_at_anchor: proof,
            ..kassa_protocol::SyncRequest::new(Vec::new())
        }
    };
    let garbage = kassa_protocol::AuditHead {
        seq: -5,
        hash: "x".repeat(10_000),
    };
    let answer = hq
        .hq
        .sync(&device, request(garbage.clone(), None))
        .await
        .unwrap();
    assert_eq!(answer.audit_anchor, Some(seq), "the anchor did not move");
    let other_hash = kassa_protocol::AuditHead {
        seq,
        hash: "0".repeat(64),
    };
    hq.hq
        .sync(
            &device,
            request(
                kassa_protocol::AuditHead {
                    seq,
                    hash: hash.clone(),
                },
                Some(other_hash),
            ),
        )
        .await
        .unwrap();
    let found = audit_findings(&hq).await;
    assert_eq!(
        subjects(&found),
        vec![format!("fork at {seq}"), "malformed head".to_string()]
    );
    assert!(
        found.iter().all(|f| f.detail.len() < 300),
        "a finding repeats what the till sent: {found:#?}"
    );

    // A manager reads them over the API; a flag has nothing to accept or reject.
    let admin = kassa_sync::HqClient::new(&hq.url(), Some(support::ADMIN_TOKEN.into())).unwrap();
    let listed: Vec<serde_json::Value> = admin.get("/v1/admin/findings").await.unwrap();
    let fork = listed
        .iter()
        .find(|f| f["subject"] == format!("fork at {seq}"))
        .expect("the fork is listed");
    assert_eq!(fork["kind"], "audit_chain");
    let refused = admin
        .post::<_, serde_json::Value>(
            &format!("/v1/admin/findings/{}/decision", fork["id"]),
            &kassa_protocol::FindingDecision {
                accept: true,
                by: "Mia".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, kassa_sync::SyncError::Rejected { status: 400, message, .. } if message.contains("nothing to accept")),
        "{refused:?}"
    );
}
