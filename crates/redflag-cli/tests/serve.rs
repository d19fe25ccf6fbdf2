//! The web application's bootstrap commands end to end: `user add` (password from stdin or the
//! environment), `token create`, `audit verify` finding an entry edited behind the trigger's back,
//! and `purge` leaving the chain whole.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn redflag(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args(args)
        .current_dir(dir)
        .env_remove("REDFLAG_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    c.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    c.wait_with_output().unwrap()
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

#[test]
fn bootstrap_then_tamper_then_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = redflag(
        d,
        &[
            "user", "add", "--org", "ngo-a", "--role", "viewer", "--name", "vic",
        ],
        "a viewer password\n",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("as reader"));
    let o = redflag(
        d,
        &[
            "user", "add", "--org", "ngo-a", "--role", "analyst", "--name", "x",
        ],
        "short\n",
    );
    assert_eq!(o.status.code(), Some(2), "a short password is bad input");
    let o = redflag(
        d,
        &["token", "create", "--org", "ngo-a", "--name", "vic"],
        "",
    );
    assert!(o.status.success());
    assert!(text(&o.stdout).trim().starts_with("rft_"));
    let o = redflag(
        d,
        &["token", "create", "--org", "ngo-a", "--name", "nobody"],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    let o = redflag(d, &["purge", "--org", "ngo-a", "--retention", "RED=0"], "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = redflag(d, &["audit", "verify"], "");
    assert!(o.status.success(), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("audit chain intact"));
    // Someone with the file drops the trigger and edits an entry.
    let conn = rusqlite::Connection::open(d.join("redflag.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET object = 'token:99' WHERE id = 2;",
    )
    .unwrap();
    drop(conn);
    let o = redflag(d, &["audit", "verify"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("BROKEN entry 2"),
        "{}",
        text(&o.stdout)
    );
}
