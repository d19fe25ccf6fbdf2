//! Fuzz `redflag_selectors::extract`: the first byte picks languages and a default region, the
//! rest is the text (lossy UTF-8). Checks that spans stay inside the text on char boundaries,
//! that output is ordered and deterministic, and that valid phone values are E.164.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    redflag_selectors::fuzzing::check(data);
});
