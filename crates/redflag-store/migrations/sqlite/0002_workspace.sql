-- redflag store, schema version 2 (SQLite): the web workspace. Passwords and API tokens are kept as
-- argon2 hashes, sessions as SHA-256 of a 256-bit random id; cases get notes; frontline screenings;
-- consent of people who report through the public checker; the audit log becomes a hash chain.

ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

ALTER TABLE tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    session_hash  TEXT NOT NULL UNIQUE,
    csrf          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);

ALTER TABLE cases ADD COLUMN created_by INTEGER;
-- The adopted cluster, named as cluster views are: by its smallest member id.
ALTER TABLE cases ADD COLUMN cluster_member INTEGER;

CREATE TABLE case_notes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    author      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id);

-- A frontline screening: the answers given, the ILO indicators they point to, the referral made.
-- Never a verdict on the person. RED by default: it stays with the officer's organisation.
CREATE TABLE screenings (
    id            INTEGER PRIMARY KEY,
    org           TEXT NOT NULL,
    officer       INTEGER NOT NULL,
    officer_lang  TEXT NOT NULL,
    person_lang   TEXT NOT NULL,
    answers       TEXT NOT NULL,
    indicators    TEXT NOT NULL,
    referral      TEXT NOT NULL,
    tlp           TEXT NOT NULL DEFAULT 'RED'
                  CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    created_at    TEXT NOT NULL
);

-- A person's consent to keep what they submitted (the public checker stores nothing without it).
CREATE TABLE consents (
    id          INTEGER PRIMARY KEY,
    content_id  INTEGER NOT NULL,
    org         TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    given_at    TEXT NOT NULL
);

-- The audit log as a hash chain: hash = SHA-256(prev_hash, at, org, actor, action, object). Rows
-- written before this migration keep an empty hash and come before the chain.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
