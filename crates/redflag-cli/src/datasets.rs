//! Readers for the labelled datasets of `../shared/data` (each folder's SOURCE.md gives origin, format
//! and label meanings), with one explicit label map per dataset.
//!
//! The label maps are the single place that says what a dataset's labels mean to redflag: the
//! false-positive check of `redflag packs test` reads the [`Class::is_genuine`] texts, and the classifier
//! trains on the same table. A label missing from a map is an error naming file and line, never a guess.
//!
//! | dataset | file | genuine | scam | spam |
//! |---|---|---|---|---|
//! | sms-spam-uci | SMSSpamCollection | `ham` | – | `spam` (UK premium-rate/prize spam) |
//! | sms-spam-id | dataset_sms_spam_v1.csv | `0` normal, `2` promo (as [`Class::Promo`]) | `1` fraud | – |
//! | sms-spam-ph | SPAM_SMS.csv | – | – | every row (no labels; casino, fake rewards, job lures, phishing) |
//! | sms-th-beebuzz | thai_sms_fraud_normal.csv | `normal` | `fraud` | – |
//! | sms-th-punchpatcha | spamsmsdataset.csv | `ham` | – | `spam` (scams mixed with premium SMS) |
//! | sms-th-scamguard | sms_dataset.csv | `0` | `1` | – |
//! | sms-th-sivakorn | thai_sms_labelled.csv | `OK`, `OTP` (as [`Class::Otp`]) | `scam` | `spam` |
//! | sms-vi-ie403 | dataset.csv | `0` | `1` (smishing) | – |
//! | emscad | fake_job_postings.csv | `fraudulent` = `0` | `fraudulent` = `1` (fraudulent job ad) | – |
//!
//! For the classifier (`redflag train` / `redflag eval`), [`Class::is_positive`] decides: scam **and**
//! spam are positive (the `messages` model adds to the scam score, and the spam of these sets is prize,
//! premium-rate, casino and loan bait), genuine, OTP and promo are negative. EMSCAD's genuine ads carry
//! [`Dataset::negative_weight`] (17,014 / 849) so that figures can be stated at the real 4.84 % fraud rate;
//! the Filipino set has one class and is scored by recall alone.
use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};

/// What a label means to redflag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// A legitimate message or job ad: between people, or a service's notice or receipt.
    Genuine,
    /// A legitimate one-time password or verification message (a hard negative for "code" words).
    Otp,
    /// Legitimate marketing by an operator or shop: perhaps unwanted, not fraud.
    Promo,
    /// Unsolicited bulk messages (premium-rate subscriptions, prize spam) whose set does not say which are
    /// scams: neither genuine nor a clean scam label.
    Spam,
    /// Fraud: phishing, smishing, fake loans and prizes, fraudulent job ads.
    Scam,
}

impl Class {
    /// Counts as a genuine (non-scam, non-spam) text for the false-positive check.
    pub fn is_genuine(self) -> bool {
        matches!(self, Class::Genuine | Class::Otp | Class::Promo)
    }

    /// Counts as positive for the classifier: scam and spam.
    pub fn is_positive(self) -> bool {
        !self.is_genuine()
    }
}

/// What kind of text a dataset holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Short messages.
    Sms,
    /// Job ads.
    JobAd,
}

/// How a dataset's file is laid out.
#[derive(Debug, Clone, Copy)]
pub enum Layout {
    /// `label<TAB>text` per line, no header (the text may contain quotes, so this is not CSV).
    TabSeparated,
    /// CSV with a header; the text is these columns joined by a newline (empty ones left out).
    Csv {
        /// Text columns.
        text: &'static [&'static str],
        /// Label column, or none when every row has the same class (see [`Labels::All`]).
        label: Option<&'static str>,
    },
}

/// A dataset's label map.
#[derive(Debug, Clone, Copy)]
pub enum Labels {
    /// Label (trimmed) → class.
    Map(&'static [(&'static str, Class)]),
    /// The set has no labels: every row is of this class.
    All(Class),
}

/// One labelled dataset.
#[derive(Debug, Clone, Copy)]
pub struct Dataset {
    /// Its folder under the data directory.
    pub name: &'static str,
    /// Its file in that folder.
    pub file: &'static str,
    /// The main language (BCP-47).
    pub lang: &'static str,
    /// What its texts are.
    pub kind: TextKind,
    /// The file layout.
    pub layout: Layout,
    /// What the labels mean.
    pub labels: Labels,
    /// Texts that are placeholders, not messages (skipped).
    pub placeholders: &'static [&'static str],
    /// Weight of a negative row when figures are stated at the real base rate (1 when the set's balance is
    /// the real one; EMSCAD's copy keeps only 849 of 17,014 genuine ads).
    pub negative_weight: f64,
}

use Class::*;

