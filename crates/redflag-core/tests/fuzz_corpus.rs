//! Replays the cargo-fuzz corpus of rule-pack loading (`fuzz/corpus/packs`) as an ordinary test, so
//! every crash the fuzzer ever found stays fixed without nightly Rust.
use redflag_core::{Engine, PackSource};

#[test]
fn pack_loading_corpus_never_panics() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus/packs");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("fuzz corpus present") {
        let path = entry.expect("dir entry").path();
        let bytes = std::fs::read(&path).expect("readable");
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let mut sources: Vec<PackSource> = Engine::builtin_sources()
            .into_iter()
            .filter(|s| s.file != "lure.toml")
            .collect();
        sources.push(PackSource {
            file: "lure.toml",
            text,
        });
        match Engine::from_sources(&sources) {
            Ok(e) => {
                let _ = e.check_examples();
            }
            Err(e) => assert!(
                e.to_string().starts_with("lure.toml"),
                "{}: {e}",
                path.display()
            ),
        }
        n += 1;
    }
    assert!(n >= 5, "corpus too small: {n}");
}
