//! Official conformance vectors (BIP-173/BIP-350, EIP-55, libphonenumber example numbers) and
//! the ScamSniffer address list, read from `../shared/data` (kept outside the repository).
//! Without the directory the tests print a skip note; CI has it.

use std::path::PathBuf;

use redflag_selectors::wallets::{
    Bech32Variant, bech32_variant, decode_segwit, eip55, is_eip55_valid,
};
use redflag_selectors::{Context, Kind, Selector, Validation, extract};

fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: {} not found (shared data sets are not in the repository)",
            dir.display()
        );
        None
    }
}

fn find<'a>(sels: &'a [Selector], kind: Kind, value: &str) -> Option<&'a Selector> {
    sels.iter().find(|s| s.kind == kind && s.value == value)
}

#[derive(serde::Deserialize)]
struct Bech32Vector {
    spec: String,
    encoding: String,
    kind: String,
    valid: bool,
    input: String,
    reason: String,
    script_pubkey_hex: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn bip173_bip350_vectors() {
    let Some(dir) = data_dir() else { return };
    let text =
        std::fs::read_to_string(dir.join("selector-test-vectors/bech32_vectors.json")).unwrap();
    let vectors: Vec<Bech32Vector> = serde_json::from_str(&text).unwrap();
    assert_eq!(vectors.len(), 79);
    let mut checked = 0;
    for v in &vectors {
        match v.kind.as_str() {
            "string" => {
                let expect = match v.encoding.as_str() {
                    "bech32" => Bech32Variant::Bech32,
                    "bech32m" => Bech32Variant::Bech32m,
                    e => panic!("unknown encoding {e}"),
                };
                let got = bech32_variant(&v.input);
                if v.valid {
                    assert_eq!(got, Some(expect), "{} {:?}", v.spec, v.input);
                } else {
                    // Invalid for this checksum; the other checksum must not rescue it either.
                    assert_eq!(got, None, "{} {:?} ({})", v.spec, v.input, v.reason);
                }
            }
            "segwit_address" => {
                // BIP-350 supersedes BIP-173 for witness v1+: those BIP-173 "valid" entries say so.
                let valid_now = v.valid && !v.reason.contains("BIP-350 makes");
                let got = decode_segwit(&v.input);
                assert_eq!(
                    got.is_some(),
                    valid_now,
                    "{} {:?} ({})",
                    v.spec,
                    v.input,
                    v.reason
                );
                if let Some(addr) = &got {
                    assert_eq!(
                        hex(&addr.script_pubkey()),
                        v.script_pubkey_hex,
                        "{}",
                        v.input
                    );
                }
                // In text, a mainnet address extracts as BTC with the same verdict.
                if v.input.len() > 3 && v.input[..3].eq_ignore_ascii_case("bc1") {
                    let text = format!("send to {} now", v.input);
                    let sels = extract(&text, &Context::default());
                    let btc: Vec<_> = sels.iter().filter(|s| s.kind == Kind::Btc).collect();
                    if valid_now {
                        assert_eq!(btc.len(), 1, "{}", v.input);
                        assert!(btc[0].valid && btc[0].value == v.input.to_lowercase());
                        assert_eq!(&text[btc[0].start..btc[0].end], v.input);
                    } else {
                        // Kept as invalid when it has the shape, never reported valid.
                        assert!(btc.iter().all(|s| !s.valid), "{}", v.input);
                    }
                }
            }
            k => panic!("unknown vector kind {k}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 79);
}

#[test]
fn eip55_vectors() {
    let Some(dir) = data_dir() else { return };
    let mut rdr =
        csv::Reader::from_path(dir.join("selector-test-vectors/eip55_vectors.csv")).unwrap();
    let mut n = 0;
    for row in rdr.records() {
        let row = row.unwrap();
        let addr = &row[1];
        assert_eq!(&row[2], "true");
        // The checksum of the lower-case form is the vector itself.
        assert_eq!(eip55(&addr.to_lowercase()).as_deref(), Some(addr), "{addr}");
        assert!(is_eip55_valid(addr));
        let text = format!("USDT (ERC20): {addr}.");
        let sels = extract(&text, &Context::default());
        let s = find(&sels, Kind::Eth, addr).unwrap_or_else(|| panic!("{addr}: {sels:?}"));
        assert!(s.valid);
        assert_eq!(&text[s.start..s.end], addr);
        // Flip the case of one letter: a wrong checksum, kept with valid = false.
        if &row[0] == "normal" {
            let i = addr[2..].find(|c: char| c.is_ascii_alphabetic()).unwrap() + 2;
            let mut bad: Vec<char> = addr.chars().collect();
            bad[i] = if bad[i].is_ascii_uppercase() {
                bad[i].to_ascii_lowercase()
            } else {
                bad[i].to_ascii_uppercase()
            };
            let bad: String = bad.into_iter().collect();
            let sels = extract(&format!("wallet {bad}"), &Context::default());
            let s = find(&sels, Kind::Eth, &bad).expect("kept as written");
            assert!(!s.valid && s.validation == Validation::Checksum, "{bad}");
        }
        n += 1;
    }
    assert_eq!(n, 8);
}

#[test]
fn scamsniffer_addresses_extract_as_valid_eth() {
    let Some(dir) = data_dir() else { return };
    let text = std::fs::read_to_string(dir.join("scamsniffer-blacklist/address.json")).unwrap();
    let addrs: Vec<String> = serde_json::from_str(&text).unwrap();
    assert!(addrs.len() > 2000);
    for (i, a) in addrs.iter().enumerate() {
        // Vary the surroundings: Thai, Chinese, punctuation, line starts.
        let text = match i % 4 {
            0 => format!("โอน USDT ไปที่ {a} ด่วน"),
            1 => format!("充值地址：{a}（ERC20）"),
            2 => a.to_string(),
            _ => format!("Send to:\n{a}, then message us"),
        };
        let sels = extract(&text, &Context::default());
        let eth: Vec<_> = sels.iter().filter(|s| s.kind == Kind::Eth).collect();
        assert_eq!(eth.len(), 1, "{text}: {sels:?}");
        let s = eth[0];
        assert!(s.valid, "{a}");
        assert_eq!(s.value, eip55(a).unwrap());
        assert_eq!(s.value.to_lowercase(), *a);
        assert_eq!(&text[s.start..s.end], a.as_str());
        assert_eq!(
            s.validation,
            Validation::Syntax,
            "lower-case carries no checksum"
        );
        // No phone number read out of the hex digits.
        assert!(
            sels.iter().all(|s| s.kind != Kind::Phone),
            "{text}: {sels:?}"
        );
    }
}

#[test]
fn libphonenumber_example_numbers() {
    let Some(dir) = data_dir() else { return };
    let mut rdr =
        csv::Reader::from_path(dir.join("selector-test-vectors/phone_examples_sea.csv")).unwrap();
    let mut n = 0;
    for row in rdr.records() {
        let row = row.unwrap();
        let (region, e164, intl, national) = (&row[0], &row[3], &row[4], &row[5]);
        assert_eq!(&row[6], "true");
        // International and E.164 forms need no context.
        for form in [e164, intl] {
            let text = format!("Call {form} now");
            let sels = extract(&text, &Context::default());
            let s = find(&sels, Kind::Phone, e164).unwrap_or_else(|| panic!("{form}: {sels:?}"));
            assert!(s.valid && !s.ambiguous, "{form}");
            assert_eq!(&text[s.start..s.end], form);
            assert_eq!(s.region.as_deref(), Some(region));
        }
        // The national form, labelled, with the region known from the source.
        let ctx = Context {
            langs: &[],
            default_region: Some(region),
        };
        let text = format!("Tel: {national}");
        let sels = extract(&text, &ctx);
        let s = find(&sels, Kind::Phone, e164)
            .unwrap_or_else(|| panic!("{region} {national}: {sels:?}"));
        assert!(s.valid && !s.ambiguous, "{national}");
        assert_eq!(&text[s.start..s.end], national.trim_start_matches('('));
        n += 1;
    }
    assert_eq!(n, 40);
}