/// Every labelled dataset redflag knows, with its label map.
pub const DATASETS: &[Dataset] = &[
    Dataset {
        name: "sms-spam-uci",
        file: "SMSSpamCollection",
        lang: "en",
        kind: TextKind::Sms,
        layout: Layout::TabSeparated,
        labels: Labels::Map(&[("ham", Genuine), ("spam", Spam)]),
        placeholders: &[],
        negative_weight: 1.0,
    },
    Dataset {
        name: "sms-spam-id",
        file: "dataset_sms_spam_v1.csv",
        lang: "id",
        kind: TextKind::Sms,
        layout: Layout::Csv {
            text: &["Teks"],
            label: Some("label"),
        },
        labels: Labels::Map(&[("0", Genuine), ("1", Scam), ("2", Promo)]),
        placeholders: &[],
        negative_weight: 1.0,
    },
    Dataset {
        name: "sms-spam-ph",
        file: "SPAM_SMS.csv",
        lang: "tl",
        kind: TextKind::Sms,
        layout: Layout::Csv {
            text: &["text"],
            label: None,
        },
        labels: Labels::All(Spam),
        placeholders: &["<<Content not supported.>>"],
        negative_weight: 1.0,
    },
    Dataset {
        name: "sms-th-beebuzz",
        file: "thai_sms_fraud_normal.csv",
        lang: "th",
        kind: TextKind::Sms,
        layout: Layout::Csv {
            text: &["text"],
            label: Some("label"),
        },
        labels: Labels::Map(&[("normal", Genuine), ("fraud", Scam)]),
        placeholders: &[],
        negative_weight: 1.0,
    },
    Dataset {
        name: "sms-th-punchpatcha",
        file: "spamsmsdataset.csv",
        lang: "th",
        kind: TextKind::Sms,
        // v1 = label, v2 = text (UCI-style header); one label is " ham", hence the trimming.
        layout: Layout::Csv {
            text: &["v2"],
            label: Some("v1"),
        },
        labels: Labels::Map(&[("ham", Genuine), ("spam", Spam)]),
        placeholders: &[],
        negative_weight: 1.0,
    },
    Dataset {
        name: "sms-th-scamguard",
        file: "sms_dataset.csv",
        lang: "th",
        kind: TextKind::Sms,
        layout: Layout::Csv {
            text: &["text"],
            label: Some("label"),
        },
        labels: Labels::Map(&[("0", Genuine), ("1", Scam)]),
        placeholders: &[],
        negative_weight: 1.0,
    },
    Dataset {
        name: "sms-th-sivakorn",
        file: "thai_sms_labelled.csv",
        lang: "th",
        kind: TextKind::Sms,
        layout: Layout::Csv {
            text: &["text"],
            label: Some("label"),
        },
        labels: Labels::Map(&[
            ("OK", Genuine),
            ("OTP", Otp),
            ("spam", Spam),
            ("scam", Scam),
        ]),
        placeholders: &[],
        negative_weight: 1.0,
    },
    Dataset {
        name: "sms-vi-ie403",
        file: "dataset.csv",
        lang: "vi",
        kind: TextKind::Sms,
        layout: Layout::Csv {
            text: &["content"],
            label: Some("label"),
        },
        labels: Labels::Map(&[("0", Genuine), ("1", Scam)]),
        placeholders: &[],
        negative_weight: 1.0,
    },
    Dataset {
        name: "emscad",
        file: "fake_job_postings.csv",
        lang: "en",
        kind: TextKind::JobAd,
        layout: Layout::Csv {
            text: &[
                "title",
                "company_profile",
                "description",
                "requirements",
                "benefits",
            ],
            label: Some("fraudulent"),
        },
        labels: Labels::Map(&[("0", Genuine), ("1", Scam)]),
        placeholders: &[],
        negative_weight: 17_014.0 / 849.0,
    },
];

/// One labelled text.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    /// The text.
    pub text: String,
    /// The label as written in the file (trimmed; empty for unlabelled sets).
    pub label: String,
    /// What it means.
    pub class: Class,
    /// 1-based line in the file where the row starts.
    pub line: u64,
}

impl Dataset {
    /// The class of a label, per this dataset's map.
    pub fn class_of(&self, label: &str) -> Option<Class> {
        match self.labels {
            Labels::All(c) => Some(c),
            Labels::Map(m) => m.iter().find(|(l, _)| *l == label.trim()).map(|(_, c)| *c),
        }
    }

    /// Read every labelled text of the dataset under `root` (`root/<name>/<file>`), in file order.
    pub fn read(&self, root: &Path) -> anyhow::Result<Vec<Labelled>> {
        let path = root.join(self.name).join(self.file);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{}: invalid UTF-8 at byte {}",
                path.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        let rows = match self.layout {
            Layout::TabSeparated => self.read_tsv(&text, &path)?,
            Layout::Csv { text: cols, label } => self.read_csv(&text, cols, label, &path)?,
        };
        Ok(rows
            .into_iter()
            .filter(|r| !self.placeholders.contains(&r.text.trim()))
            .collect())
    }

