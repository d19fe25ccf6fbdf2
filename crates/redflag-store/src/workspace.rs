//! The people side of the store: organisations, users with argon2-hashed passwords, API tokens
//! (argon2-hashed), sessions, cases with notes, frontline screenings, consent, the analyst queue,
//! retention (`purge`) and the audit chain. Written once over [`Sql`] for both backends; every read
//! goes through [`decide`], and every write and every read of AMBER or RED is audited (ids only).
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use password_hash::rand_core::{OsRng, RngCore};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::access::{Action, Mark, Role, Tlp, Viewer, decide};
use crate::audit::{self, Verification};
use crate::sql::{Sql, Val};
use crate::time::format_utc;
use crate::{Error, Result, Store, now_utc};

/// A signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Organisation.
    pub org: String,
    /// Login name (unique in the organisation).
    pub name: String,
    /// Role.
    pub role: Role,
}

impl User {
    /// The viewer every store call takes.
    pub fn viewer(&self) -> Viewer {
        Viewer::new(self.org.clone(), self.role)
    }

    /// How the audit log names this person.
    pub fn actor(&self) -> String {
        format!("user:{}", self.id)
    }
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Owner's name.
    pub user: String,
    /// Label.
    pub name: String,
    /// Created.
    pub created_at: String,
    /// Revoked, if so.
    pub revoked_at: Option<String>,
}

/// A case note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Id.
    pub id: i64,
    /// Author's user id.
    pub author: i64,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: String,
}

/// A case as a viewer may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// Id.
    pub id: i64,
    /// Organisation holding it.
    pub org: String,
    /// The cluster adopted (named by a member id), if any.
    pub cluster: Option<i64>,
    /// Title.
    pub title: String,
    /// Marking.
    pub tlp: Tlp,
    /// Created.
    pub created_at: String,
    /// Notes, oldest first.
    pub notes: Vec<Note>,
}

/// A stored screening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    /// Id.
    pub id: i64,
    /// Organisation.
    pub org: String,
    /// Officer's user id.
    pub officer: i64,
    /// Officer's language.
    pub officer_lang: String,
    /// The person's language.
    pub person_lang: String,
    /// Answers as JSON (question id → answer).
    pub answers: String,
    /// Indicators present as JSON.
    pub indicators: String,
    /// Referral made.
    pub referral: String,
    /// Marking.
    pub tlp: Tlp,
    /// When.
    pub created_at: String,
}

/// A queue entry: a visible document with its urgency and scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueItem {
    /// Content id.
    pub id: i64,
    /// Language.
    pub lang: String,
    /// Distress urgency (0 when none).
    pub urgency: i64,
    /// Distress score.
    pub distress: f64,
    /// Lure score.
    pub lure: f64,
    /// Scam score.
    pub scam: f64,
    /// Most restrictive visible marking.
    pub tlp: Tlp,
    /// First line of the text, shortened.
    pub preview: String,
}

/// How long data is kept, per marking (None: kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    /// Days, per marking, in [`Tlp::ALL`] order.
    pub days: [Option<u32>; 5],
}

impl Default for Retention {
    /// RED 90 days, AMBER and AMBER+STRICT a year, GREEN and CLEAR kept.
    fn default() -> Retention {
        Retention {
            days: [None, None, Some(365), Some(365), Some(90)],
        }
    }
}

impl Retention {
    /// Parse `RED=90,AMBER=365,GREEN=keep` over the defaults.
    pub fn parse(s: &str) -> std::result::Result<Retention, String> {
        let mut r = Retention::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("retention {part:?}: write MARKING=DAYS or MARKING=keep"))?;
            let tlp: Tlp = k.parse()?;
            let i = Tlp::ALL.iter().position(|t| *t == tlp).unwrap_or(0);
            r.days[i] =
                if v.trim() == "keep" {
                    None
                } else {
                    Some(v.trim().trim_end_matches('d').parse().map_err(|_| {
                        format!("retention {part:?}: {v:?} is not a number of days")
                    })?)
                };
        }
        Ok(r)
    }
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    /// Observations removed.
    pub observations: u64,
    /// Contents no organisation observes any more, removed with their analysis.
    pub contents: u64,
    /// Screenings removed.
    pub screenings: u64,
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An argon2id hash (PHC string) of a secret.
pub fn hash_secret(secret: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Invalid(format!("hashing: {e}")))
}

