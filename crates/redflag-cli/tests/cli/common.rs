//! Running the binary and reading its output.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// What a run produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Assert the exit code, showing stderr when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            code,
            "exit code; stderr:\n{}\nstdout (start):\n{}",
            self.stderr,
            head(&self.stdout)
        );
        self
    }

    /// The JSONL output parsed.
    pub fn reports(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }

    /// The `id` of every JSONL report.
    pub fn ids(&self) -> Vec<String> {
        self.reports()
            .iter()
            .map(|r| r["id"].as_str().expect("id is a string").to_string())
            .collect()
    }
}

fn head(s: &str) -> String {
    s.chars().take(2000).collect()
}

/// The binary, with the environment that could change its output removed.
pub fn redflag() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_redflag"));
    c.env_remove("NO_COLOR").env_remove("RUST_BACKTRACE");
    c
}

/// Run with these arguments and, optionally, bytes on stdin (else stdin is empty).
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_in(None, args, stdin)
}

/// Run in a working directory, so that file names in messages are short and stable.
pub fn run_in(dir: Option<&Path>, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut c = redflag();
    c.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        c.current_dir(d);
    }
    let mut child = c.spawn().expect("the binary runs");
    let mut pipe = child.stdin.take().expect("piped");
    let input = stdin.unwrap_or_default().to_vec();
    // Write from another thread: a large input would otherwise deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("stdin writer");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A temporary directory with files in it.
pub struct Dir {
    pub dir: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    /// Write a file; returns its path.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, bytes).expect("write");
        p
    }
    /// Run inside this directory.
    pub fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        run_in(Some(self.path()), args, stdin)
    }
}

/// gzip-compress.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("compress");
    e.finish().expect("compress")
}

/// A JSONL line.
pub fn jsonl(v: Value) -> String {
    format!("{v}\n")
}

/// The repository's `packs/` directory.
pub fn repo_packs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs")
}

/// The shared labelled data, when this machine has it.
pub fn shared_data() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    p.is_dir().then_some(p)
}

/// A small fixed pack set (tests/data/packs) for tests about reading and writing, so that their speed
/// and outcome do not depend on the shipped packs.
pub fn test_packs() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/packs")
        .display()
        .to_string()
}
