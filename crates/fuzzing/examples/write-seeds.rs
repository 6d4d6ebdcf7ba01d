//! Stores each target's seeds in `fuzz/corpus/<target>/` for cargo-fuzz to start from:
//! `cargo run -p kassa-fuzzing --example write-seeds`.

use kassa_fuzzing::{seeds::seeds, TARGETS};
use std::path::Path;

fn main() -> std::io::Result<()> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    for target in TARGETS {
        let dir = corpus.join(target.name);
        std::fs::create_dir_all(&dir)?;
        for (i, seed) in seeds(target.name).iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i}")), seed)?;
        }
        println!("{}: {} seeds", target.name, seeds(target.name).len());
    }
    Ok(())
}
