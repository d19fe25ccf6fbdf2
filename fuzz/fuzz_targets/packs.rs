//! Rule-pack loading must never panic: any bytes as a lure pack give an engine or an error naming the file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use redflag_core::{Engine, PackSource};

const REST: [(&str, &str); 3] = [
    ("scam.toml", include_str!("../../packs/scam.toml")),
    ("distress.toml", include_str!("../../packs/distress.toml")),
    ("calibration.toml", include_str!("../../packs/calibration.toml")),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = vec![PackSource { file: "lure.toml", text }];
    sources.extend(REST.iter().map(|(file, text)| PackSource { file, text }));
    match Engine::from_sources(&sources) {
        Ok(engine) => {
            let _ = engine.check_examples();
        }
        Err(e) => assert!(e.to_string().starts_with("lure.toml"), "{e}"),
    }
});