    fn labelled(
        &self,
        text: String,
        label: &str,
        line: u64,
        path: &Path,
    ) -> anyhow::Result<Labelled> {
        let class = self.class_of(label).ok_or_else(|| {
            anyhow::anyhow!(
                "{}:{line}: label {label:?} is not in the label map of {}",
                path.display(),
                self.name
            )
        })?;
        Ok(Labelled {
            text,
            label: label.trim().to_string(),
            class,
            line,
        })
    }

    fn read_tsv(&self, text: &str, path: &Path) -> anyhow::Result<Vec<Labelled>> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i as u64 + 1;
            if line.trim().is_empty() {
                continue;
            }
            let Some((label, msg)) = line.split_once('\t') else {
                bail!(
                    "{}:{line_no}: no tab between label and text",
                    path.display()
                );
            };
            out.push(self.labelled(msg.to_string(), label, line_no, path)?);
        }
        Ok(out)
    }

    fn read_csv(
        &self,
        text: &str,
        cols: &[&str],
        label: Option<&str>,
        path: &Path,
    ) -> anyhow::Result<Vec<Labelled>> {
        let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers = csv_headers(&mut r, path)?;
        let index: HashMap<&str, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        let col = |c: &str| {
            index.get(c).copied().ok_or_else(|| {
                anyhow::anyhow!(
                    "{}:1: no column {c:?} (columns: {})",
                    path.display(),
                    headers.join(", ")
                )
            })
        };
        let text_cols = cols
            .iter()
            .map(|c| col(c))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let label_col = label.map(col).transpose()?;
        let mut out = Vec::new();
        for rec in r.records() {
            let rec = rec.with_context(|| format!("{}: bad CSV", path.display()))?;
            let line = rec.position().map_or(0, |p| p.line());
            let parts: Vec<&str> = text_cols
                .iter()
                .filter_map(|&i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let label = match label_col {
                Some(i) => rec
                    .get(i)
                    .ok_or_else(|| anyhow::anyhow!("{}:{line}: no label field", path.display()))?,
                None => "",
            };
            out.push(self.labelled(parts.join("\n"), label, line, path)?);
        }
        Ok(out)
    }
}

/// A CSV file's column names, a byte-order mark and surrounding blanks removed.
pub(crate) fn csv_headers<R: std::io::Read>(
    r: &mut csv::Reader<R>,
    path: &Path,
) -> anyhow::Result<Vec<String>> {
    Ok(r.headers()
        .with_context(|| format!("{}:1: cannot read the header", path.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(name: &str) -> &'static Dataset {
        DATASETS.iter().find(|d| d.name == name).unwrap()
    }

    #[test]
    fn label_maps() {
        let id = dataset("sms-spam-id");
        assert_eq!(id.class_of("2"), Some(Promo));
        assert!(Promo.is_genuine() && Otp.is_genuine() && Genuine.is_genuine());
        assert!(!Spam.is_genuine() && !Scam.is_genuine());
        assert_eq!(
            dataset("sms-th-punchpatcha").class_of(" ham"),
            Some(Genuine)
        );
        assert_eq!(dataset("sms-th-sivakorn").class_of("unsure"), None);
        assert_eq!(dataset("sms-spam-ph").class_of(""), Some(Spam));
    }

    #[test]
    fn reads_csv_joining_columns_and_rejects_unknown_labels() {
        let dir = tempfile::tempdir().unwrap();
        let d = dataset("emscad");
        std::fs::create_dir(dir.path().join("emscad")).unwrap();
        let file = dir.path().join("emscad").join(d.file);
        std::fs::write(&file, "job_id,title,company_profile,description,requirements,benefits,fraudulent\n1,Clerk,,\"Files, papers\",None,,0\n2,Agent,Co,Easy money,,,1\n").unwrap();
        let rows = d.read(dir.path()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].text, "Clerk\nFiles, papers\nNone");
        assert_eq!(
            (rows[0].class, rows[1].class, rows[1].line),
            (Genuine, Scam, 3)
        );
        std::fs::write(
            &file,
            "title,company_profile,description,requirements,benefits,fraudulent\nA,,,,,x\n",
        )
        .unwrap();
        let err = d.read(dir.path()).unwrap_err().to_string();
        assert!(
            err.ends_with("fake_job_postings.csv:2: label \"x\" is not in the label map of emscad"),
            "{err}"
        );
    }

    #[test]
    fn reads_tab_separated_with_quotes() {
        let dir = tempfile::tempdir().unwrap();
        let d = dataset("sms-spam-uci");
        std::fs::create_dir(dir.path().join(d.name)).unwrap();
        std::fs::write(
            dir.path().join(d.name).join(d.file),
            "ham\tSay \"hi\", ok\nspam\tWIN now\n",
        )
        .unwrap();
        let rows = d.read(dir.path()).unwrap();
        assert_eq!(rows[0].text, "Say \"hi\", ok");
        assert_eq!((rows[0].class, rows[1].class), (Genuine, Spam));
    }
}
