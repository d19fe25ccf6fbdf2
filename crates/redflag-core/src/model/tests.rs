use super::*;

/// Small synthetic fixture (written for the tests; no real messages).
fn fixture() -> Vec<(String, bool)> {
    let scam = [
        "Congratulations you won a prize, claim now at the link",
        "Your account is locked, verify your bank details at the link now",
        "Earn 500 dollars a day from home, message our agent to claim",
        "Final notice: pay the parcel fee today or it is returned, click the link",
        "You are selected for a cash reward, send your PIN to claim",
        "Loan approved without documents, transfer the fee to receive it",
    ];
    let ham = [
        "See you at lunch tomorrow, I will bring the books",
        "The meeting moved to three, please tell the others",
        "Happy birthday! Hope you have a lovely day",
        "Can you pick up milk and bread on the way home",
        "Thanks for dinner last night, it was great",
        "The bus is late again, I will be ten minutes behind",
    ];
    let mut v = Vec::new();
    for round in 0..3 {
        for s in scam {
            v.push((format!("{s} {round}"), true));
        }
        for h in ham {
            v.push((format!("{h} {round}"), false));
        }
    }
    v
}

fn opts() -> TrainOptions {
    TrainOptions {
        name: "fixture".into(),
        langs: vec!["en".into()],
        kinds: vec!["message".into()],
        hash_bits: 14,
        c_grid: vec![1.0, 10.0],
        ..TrainOptions::default()
    }
}

fn trained() -> Model {
    let data = fixture();
    let ex: Vec<Example> = data
        .iter()
        .map(|(t, l)| Example {
            text: t,
            label: *l,
            weight: 1.0,
        })
        .collect();
    train(&ex, &opts()).unwrap()
}

#[test]
fn training_is_deterministic_and_learns() {
    let a = trained();
    let b = trained();
    assert_eq!(a, b);
    assert_eq!(a.to_bytes(), b.to_bytes());
    let p_scam = a.predict("Claim your prize now at the link");
    let p_ham = a.predict("See you at dinner tomorrow");
    assert!(p_scam > p_ham, "{p_scam} {p_ham}");
    let (p, top) = a.explain_view(
        redflag_text::match_view("Claim your prize now at the link").as_str(),
        3,
    );
    assert!((p - p_scam).abs() < 1e-12);
    assert!(!top.is_empty() && top.iter().all(|c| c.value > 0.0));
}

#[test]
fn save_and_reload_predict_identically() {
    let m = trained();
    let bytes = m.to_bytes();
    let back = Model::from_bytes("fixture.rfm", &bytes).unwrap();
    assert_eq!(back, m);
    for (t, _) in fixture() {
        assert_eq!(back.predict(&t).to_bits(), m.predict(&t).to_bits());
    }
}

#[test]
fn corrupted_or_foreign_files_are_refused_clearly() {
    let bytes = trained().to_bytes();
    let err = |b: &[u8]| Model::from_bytes("m.rfm", b).unwrap_err().to_string();
    assert!(err(b"{\"not\": \"a model\"}").contains("not a redflag model file"));
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    assert!(
        err(&flipped).contains("checksum mismatch"),
        "{}",
        err(&flipped)
    );
    assert!(err(&bytes[..bytes.len() / 3]).contains("checksum mismatch"));
    assert!(err(&bytes[..9]).contains("truncated"));
    let mut v2 = bytes.clone();
    v2[8] = 2;
    assert!(err(&v2).contains("format version 2"), "{}", err(&v2));
    assert!(err(&v2).starts_with("m.rfm: "));
}

#[test]
fn refuses_one_class_training_data() {
    let ex = [Example {
        text: "a",
        label: true,
        weight: 1.0,
    }; 4];
    assert!(train(&ex, &opts()).unwrap_err().contains("two negative"));
}
