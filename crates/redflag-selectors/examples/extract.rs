//! Print the selectors of each line of standard input: one JSON array per input line, each
//! selector with its raw span text added as `raw`.
//!
//! ```text
//! echo "Line ID: abc123 โทร 081 234 5678" | cargo run -p redflag-selectors --example extract -- th
//! ```
//! Arguments: language codes (hints for local phone numbers); `--region XX` sets a default region.
use std::io::{BufRead, Write};

use redflag_selectors::{Context, extract};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut langs: Vec<&str> = Vec::new();
    let mut region = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--region" {
            region = it.next().map(String::as_str);
        } else {
            langs.push(a);
        }
    }
    let ctx = Context {
        langs: &langs,
        default_region: region,
    };
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines().map_while(Result::ok) {
        let sels: Vec<serde_json::Value> = extract(&line, &ctx)
            .into_iter()
            .map(|s| {
                let mut v = serde_json::to_value(&s).unwrap_or_default();
                v["raw"] = line[s.start..s.end].into();
                v
            })
            .collect();
        let json = serde_json::to_string(&sels).unwrap_or_default();
        if writeln!(out, "{json}").is_err() {
            return;
        }
    }
}