/// Whether `secret` matches an argon2 PHC string.
pub fn verify_secret(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn role_of(s: &str) -> Result<Role> {
    s.parse().map_err(|e: String| Error::Corrupt(e))
}

fn tlp_of(s: &str) -> Result<Tlp> {
    s.parse().map_err(|e: String| Error::Corrupt(e))
}

fn require(viewer: &Viewer, action: Action, mark: Mark<'_>, what: &str) -> Result<()> {
    if decide(viewer, action, mark) {
        Ok(())
    } else {
        Err(Error::Denied(format!(
            "a {} of {} may not {what}",
            viewer.role.as_str(),
            viewer.org
        )))
    }
}

fn one<T>(rows: Vec<Vec<Val>>, f: impl FnOnce(&[Val]) -> Result<T>) -> Result<Option<T>> {
    match rows.first() {
        Some(r) => f(r).map(Some),
        None => Ok(None),
    }
}

fn user_row(r: &[Val]) -> Result<User> {
    Ok(User {
        id: r[0].int(),
        org: r[1].text(),
        name: r[2].text(),
        role: role_of(&r[3].text())?,
    })
}

/// Run `f` in one transaction of the store.
fn tx<T, S: Store + ?Sized>(store: &mut S, f: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
    let mut f = Some(f);
    let mut out = None;
    store.sql_tx(&mut |sql| {
        let f = f
            .take()
            .ok_or_else(|| Error::Invalid("transaction re-entered".into()))?;
        out = Some(f(sql)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::Invalid("transaction did not run".into()))
}

/// A hash to verify against when a user does not exist, so both cases take the same time.
fn dummy_phc() -> &'static str {
    static D: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    D.get_or_init(|| hash_secret("no such user, no such password").unwrap_or_default())
}

/// Sessions last this long.
pub const SESSION_SECONDS: i64 = 12 * 3600;

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The workspace operations, on any [`Store`].
pub trait Workspace: Store {
    /// Create a user (and the organisation, if new). Bootstrap and admin.
    fn add_user(&mut self, org: &str, name: &str, role: Role, password: &str) -> Result<User> {
        if org.trim().is_empty() || name.trim().is_empty() {
            return Err(Error::Invalid(
                "organisation and name must not be empty".into(),
            ));
        }
        if password.chars().count() < 10 {
            return Err(Error::Invalid(
                "a password needs at least 10 characters".into(),
            ));
        }
        let phc = hash_secret(password)?;
        tx(self, |sql| {
            if sql
                .rows("SELECT id FROM orgs WHERE name = $1", &[org.into()])?
                .is_empty()
            {
                sql.exec(
                    "INSERT INTO orgs (name, created_at) VALUES ($1, $2)",
                    &[org.into(), now_utc().into()],
                )?;
            }
            if !sql
                .rows(
                    "SELECT id FROM users WHERE org = $1 AND name = $2",
                    &[org.into(), name.into()],
                )?
                .is_empty()
            {
                return Err(Error::Invalid(format!("user {name:?} exists in {org:?}")));
            }
            let id = sql.rows(
                "INSERT INTO users (org, name, role, created_at, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[org.into(), name.into(), role.as_str().into(), now_utc().into(), phc.into()],
            )?[0][0]
                .int();
            audit::append(sql, org, "system", "user.add", &format!("user:{id}"))?;
            Ok(User {
                id,
                org: org.into(),
                name: name.into(),
                role,
            })
        })
    }

    /// The user, if `password` is theirs.
    fn authenticate(&mut self, org: &str, name: &str, password: &str) -> Result<Option<User>> {
        let row = tx(self, |sql| {
            one(
                sql.rows(
                    "SELECT id, org, name, role, password_hash FROM users
                     WHERE org = $1 AND name = $2 AND disabled = 0",
                    &[org.into(), name.into()],
                )?,
                |r| Ok((user_row(r)?, r[4].text())),
            )
        })?;
        match row {
            Some((u, phc)) if verify_secret(password, &phc) => Ok(Some(u)),
            Some(_) => Ok(None),
            None => {
                verify_secret(password, dummy_phc());
                Ok(None)
            }
        }
    }

    /// A user by organisation and name (the CLI's bootstrap commands).
    fn user_by_name(&mut self, org: &str, name: &str) -> Result<Option<User>> {
        tx(self, |sql| {
            one(
                sql.rows(
                    "SELECT id, org, name, role FROM users WHERE org = $1 AND name = $2",
                    &[org.into(), name.into()],
                )?,
                user_row,
            )
        })
    }

    /// Start a session: (session secret for the cookie, CSRF token).
    fn create_session(&mut self, user: &User) -> Result<(String, String)> {
        let secret = random_hex(32);
        let csrf = random_hex(32);
        let now = unix_now();
        tx(self, |sql| {
            sql.exec(
                "DELETE FROM sessions WHERE expires_at < $1",
                &[now_utc().into()],
            )?;
            sql.exec(
                "INSERT INTO sessions (user_id, session_hash, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[
                    user.id.into(),
                    sha256_hex(&secret).into(),
                    csrf.clone().into(),
                    format_utc(now).into(),
                    format_utc(now + SESSION_SECONDS).into(),
                ],
            )?;
            audit::append(
                sql,
                &user.org,
                &user.actor(),
                "session.start",
                &format!("user:{}", user.id),
            )?;
            Ok(())
        })?;
        Ok((secret, csrf))
    }

    /// The session's user and CSRF token, if the session is live.
    fn session(&mut self, secret: &str) -> Result<Option<(User, String)>> {
        tx(self, |sql| {
            one(
                sql.rows(
                    "SELECT u.id, u.org, u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.session_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
                    &[sha256_hex(secret).into(), now_utc().into()],
                )?,
                |r| Ok((user_row(r)?, r[4].text())),
            )
        })
    }

    /// End a session.
    fn end_session(&mut self, secret: &str) -> Result<()> {
        tx(self, |sql| {
            sql.exec(
                "DELETE FROM sessions WHERE session_hash = $1",
                &[sha256_hex(secret).into()],
            )?;
            Ok(())
        })
    }

    /// Create an API token for `owner` (an admin of the owner's organisation, or the owner); the
    /// secret is returned once and kept only as an argon2 hash.
    fn create_token(&mut self, actor: &User, owner: i64, name: &str) -> Result<String> {
        let secret = random_hex(32);
        let phc = hash_secret(&secret)?;
        tx(self, |sql| {
            let org = one(
                sql.rows("SELECT org FROM users WHERE id = $1", &[owner.into()])?,
                |r| Ok(r[0].text()),
            )?
            .ok_or_else(|| Error::Invalid(format!("no user {owner}")))?;
            if actor.id != owner {
                require(
                    &actor.viewer(),
                    Action::Administer,
                    Mark {
                        org: &org,
                        tlp: Tlp::Red,
                    },
                    "create tokens for others",
                )?;
            }
            let id = sql.rows(
                "INSERT INTO tokens (user_id, token_hash, created_at, name) VALUES ($1, $2, $3, $4) RETURNING id",
                &[owner.into(), phc.into(), now_utc().into(), name.into()],
            )?[0][0]
                .int();
            audit::append(
                sql,
                &org,
                &actor.actor(),
                "token.create",
                &format!("token:{id}"),
            )?;
            Ok(format!("rft_{id}_{secret}"))
        })
    }

    /// The user an API token belongs to, if it is live.
    fn token_user(&mut self, token: &str) -> Result<Option<User>> {
        let Some((id, secret)) = token
            .strip_prefix("rft_")
            .and_then(|t| t.split_once('_'))
            .and_then(|(i, s)| Some((i.parse::<i64>().ok()?, s.to_string())))
        else {
            return Ok(None);
        };
        let row = tx(self, |sql| {
            one(
                sql.rows(
                    "SELECT u.id, u.org, u.name, u.role, t.token_hash FROM tokens t JOIN users u ON u.id = t.user_id
                     WHERE t.id = $1 AND t.revoked_at IS NULL AND u.disabled = 0",
                    &[id.into()],
                )?,
                |r| Ok((user_row(r)?, r[4].text())),
            )
        })?;
        Ok(row.and_then(|(u, phc)| verify_secret(&secret, &phc).then_some(u)))
    }

    /// Revoke a token (its owner or an admin of the owner's organisation).
    fn revoke_token(&mut self, actor: &User, id: i64) -> Result<bool> {
        tx(self, |sql| {
            let Some((owner, org)) = one(
                sql.rows(
                    "SELECT t.user_id, u.org FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1",
                    &[id.into()],
                )?,
                |r| Ok((r[0].int(), r[1].text())),
            )?
            else {
                return Ok(false);
            };
            if owner != actor.id {
                require(
                    &actor.viewer(),
                    Action::Administer,
                    Mark {
                        org: &org,
                        tlp: Tlp::Red,
                    },
                    "revoke tokens",
                )?;
            }
            sql.exec(
                "UPDATE tokens SET revoked_at = $1 WHERE id = $2",
                &[now_utc().into(), id.into()],
            )?;
            audit::append(
                sql,
                &org,
                &actor.actor(),
                "token.revoke",
                &format!("token:{id}"),
            )?;
            Ok(true)
        })
    }

    /// The users of the admin's organisation.
    fn users(&mut self, admin: &User) -> Result<Vec<User>> {
        let v = admin.viewer();
        require(
            &v,
            Action::Administer,
            Mark {
                org: &v.org,
                tlp: Tlp::Red,
            },
            "list users",
        )?;
        tx(self, |sql| {
            sql.rows(
                "SELECT id, org, name, role FROM users WHERE org = $1 ORDER BY name",
                &[v.org.as_str().into()],
            )?
            .iter()
            .map(|r| user_row(r))
            .collect()
        })
    }

    /// The tokens of the admin's organisation (never their secrets).
    fn tokens(&mut self, admin: &User) -> Result<Vec<TokenInfo>> {
        let v = admin.viewer();
        require(
            &v,
            Action::Administer,
            Mark {
                org: &v.org,
                tlp: Tlp::Red,
            },
            "list tokens",
        )?;
        tx(self, |sql| {
            Ok(sql
                .rows(
                    "SELECT t.id, t.user_id, u.name, t.name, t.created_at, t.revoked_at FROM tokens t
                     JOIN users u ON u.id = t.user_id WHERE u.org = $1 ORDER BY t.id",
                    &[v.org.as_str().into()],
                )?
                .iter()
                .map(|r| TokenInfo {
                    id: r[0].int(),
                    user_id: r[1].int(),
                    user: r[2].text(),
                    name: r[3].text(),
                    created_at: r[4].text(),
                    revoked_at: r[5].opt_text(),
                })
                .collect())
        })
    }

    /// Change a user's role (an admin of their organisation).
    fn set_role(&mut self, admin: &User, user_id: i64, role: Role) -> Result<bool> {
        tx(self, |sql| {
            let Some(org) = one(
                sql.rows("SELECT org FROM users WHERE id = $1", &[user_id.into()])?,
                |r| Ok(r[0].text()),
            )?
            else {
                return Ok(false);
            };
            require(
                &admin.viewer(),
                Action::Administer,
                Mark {
                    org: &org,
                    tlp: Tlp::Red,
                },
                "change roles",
            )?;
            sql.exec(
                "UPDATE users SET role = $1 WHERE id = $2",
                &[role.as_str().into(), user_id.into()],
            )?;
            audit::append(
                sql,
                &org,
                &admin.actor(),
                "user.role",
                &format!("user:{user_id}:{}", role.as_str()),
            )?;
            Ok(true)
        })
    }

    /// Organisations (names).
    fn orgs(&mut self) -> Result<Vec<String>> {
        tx(self, |sql| {
            Ok(sql
                .rows("SELECT name FROM orgs ORDER BY name", &[])?
                .iter()
                .map(|r| r[0].text())
                .collect())
        })
    }

    /// Append an audit entry (ids and hashes only).
    fn audit(&mut self, org: &str, actor: &str, action: &str, object: &str) -> Result<()> {
        tx(self, |sql| audit::append(sql, org, actor, action, object))
    }

    /// Walk the audit chain.
    fn verify_audit(&mut self) -> Result<Verification> {
        tx(self, |sql| audit::verify(sql))
    }

    /// Adopt a cluster (or nothing) as a case of the analyst's organisation.
    fn create_case(
        &mut self,
        user: &User,
        cluster: Option<i64>,
        title: &str,
        tlp: Tlp,
    ) -> Result<i64> {
        let v = user.viewer();
        require(&v, Action::Write, Mark { org: &v.org, tlp }, "open cases")?;
        if title.trim().is_empty() {
            return Err(Error::Invalid("a case needs a title".into()));
        }
        tx(self, |sql| {
            // Cases point at a cluster by a member id (cluster views are named by member ids).
            let id = sql.rows(
                "INSERT INTO cases (org, cluster_member, title, tlp, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    v.org.as_str().into(),
                    cluster.map_or(Val::NullInt, Val::Int),
                    title.into(),
                    tlp.as_str().into(),
                    now_utc().into(),
                    user.id.into(),
                ],
            )?[0][0]
                .int();
            audit::append(
                sql,
                &v.org,
                &user.actor(),
                "case.create",
                &format!("case:{id}"),
            )?;
            Ok(id)
        })
    }

    /// A case, if the user may read it (reads of AMBER and RED are audited).
    fn case(&mut self, user: &User, id: i64) -> Result<Option<Case>> {
        let v = user.viewer();
        tx(self, |sql| {
            let Some(mut c) = one(
                sql.rows(
                    "SELECT id, org, cluster_member, title, tlp, created_at FROM cases WHERE id = $1",
                    &[id.into()],
                )?,
                case_row,
            )?
            else {
                return Ok(None);
            };
            if !decide(
                &v,
                Action::Read,
                Mark {
                    org: &c.org,
                    tlp: c.tlp,
                },
            ) {
                return Ok(None);
            }
            if c.tlp >= Tlp::Amber {
                audit::append(
                    sql,
                    &v.org,
                    &user.actor(),
                    "case.read",
                    &format!("case:{id}"),
                )?;
            }
            c.notes = sql
                .rows(
                    "SELECT id, author, body, created_at FROM case_notes WHERE case_id = $1 ORDER BY id",
                    &[id.into()],
                )?
                .iter()
                .map(|r| Note {
                    id: r[0].int(),
                    author: r[1].int(),
                    body: r[2].text(),
                    created_at: r[3].text(),
                })
                .collect();
            Ok(Some(c))
        })
    }

    /// The cases the user may read (titles only; reading a case is [`Workspace::case`]); listing
    /// AMBER or RED titles is audited.
    fn cases(&mut self, user: &User) -> Result<Vec<Case>> {
        let v = user.viewer();
        tx(self, |sql| {
            let mut out = Vec::new();
            for r in sql.rows(
                "SELECT id, org, cluster_member, title, tlp, created_at FROM cases ORDER BY id DESC LIMIT 1000",
                &[],
            )? {
                let c = case_row(&r)?;
                if decide(&v, Action::Read, Mark { org: &c.org, tlp: c.tlp }) {
                    out.push(c);
                }
            }
            let sensitive = out.iter().filter(|c| c.tlp >= Tlp::Amber).count();
            if sensitive > 0 {
                audit::append(
                    sql,
                    &v.org,
                    &user.actor(),
                    "cases.list",
                    &format!("cases:{} amber_or_red:{sensitive}", out.len()),
                )?;
            }
            Ok(out)
        })
    }

    /// Add a note to a case the user may write to.
    fn add_note(&mut self, user: &User, case: i64, body: &str) -> Result<i64> {
        let v = user.viewer();
        if body.trim().is_empty() {
            return Err(Error::Invalid("an empty note".into()));
        }
        tx(self, |sql| {
            let (org, tlp) = one(
                sql.rows("SELECT org, tlp FROM cases WHERE id = $1", &[case.into()])?,
                |r| Ok((r[0].text(), tlp_of(&r[1].text())?)),
            )?
            .ok_or_else(|| Error::Denied("no such case".into()))?;
            if !decide(&v, Action::Read, Mark { org: &org, tlp }) {
                return Err(Error::Denied("no such case".into()));
            }
            require(&v, Action::Write, Mark { org: &org, tlp }, "write notes")?;
            let id = sql.rows(
                "INSERT INTO case_notes (case_id, author, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[case.into(), user.id.into(), body.into(), now_utc().into()],
            )?[0][0]
                .int();
            audit::append(
                sql,
                &org,
                &user.actor(),
                "note.add",
                &format!("case:{case}:note:{id}"),
            )?;
            Ok(id)
        })
    }

    /// Store a screening in the officer's organisation (RED unless asked otherwise).
    #[allow(clippy::too_many_arguments)]
    fn save_screening(
        &mut self,
        user: &User,
        officer_lang: &str,
        person_lang: &str,
        answers_json: &str,
        indicators_json: &str,
        referral: &str,
        tlp: Tlp,
    ) -> Result<i64> {
        let v = user.viewer();
        require(
            &v,
            Action::Write,
            Mark { org: &v.org, tlp },
            "record screenings",
        )?;
        tx(self, |sql| {
            let id = sql.rows(
                "INSERT INTO screenings (org, officer, officer_lang, person_lang, answers, indicators, referral, tlp, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    v.org.as_str().into(),
                    user.id.into(),
                    officer_lang.into(),
                    person_lang.into(),
                    answers_json.into(),
                    indicators_json.into(),
                    referral.into(),
                    tlp.as_str().into(),
                    now_utc().into(),
                ],
            )?[0][0]
                .int();
            audit::append(
                sql,
                &v.org,
                &user.actor(),
                "screening.create",
                &format!("screening:{id}"),
            )?;
            Ok(id)
        })
    }

    /// A screening, if the user may read it (audited).
    fn screening(&mut self, user: &User, id: i64) -> Result<Option<Screening>> {
        let v = user.viewer();
        tx(self, |sql| {
            let Some(s) = one(
                sql.rows(
                    "SELECT id, org, officer, officer_lang, person_lang, answers, indicators, referral, tlp, created_at
                     FROM screenings WHERE id = $1",
                    &[id.into()],
                )?,
                |r| {
                    Ok(Screening {
                        id: r[0].int(),
                        org: r[1].text(),
                        officer: r[2].int(),
                        officer_lang: r[3].text(),
                        person_lang: r[4].text(),
                        answers: r[5].text(),
                        indicators: r[6].text(),
                        referral: r[7].text(),
                        tlp: tlp_of(&r[8].text())?,
                        created_at: r[9].text(),
                    })
                },
            )?
            else {
                return Ok(None);
            };
            // A screening is a victim's data: read only inside its organisation, whatever the marking.
            if !decide(
                &v,
                Action::ReadVictimSelector,
                Mark {
                    org: &s.org,
                    tlp: s.tlp,
                },
            ) {
                return Ok(None);
            }
            if s.tlp >= Tlp::Amber {
                audit::append(
                    sql,
                    &v.org,
                    &user.actor(),
                    "screening.read",
                    &format!("screening:{id}"),
                )?;
            }
            Ok(Some(s))
        })
    }

    /// Record that a person agreed to their submission being kept.
    fn record_consent(&mut self, org: &str, content_id: i64, purpose: &str) -> Result<()> {
        tx(self, |sql| {
            sql.exec(
                "INSERT INTO consents (content_id, org, purpose, given_at) VALUES ($1, $2, $3, $4)",
                &[
                    content_id.into(),
                    org.into(),
                    purpose.into(),
                    now_utc().into(),
                ],
            )?;
            audit::append(
                sql,
                org,
                "public",
                "consent",
                &format!("content:{content_id}"),
            )?;
            Ok(())
        })
    }

    /// The id of a stored content by its hash.
    fn content_id(&mut self, hash: &str) -> Result<Option<i64>> {
        tx(self, |sql| {
            one(
                sql.rows("SELECT id FROM contents WHERE hash = $1", &[hash.into()])?,
                |r| Ok(r[0].int()),
            )
        })
    }

    /// The documents the viewer may read, most urgent distress first, then by the higher of the
    /// lure and scam scores.
    fn queue(&mut self, viewer: &Viewer, limit: usize) -> Result<Vec<QueueItem>> {
        let rows = tx(self, |sql| {
            sql.rows(
                "SELECT o.content_id, o.org, o.tlp, c.lang, substr(c.text, 1, 160),
                        COALESCE(d.urgency, 0), CAST(d.score AS TEXT), CAST(l.score AS TEXT), CAST(s.score AS TEXT)
                 FROM observations o JOIN contents c ON c.id = o.content_id
                 LEFT JOIN assessments d ON d.content_id = c.id AND d.task = 'distress'
                 LEFT JOIN assessments l ON l.content_id = c.id AND l.task = 'lure'
                 LEFT JOIN assessments s ON s.content_id = c.id AND s.task = 'scam'",
                &[],
            )
        })?;
        let mut by_id: std::collections::BTreeMap<i64, QueueItem> = Default::default();
        for r in rows {
            let tlp = tlp_of(&r[2].text())?;
            if !decide(
                viewer,
                Action::Read,
                Mark {
                    org: &r[1].text(),
                    tlp,
                },
            ) {
                continue;
            }
            let f = |v: &Val| v.text().parse::<f64>().unwrap_or(0.0);
            let e = by_id.entry(r[0].int()).or_insert_with(|| QueueItem {
                id: r[0].int(),
                lang: r[3].text(),
                urgency: r[5].int(),
                distress: f(&r[6]),
                lure: f(&r[7]),
                scam: f(&r[8]),
                tlp,
                preview: r[4]
                    .text()
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(120)
                    .collect(),
            });
            e.tlp = e.tlp.max(tlp);
        }
        let mut items: Vec<QueueItem> = by_id.into_values().collect();
        items.sort_by(|a, b| {
            b.urgency
                .cmp(&a.urgency)
                .then(b.distress.total_cmp(&a.distress))
                .then(b.lure.max(b.scam).total_cmp(&a.lure.max(a.scam)))
                .then(a.id.cmp(&b.id))
        });
        items.truncate(limit);
        Ok(items)
    }

    /// Apply retention to the admin's organisation: observations and screenings older than their
    /// marking's retention go, and contents nobody observes any more go with their analysis. The
    /// audit log is untouched (it holds ids and hashes), so its chain stays whole.
    fn purge(&mut self, admin: &User, retention: &Retention, now_unix: i64) -> Result<Purged> {
        let v = admin.viewer();
        require(
            &v,
            Action::Administer,
            Mark {
                org: &v.org,
                tlp: Tlp::Red,
            },
            "purge",
        )?;
        tx(self, |sql| {
            let mut p = Purged::default();
            for (i, tlp) in Tlp::ALL.iter().enumerate() {
                let Some(days) = retention.days[i] else {
                    continue;
                };
                let cutoff = format_utc(now_unix - i64::from(days) * 86_400);
                p.observations += sql.exec(
                    "DELETE FROM observations WHERE org = $1 AND tlp = $2 AND ingested_at < $3",
                    &[
                        v.org.as_str().into(),
                        tlp.as_str().into(),
                        cutoff.clone().into(),
                    ],
                )?;
                p.screenings += sql.exec(
                    "DELETE FROM screenings WHERE org = $1 AND tlp = $2 AND created_at < $3",
                    &[v.org.as_str().into(), tlp.as_str().into(), cutoff.into()],
                )?;
            }
            let orphans: Vec<i64> = sql
                .rows(
                    "SELECT id FROM contents c WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.content_id = c.id)",
                    &[],
                )?
                .iter()
                .map(|r| r[0].int())
                .collect();
            for id in &orphans {
                for stmt in [
                    "DELETE FROM consents WHERE content_id = $1",
                    "DELETE FROM findings WHERE content_id = $1",
                    "DELETE FROM assessments WHERE content_id = $1",
                    "DELETE FROM content_selectors WHERE content_id = $1",
                    "DELETE FROM lsh_bands WHERE content_id = $1",
                    "DELETE FROM minhashes WHERE content_id = $1",
                    "DELETE FROM links WHERE a = $1 OR b = $1",
                    "DELETE FROM cluster_members WHERE content_id = $1",
                    "DELETE FROM contents WHERE id = $1",
                ] {
                    sql.exec(stmt, &[(*id).into()])?;
                }
            }
            p.contents = orphans.len() as u64;
            if p.contents > 0 {
                // The next clustering rebuilds from what is left.
                sql.exec("DELETE FROM cluster_state", &[])?;
            }
            audit::append(
                sql,
                &v.org,
                &admin.actor(),
                "purge",
                &format!(
                    "observations:{} contents:{} screenings:{}",
                    p.observations, p.contents, p.screenings
                ),
            )?;
            Ok(p)
        })
    }
}

fn case_row(r: &[Val]) -> Result<Case> {
    Ok(Case {
        id: r[0].int(),
        org: r[1].text(),
        cluster: match r[2] {
            Val::Int(c) => Some(c),
            _ => None,
        },
        title: r[3].text(),
        tlp: tlp_of(&r[4].text())?,
        created_at: r[5].text(),
        notes: Vec::new(),
    })
}

impl<S: Store + ?Sized> Workspace for S {}

/// Seconds since the Unix epoch (for [`Workspace::purge`]).
pub fn now_unix() -> i64 {
    unix_now()
}
