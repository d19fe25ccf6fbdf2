//! Several `redflag serve` processes over one PostgreSQL: the server keeps no state of its own
//! (sessions, users, tokens, documents and clusters are in the database), so a write through one
//! process is read through another, and a session opened on one is valid on the other — what a load
//! balancer in front of several servers needs. Runs when REDFLAG_TEST_PG names a server (required
//! under scripts/test.sh, which sets REDFLAG_REQUIRE_PG).
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use redflag_store::PgStore;

fn pg_url() -> Option<(String, String)> {
    let url = match std::env::var("REDFLAG_TEST_PG") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            assert!(
                std::env::var_os("REDFLAG_REQUIRE_PG").is_none(),
                "REDFLAG_REQUIRE_PG is set but REDFLAG_TEST_PG is not"
            );
            return None;
        }
    };
    let schema = format!("rf_two_{}", std::process::id());
    PgStore::open_in_schema(&url, &schema).expect("PostgreSQL schema");
    let sep = if url.contains('?') { '&' } else { '?' };
    Some((
        format!("{url}{sep}options=-c%20search_path%3D{schema}"),
        schema,
    ))
}

/// A server process, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(db: &str) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args([
            "serve",
            "--db",
            db,
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--insecure-cookies",
            "--connections",
            "2",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redflag serve starts");
    let s = Server { child, port };
    let start = Instant::now();
    while request(s.port, "GET", "/healthz", &[], "").is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "server on {port} did not come up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    s
}

/// One HTTP/1.1 request; (status, headers, body), or None when nothing listens yet.
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String, String)> {
    let mut c = TcpStream::connect(("127.0.0.1", port)).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    c.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    c.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, head.to_string(), body.to_string()))
}

fn redflag(args: &[&str], env: &[(&str, &str)]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn two_servers_over_one_postgres_share_writes_and_sessions() {
    let Some((db, schema)) = pg_url() else {
        return;
    };
    redflag(
        &[
            "user", "add", "--db", &db, "--org", "ngo-a", "--role", "analyst", "--name", "ana",
        ],
        &[("REDFLAG_PASSWORD", "a long analyst password")],
    );
    let token = redflag(
        &[
            "token", "create", "--db", &db, "--org", "ngo-a", "--name", "ana",
        ],
        &[],
    )
    .trim()
    .to_string();
    let (one, two) = (serve(&db), serve(&db));
    let bearer = format!("Bearer {token}");
    let json = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];

    // A write through the first server…
    let body = r#"{"docs":[{"id":"lb-1","text":"Easy job in Poipet, salary 1500 USD, no experience, visa paid. Telegram @lb_two_servers"}]}"#;
    let (st, _, out) = request(one.port, "POST", "/api/ingest", &json, body).unwrap();
    assert_eq!(st, 200, "{out}");
    // …is read through the second.
    let (st, _, out) = request(
        two.port,
        "GET",
        "/api/search?q=%40lb_two_servers",
        &json,
        "",
    )
    .unwrap();
    assert_eq!(st, 200, "{out}");
    assert!(
        out.contains("Poipet"),
        "the second server does not see it: {out}"
    );
    let (st, _, queue) = request(two.port, "GET", "/api/queue", &json, "").unwrap();
    assert_eq!(st, 200);
    assert!(queue.contains("Poipet"), "{queue}");

    // A session opened on the second server is valid on the first (sessions live in the database).
    let form = "org=ngo-a&name=ana&password=a+long+analyst+password";
    let (st, head, _) = request(
        two.port,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form,
    )
    .unwrap();
    assert_eq!(st, 303, "{head}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie:")
                .then(|| l.split_once(':').unwrap().1.trim().to_string())
        })
        .and_then(|c| c.split(';').next().map(str::to_string))
        .expect("a session cookie");
    let (st, _, page) = request(one.port, "GET", "/queue", &[("Cookie", &cookie)], "").unwrap();
    assert_eq!(st, 200, "the first server refuses the second's session");
    assert!(page.contains("Poipet"));
    // Without the cookie, the same page is not shown.
    let (st, _, _) = request(one.port, "GET", "/queue", &[], "").unwrap();
    assert_ne!(st, 200);

    // Clustering from two processes at once: the database lock makes one wait for the other, so
    // both finish and the store stays consistent.
    let runs: Vec<_> = (0..2)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_redflag"))
                .args(["cluster", "--db", &db, "--org", "ngo-a", "--full"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for r in runs {
        let o = r.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let base_url = std::env::var("REDFLAG_TEST_PG").unwrap();
    let problems =
        redflag_store::Store::check(&PgStore::open_in_schema(&base_url, &schema).unwrap()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");

    drop((one, two));
    let _ = PgStore::drop_schema(&base_url, &schema);
}
