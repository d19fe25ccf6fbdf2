//! The workspace tables on both backends: accounts, tokens, sessions, cases through `decide`, the
//! audit chain (tamper detection with the trigger bypassed) and purge keeping the chain whole.
mod common;

use common::{Backend, analyst, backends, doc};
use redflag_store::{Retention, Role, Tlp, Workspace};

#[test]
fn passwords_tokens_and_sessions() {
    for b in backends() {
        let mut s = b.store();
        let u = s
            .add_user("ngo-a", "ana", Role::Analyst, "correct horse battery")
            .unwrap();
        assert!(
            s.add_user("ngo-a", "ana", Role::Admin, "another long one")
                .is_err(),
            "{b:?}"
        );
        assert!(s.add_user("ngo-a", "bob", Role::Admin, "short").is_err());
        assert_eq!(
            s.authenticate("ngo-a", "ana", "correct horse battery")
                .unwrap(),
            Some(u.clone())
        );
        assert_eq!(
            s.authenticate("ngo-a", "ana", "wrong password!").unwrap(),
            None
        );
        assert_eq!(
            s.authenticate("ngo-b", "ana", "correct horse battery")
                .unwrap(),
            None
        );
        let token = s.create_token(&u, u.id, "cli").unwrap();
        assert_eq!(s.token_user(&token).unwrap(), Some(u.clone()));
        let forged = format!("{}0", &token[..token.len() - 1]);
        assert_eq!(s.token_user(&forged).unwrap(), None);
        let (sid, csrf) = s.create_session(&u).unwrap();
        assert_eq!(s.session(&sid).unwrap(), Some((u.clone(), csrf)));
        s.end_session(&sid).unwrap();
        assert_eq!(s.session(&sid).unwrap(), None);
        let id: i64 = token.split('_').nth(1).unwrap().parse().unwrap();
        assert!(s.revoke_token(&u, id).unwrap());
        assert_eq!(s.token_user(&token).unwrap(), None);
        // Only an admin lists users; nothing of the hashes is listed.
        assert!(s.users(&u).is_err());
        let admin = s
            .add_user("ngo-a", "root", Role::Admin, "an admin password")
            .unwrap();
        assert_eq!(s.users(&admin).unwrap().len(), 2);
        let other = s
            .add_user("ngo-b", "root", Role::Admin, "an admin password")
            .unwrap();
        assert!(
            s.set_role(&other, u.id, Role::Admin).is_err(),
            "no admin of another org"
        );
        assert!(s.set_role(&admin, u.id, Role::Reader).unwrap());
        assert_eq!(
            s.authenticate("ngo-a", "ana", "correct horse battery")
                .unwrap()
                .unwrap()
                .role,
            Role::Reader
        );
    }
}

#[test]
fn cases_follow_the_one_access_decision() {
    for b in backends() {
        let mut s = b.store();
        let a = s
            .add_user("ngo-a", "ana", Role::Analyst, "long enough pw")
            .unwrap();
        let ar = s
            .add_user("ngo-a", "rita", Role::Reader, "long enough pw")
            .unwrap();
        let bv = s
            .add_user("ngo-b", "ben", Role::Admin, "long enough pw")
            .unwrap();
        let amber = s
            .create_case(&a, Some(3), "Recruiter network", Tlp::Amber)
            .unwrap();
        let red = s.create_case(&a, None, "A rescue", Tlp::Red).unwrap();
        let green = s.create_case(&a, None, "Shared", Tlp::Green).unwrap();
        assert!(
            s.create_case(&ar, None, "no", Tlp::Amber).is_err(),
            "a reader writes nothing"
        );
        s.add_note(&a, amber, "seen on two boards").unwrap();
        assert_eq!(s.case(&a, amber).unwrap().unwrap().notes.len(), 1);
        assert_eq!(s.case(&a, amber).unwrap().unwrap().cluster, Some(3));
        assert!(s.case(&ar, amber).unwrap().is_some());
        assert!(s.case(&ar, red).unwrap().is_none());
        assert!(
            s.case(&bv, amber).unwrap().is_none(),
            "{b:?}: AMBER stays in its org"
        );
        assert!(s.case(&bv, green).unwrap().is_some());
        assert!(
            s.add_note(&bv, green, "x").is_err(),
            "no writing into another org's case"
        );
        assert_eq!(
            s.cases(&bv)
                .unwrap()
                .iter()
                .map(|c| c.id)
                .collect::<Vec<_>>(),
            vec![green]
        );
        let sc = s
            .save_screening(&a, "en", "km", "{}", "[]", "hotline", Tlp::Red)
            .unwrap();
        assert!(s.screening(&a, sc).unwrap().is_some());
        assert!(s.screening(&ar, sc).unwrap().is_none());
        assert!(s.screening(&bv, sc).unwrap().is_none());
        let v = s.verify_audit().unwrap();
        assert!(v.ok(), "{b:?}: {:?}", v.problems);
        assert!(v.entries >= 10);
    }
}

#[test]
fn purge_keeps_the_chain_whole() {
    for b in backends() {
        let mut s = b.store();
        let admin = s
            .add_user("ngo-a", "root", Role::Admin, "an admin password")
            .unwrap();
        s.ingest(
            &analyst("ngo-a"),
            &[
                doc(
                    "Telegram t.me/purge_me job in Myawaddy",
                    Some("r1"),
                    Tlp::Red,
                ),
                doc(
                    "Telegram t.me/keep_me job in Myawaddy",
                    Some("r2"),
                    Tlp::Green,
                ),
            ],
        )
        .unwrap();
        // Everything RED counts as expired when "now" is a year ahead.
        let later = redflag_store::workspace::now_unix() + 400 * 86_400;
        let p = s
            .purge(
                &admin,
                &Retention::parse("RED=90,AMBER=keep").unwrap(),
                later,
            )
            .unwrap();
        assert_eq!((p.observations, p.contents), (1, 1), "{b:?}");
        assert_eq!(s.stats(&analyst("ngo-a")).unwrap().contents, 1);
        assert!(s.check().unwrap().is_empty());
        let v = s.verify_audit().unwrap();
        assert!(v.ok(), "{b:?}: {:?}", v.problems);
    }
}

#[test]
fn an_edited_audit_row_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("redflag.db");
    {
        let mut s = redflag_store::SqliteStore::open(&path).unwrap();
        for i in 0..4 {
            s.audit("ngo-a", "user:1", "case.read", &format!("case:{i}"))
                .unwrap();
        }
        assert!(s.verify_audit().unwrap().ok());
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    // Bypass the append-only trigger, as someone with the file could.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET object = 'case:99' WHERE id = 2;",
    )
    .unwrap();
    drop(conn);
    let mut s = redflag_store::SqliteStore::open(&path).unwrap();
    let v = s.verify_audit().unwrap();
    assert!(!v.ok());
    assert!(v.problems[0].starts_with("entry 2:"), "{:?}", v.problems);
}

#[test]
fn a_deleted_audit_row_is_found_on_postgres() {
    let Some(url) = common::pg_url() else { return };
    let mut s = Backend::Postgres(url.clone()).store();
    for i in 0..4 {
        s.audit("ngo-a", "user:1", "case.read", &format!("case:{i}"))
            .unwrap();
    }
    let (_, schema) = s.pg.clone().unwrap();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute(&format!(
        "SET search_path TO {schema}; ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete;
         DELETE FROM audit_log WHERE id = 2;"
    ))
    .unwrap();
    let v = s.verify_audit().unwrap();
    assert!(!v.ok());
    assert!(v.problems[0].starts_with("entry 3:"), "{:?}", v.problems);
}
