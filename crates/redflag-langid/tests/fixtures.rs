//! Languages without a public dataset here (Malay, Khmer, Burmese, Chinese), plus the Indonesian
//! counterparts of the Malay lines: small committed fixtures in `tests/fixtures/`, one message per
//! line, `#` lines are comments.

use redflag_langid::{Lang, detect};

fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Every line must come out as `want`, with nothing else present.
fn all_exactly(file: &str, text: &str, want: Lang) {
    let ls = lines(text);
    assert!(ls.len() >= 20, "{file}: {} lines", ls.len());
    for l in ls {
        let d = detect(l);
        assert_eq!(
            (d.lang, d.present.as_slice()),
            (want, &[want][..]),
            "{file}: {l}"
        );
        assert!(
            d.confidence >= 0.5,
            "{file}: confidence {} for {l}",
            d.confidence
        );
    }
}

#[test]
fn khmer() {
    all_exactly("km.txt", include_str!("fixtures/km.txt"), Lang::Km);
}

#[test]
fn burmese_unicode_and_zawgyi() {
    all_exactly("my.txt", include_str!("fixtures/my.txt"), Lang::My);
}

#[test]
fn chinese_with_latin_handles() {
    all_exactly("zh.txt", include_str!("fixtures/zh.txt"), Lang::Zh);
}

/// Checks a paired Malay/Indonesian set and returns how many lines of each were decided (Malay
/// alone; Indonesian alone). Malay is never anything but Malay or "Indonesian or Malay";
/// Indonesian is never Malay.
fn pairs(ms_text: &str, id_text: &str) -> (usize, usize) {
    let ms = lines(ms_text);
    let id = lines(id_text);
    assert_eq!(ms.len(), id.len(), "the two files are paired line by line");
    let (mut ms_decided, mut id_decided) = (0, 0);
    for (m, i) in ms.iter().zip(&id) {
        let dm = detect(m);
        assert!(dm.present.contains(&Lang::Ms), "ms: {m} -> {dm:?}");
        assert!(matches!(dm.lang, Lang::Ms | Lang::Id), "ms: {m} -> {dm:?}");
        ms_decided += usize::from(dm.lang == Lang::Ms);
        let di = detect(i);
        assert_eq!(di.lang, Lang::Id, "id: {i} -> {di:?}");
        id_decided += usize::from(di.present == [Lang::Id]);
    }
    println!(
        "Malay decided {ms_decided}/{}, Indonesian decided {id_decided}/{}",
        ms.len(),
        id.len()
    );
    (ms_decided, id_decided)
}

/// The pairs the word lists were developed with (a regression test, not an unbiased estimate).
#[test]
fn malay_and_indonesian_pairs() {
    let (ms, id) = pairs(
        include_str!("fixtures/ms.txt"),
        include_str!("fixtures/id.txt"),
    );
    assert!(ms >= 19, "Malay decided on {ms}/20");
    assert!(id >= 18, "Indonesian decided on {id}/20");
}

/// Pairs written after the lists were final and never tuned on: measured 11/15 Malay and 10/15
/// Indonesian decided; the rest were "Indonesian or Malay", none the wrong variety.
#[test]
fn malay_and_indonesian_held_out_pairs() {
    let (ms, id) = pairs(
        include_str!("fixtures/ms_holdout.txt"),
        include_str!("fixtures/id_holdout.txt"),
    );
    assert!(ms >= 10, "Malay decided on {ms}/15");
    assert!(id >= 9, "Indonesian decided on {id}/15");
}
