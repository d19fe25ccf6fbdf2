//! Replay every input of the `normalise` fuzz target's corpus (seeds and former crashes).
use std::path::Path;

#[test]
fn fuzz_corpus_inputs_keep_the_invariants() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/normalise");
    let mut n = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .collect();
    entries.sort_by_key(|e| e.as_ref().map(|e| e.path()).ok());
    for entry in entries {
        let path = entry.expect("readable corpus entry").path();
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = String::from_utf8_lossy(&data);
        if let Err(e) = redflag_text::testing::check_invariants(&text) {
            panic!("{}: {e}", path.display());
        }
        n += 1;
    }
    assert!(n >= 20, "only {n} corpus inputs in {}", dir.display());
}
