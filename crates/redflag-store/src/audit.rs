//! The audit log as a hash chain. Each entry holds ids and hashes, never texts, and
//! `hash = SHA-256(prev_hash ‖ at ‖ org ‖ actor ‖ action ‖ object)`, so editing, inserting or
//! deleting an entry in the middle breaks every later link, and purging a text changes nothing in
//! the log. The tables' triggers refuse UPDATE and DELETE; [`verify`] finds what bypassed them.
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::sql::{Sql, Val};
use crate::{Result, now_utc};

/// One entry's hash.
pub fn chain_hash(
    prev: &str,
    at: &str,
    org: &str,
    actor: &str,
    action: &str,
    object: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, at, org, actor, action, object] {
        // Length-prefixed, so no two different entries hash the same bytes.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Append an entry at the end of the chain (inside the caller's transaction).
pub fn append(sql: &mut dyn Sql, org: &str, actor: &str, action: &str, object: &str) -> Result<()> {
    if sql.is_pg() {
        // Writers take turns at the chain's end.
        sql.exec("SELECT pg_advisory_xact_lock(7272)", &[])?;
    }
    let prev = sql
        .rows("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", &[])?
        .first()
        .map(|r| r[0].text())
        .unwrap_or_default();
    let at = now_utc();
    let hash = chain_hash(&prev, &at, org, actor, action, object);
    sql.exec(
        "INSERT INTO audit_log (at, org, actor, action, object, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            at.into(),
            org.into(),
            actor.into(),
            action.into(),
            object.into(),
            prev.into(),
            hash.into(),
        ],
    )?;
    Ok(())
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Entries read.
    pub entries: u64,
    /// Entries written before the chain existed (schema 1), at the start of the log.
    pub before_chain: u64,
    /// The last entry's hash (keep it elsewhere to detect a cut tail).
    pub head: String,
    /// Every break found, by entry id.
    pub problems: Vec<String>,
}

impl Verification {
    /// No break found.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Walk the whole chain and recompute every hash.
pub fn verify(sql: &mut dyn Sql) -> Result<Verification> {
    let mut v = Verification::default();
    let mut prev = String::new();
    let mut chained = false;
    let mut last_id = i64::MIN;
    loop {
        let rows = sql.rows(
            "SELECT id, at, org, actor, action, object, prev_hash, hash FROM audit_log
             WHERE id > $1 ORDER BY id LIMIT 5000",
            &[Val::Int(last_id)],
        )?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let id = r[0].int();
            last_id = id;
            v.entries += 1;
            let (prev_hash, hash) = (r[6].text(), r[7].text());
            if !chained && hash.is_empty() && prev_hash.is_empty() {
                v.before_chain += 1;
                continue;
            }
            chained = true;
            if prev_hash != prev {
                v.problems.push(format!(
                    "entry {id}: its previous hash does not match the entry before it (an entry was removed, inserted or edited)"
                ));
            }
            let want = chain_hash(
                &prev_hash,
                &r[1].text(),
                &r[2].text(),
                &r[3].text(),
                &r[4].text(),
                &r[5].text(),
            );
            if want != hash {
                v.problems.push(format!(
                    "entry {id}: its content does not match its hash (edited)"
                ));
            }
            prev = hash;
        }
    }
    v.head = prev;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_part_and_on_boundaries() {
        let a = chain_hash("p", "t", "o", "a", "x", "y");
        assert_eq!(a.len(), 64);
        assert_ne!(a, chain_hash("p", "t", "o", "a", "xy", ""));
        assert_ne!(a, chain_hash("", "t", "o", "a", "x", "y"));
        assert_eq!(a, chain_hash("p", "t", "o", "a", "x", "y"));
    }
}
