//! Throughput of `detect` (release build): `cargo bench -p redflag-langid`.
//!
//! Plain `std::time` so that it needs no benchmark framework. Prints microseconds per short
//! message, and MB/s on long texts: a 16 KiB text (read in full: the scanning speed) and a 50 MB
//! text (read through the bounded sample: what a huge document costs).

use std::hint::black_box;
use std::time::Instant;

use redflag_langid::detect;

const FIXTURES: [&str; 6] = [
    include_str!("../tests/fixtures/ms.txt"),
    include_str!("../tests/fixtures/id.txt"),
    include_str!("../tests/fixtures/km.txt"),
    include_str!("../tests/fixtures/my.txt"),
    include_str!("../tests/fixtures/zh.txt"),
    "Easy job, no experience needed, $1500/month, contact us on Telegram @easyjob\n\
     lam viec online luong cao khong can kinh nghiem, lien he Zalo 0901234567\n\
     Làm việc online lương cao, không cần kinh nghiệm, bao ăn ở\n\
     Hiring po kami ng customer service, walang experience needed, may libreng tirahan\n\
     รับสมัครพนักงานแอดมิน ไม่ต้องมีประสบการณ์ รายได้ดี ติดต่อไลน์ @job888\n\
     Lowongan kerja admin online, gaji 8 juta, tanpa pengalaman, hubungi WA\n\
     Congratulations! You have won a prize. Reply YES to claim now.\n\
     Kerja kosong di Kemboja, gaji RM8000, tiket percuma, sila WhatsApp",
];

fn main() {
    let msgs: Vec<&str> = FIXTURES
        .iter()
        .flat_map(|f| f.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let bytes: usize = msgs.iter().map(|m| m.len()).sum();

    // Warm up (builds the word table once).
    for m in &msgs {
        black_box(detect(m));
    }
    let rounds = 2000;
    let t = Instant::now();
    for _ in 0..rounds {
        for m in &msgs {
            black_box(detect(black_box(m)));
        }
    }
    let el = t.elapsed().as_secs_f64();
    let n = (rounds * msgs.len()) as f64;
    println!(
        "short messages: {} distinct, mean {} bytes: {:.2} µs/message, {:.1} MB/s",
        msgs.len(),
        bytes / msgs.len(),
        el / n * 1e6,
        (rounds * bytes) as f64 / el / 1e6
    );

    let paragraph = "We are hiring customer service staff for our office abroad. No experience is \
        needed, the salary is high and the company pays for flights, visa, food and housing. \
        Contact our recruiter today, places are limited. Kami juga menerima pelamar dari \
        Indonesia, gaji tinggi tanpa pengalaman. ";
    for (label, size, reps) in [
        ("16 KiB text (read in full)", 16 * 1024, 5000),
        ("50 MB text (sampled)", 50_000_000, 2000),
    ] {
        let text: String = paragraph.repeat(size / paragraph.len() + 1);
        let text = &text[..size];
        black_box(detect(text));
        let t = Instant::now();
        for _ in 0..reps {
            black_box(detect(black_box(text)));
        }
        let el = t.elapsed().as_secs_f64();
        println!(
            "{label}: {:.1} µs/document, {:.0} MB/s",
            el / reps as f64 * 1e6,
            (reps * size) as f64 / el / 1e6
        );
    }
}
