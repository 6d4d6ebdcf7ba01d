//! The TypeScript types in `ui/src/generated/` are what ts-rs makes of the Rust types today: a
//! command whose types changed without regenerating fails here (and the UI's `tsc` then shows
//! what the change breaks). Regenerate with
//! `KASSA_WRITE_TS_BINDINGS=1 cargo test -p kassa-till --test ts_bindings`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/generated")
}

/// File name -> contents of every `.ts` file directly in `dir` (none when it does not exist).
fn ts_files(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ts"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[test]
fn generated_typescript_matches_the_rust_types() {
    let fresh_dir = tempfile::tempdir().unwrap();
    kassa_till::bindings::export_typescript(fresh_dir.path()).unwrap();
    let fresh = ts_files(fresh_dir.path());
    assert!(
        fresh.contains_key("Receipt.ts") && fresh.contains_key("Money.ts"),
        "the export wrote {:?}",
        fresh.keys()
    );
    let committed_path = committed_dir();
    if std::env::var_os("KASSA_WRITE_TS_BINDINGS").is_some() {
        for stale in ts_files(&committed_path).keys() {
            fs::remove_file(committed_path.join(stale)).unwrap();
        }
        fs::create_dir_all(&committed_path).unwrap();
        for (name, text) in &fresh {
            fs::write(committed_path.join(name), text).unwrap();
        }
        return;
    }
    let committed = ts_files(&committed_path);
    let differing: Vec<&String> = fresh
        .keys()
        .chain(committed.keys())
        .filter(|name| fresh.get(*name) != committed.get(*name))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        differing.is_empty(),
        "ui/src/generated is out of date ({differing:?} differ, are missing or are stale): \
         run KASSA_WRITE_TS_BINDINGS=1 cargo test -p kassa-till --test ts_bindings"
    );
}
