//! Fuzz both views of redflag-text: no panics, spans map inside the original on char boundaries and
//! monotonically, and normalising a view again changes nothing. Crashes go to
//! `fuzz/corpus/normalise/` as regression inputs (replayed by `crates/redflag-text/tests/fuzz_corpus.rs`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = redflag_text::testing::check_invariants(&text) {
        panic!("{e}\ninput: {text:?}");
    }
    let _ = redflag_text::zawgyi::probability(&text);
    let _ = redflag_text::zawgyi::to_unicode(&text);
});
