//! The fuzz targets on stable, inside `cargo test`: each runs over its stored corpus
//! (`fuzz/corpus/<target>/`, seeds and whatever cargo-fuzz found worth keeping), its regressions
//! (`fuzz/regressions/<target>/`, every crash a fuzz run ever found), the seeds made by the real
//! code, and deterministic mutations of all of them. A panic names the target and the input.

use kassa_fuzzing::mutate::{mutate, Rng};
use kassa_fuzzing::{seeds::seeds, TARGETS};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn stored(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.expect("a corpus entry").path()).collect();
    files.sort();
    files
        .iter()
        .filter(|p| p.is_file())
        .map(|p| std::fs::read(p).expect("a corpus file"))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `name` over its corpus, regressions, seeds and `mutations` mutated inputs.
fn run(name: &str, mutations: usize) {
    let target = TARGETS
        .iter()
        .find(|t| t.name == name)
        .expect("a known target");
    let mut inputs = stored(&fuzz_dir().join("corpus").join(name));
    inputs.extend(stored(&fuzz_dir().join("regressions").join(name)));
    inputs.extend(seeds(name));
    assert!(!inputs.is_empty(), "{name}: no corpus and no seeds");
    let base = inputs.clone();
    let mut rng = Rng::new(0x006b_6173_7361 ^ name.len() as u64);
    for _ in 0..mutations {
        let input = &base[rng.below(base.len())];
        let other = &base[rng.below(base.len())];
        inputs.push(mutate(&mut rng, input, other));
    }
    for _ in 0..mutations / 4 {
        let len = rng.below(256);
        inputs.push(rng.bytes(len));
    }
    for input in &inputs {
        let outcome = std::panic::catch_unwind(|| (target.run)(input));
        if outcome.is_err() {
            panic!("{name} panicked on input (hex) {}", hex(input));
        }
    }
}

#[test]
fn the_seeds_are_accepted_by_the_code_they_exercise() {
    // A seed that the target rejects at its first step tests nothing deep: check that the sync
    // seed really is a sync head office takes, and the order seed an order.
    for name in [
        "sync_request",
        "web_order",
        "receipt_code",
        "doc_id",
        "money",
    ] {
        assert!(!seeds(name).is_empty(), "{name} has seeds");
    }
    let sync = seeds("sync_request");
    let body = &sync[0][kassa_fuzzing::targets::ACTOR_BYTES..];
    let request: kassa_protocol::SyncRequest = serde_json::from_slice(body).unwrap();
    assert!(
        request
            .docs
            .iter()
            .any(|d| d.doc_id == kassa_fuzzing::targets::LEDGER),
        "the sync seed carries the till's ledger"
    );
    let (first, _) = kassa_fuzzing::targets::sync_twice(&sync[0]).unwrap();
    let answer = first.expect("head office takes the seed's sync");
    assert!(
        !answer.docs.is_empty(),
        "head office answers the seed's documents"
    );
    let public =
        kassa_domain::receipt_code::public_key(kassa_fuzzing::targets::RECEIPT_SECRET).unwrap();
    for seed in seeds("receipt_code") {
        let code = String::from_utf8(seed).unwrap();
        kassa_domain::receipt_code::verify(&code, |_| Some(public.clone())).unwrap();
    }
}

#[test]
fn sync_request() {
    run("sync_request", 200);
}

#[test]
fn sync_message() {
    run("sync_message", 2_000);
}

#[test]
fn document_load() {
    run("document_load", 2_000);
}

#[test]
fn catalogue_csv() {
    run("catalogue_csv", 2_000);
}

#[test]
fn web_order() {
    run("web_order", 400);
}

#[test]
fn receipt_code() {
    run("receipt_code", 5_000);
}

#[test]
fn doc_id() {
    run("doc_id", 5_000);
}

#[test]
fn money() {
    run("money", 5_000);
}

#[test]
fn every_target_has_a_test_here_and_a_cargo_fuzz_target() {
    let source = include_str!("corpus.rs");
    for target in TARGETS {
        assert!(
            source.contains(&format!("fn {}()", target.name)),
            "{} has no test in corpus.rs",
            target.name
        );
        let fuzz_target = fuzz_dir()
            .join("fuzz_targets")
            .join(format!("{}.rs", target.name));
        assert!(fuzz_target.exists(), "{} is missing", fuzz_target.display());
    }
}
