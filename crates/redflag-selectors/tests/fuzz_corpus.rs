//! Replays the fuzz corpus (`fuzz/corpus/selectors/*`, seeds and kept crash inputs) through the
//! same invariant checks as the fuzz target, so regressions fail `cargo test` on stable.

use std::path::PathBuf;

#[test]
fn replay_fuzz_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/selectors");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/corpus/selectors exists") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| redflag_selectors::fuzzing::check(&data));
        assert!(result.is_ok(), "{} breaks an invariant", path.display());
        n += 1;
    }
    assert!(n >= 20, "expected at least 20 corpus files, found {n}");
}
