-- redflag store, schema version 1 (SQLite). The PostgreSQL schema mirrors it table for table.
-- Times are UTC, RFC 3339 text ('2026-11-23T14:00:00Z'); a source's own UTC offset is kept beside.

CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    org         TEXT NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('reader', 'analyst', 'admin')),
    created_at  TEXT NOT NULL,
    UNIQUE (org, name)
);

CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT
);

-- The text once, keyed by the SHA-256 of its raw NFC form (not of the normalised form).
CREATE TABLE contents (
    id          INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    text        TEXT NOT NULL,
    kind        TEXT,
    lang        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Who saw a content where and when. Idempotent on (org, source_id), else on (org, content).
CREATE TABLE observations (
    id              INTEGER PRIMARY KEY,
    content_id      INTEGER NOT NULL REFERENCES contents(id),
    org             TEXT NOT NULL,
    source          TEXT NOT NULL,
    source_id       TEXT,
    observed_at     TEXT NOT NULL,
    utc_offset_min  INTEGER,
    tlp             TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    ingested_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX observations_org_source_id ON observations(org, source_id) WHERE source_id IS NOT NULL;
CREATE UNIQUE INDEX observations_org_content ON observations(org, content_id) WHERE source_id IS NULL;
CREATE INDEX observations_content ON observations(content_id);

-- A selector by kind and canonical value; its state moves extracted → validated → corroborated →
-- confirmed | rejected (the last two only by an analyst's judgement).
CREATE TABLE selectors (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    valid       INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'extracted'
                CHECK (state IN ('extracted', 'validated', 'corroborated', 'confirmed', 'rejected')),
    region      TEXT,
    -- Set by clustering: 0 when the selector links nothing (hub, allow-listed, rejected), and why.
    linkable    INTEGER NOT NULL DEFAULT 1,
    unlinked_because TEXT,
    UNIQUE (kind, value)
);

-- Where a selector occurs in a content (character offsets into the original) and whose it is there.
CREATE TABLE content_selectors (
    content_id  INTEGER NOT NULL REFERENCES contents(id),
    selector_id INTEGER NOT NULL REFERENCES selectors(id),
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    raw         TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('contact', 'victim', 'hotline')),
    ambiguous   INTEGER NOT NULL,
    PRIMARY KEY (content_id, selector_id, start_char)
);
CREATE INDEX content_selectors_selector ON content_selectors(selector_id);

CREATE TABLE assessments (
    content_id  INTEGER NOT NULL REFERENCES contents(id),
    task        TEXT NOT NULL CHECK (task IN ('lure', 'scam', 'distress')),
    score       REAL NOT NULL,
    band        TEXT NOT NULL,
    urgency     INTEGER,
    flags       TEXT,
    engine      TEXT NOT NULL,
    PRIMARY KEY (content_id, task)
);

CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    content_id  INTEGER NOT NULL REFERENCES contents(id),
    task        TEXT NOT NULL,
    rule        TEXT NOT NULL,
    category    TEXT NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    weight      REAL NOT NULL,
    explain     TEXT NOT NULL
);
CREATE INDEX findings_content ON findings(content_id);

-- MinHash signature of the normalised text, and its LSH band keys.
CREATE TABLE minhashes (
    content_id  INTEGER PRIMARY KEY REFERENCES contents(id),
    signature   BLOB NOT NULL
);
CREATE TABLE lsh_bands (
    band        INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    content_id  INTEGER NOT NULL REFERENCES contents(id),
    PRIMARY KEY (band, bucket, content_id)
) WITHOUT ROWID;

-- The edge table: two contents and why they are linked (a shared selector, or a near-duplicate
-- template with its estimated similarity).
CREATE TABLE links (
    id          INTEGER PRIMARY KEY,
    a           INTEGER NOT NULL REFERENCES contents(id),
    b           INTEGER NOT NULL REFERENCES contents(id),
    reason      TEXT NOT NULL CHECK (reason IN ('selector', 'template')),
    selector_id INTEGER REFERENCES selectors(id),
    similarity  REAL,
    created_at  TEXT NOT NULL,
    CHECK (a < b)
);
CREATE UNIQUE INDEX links_unique ON links(a, b, reason, IFNULL(selector_id, 0));
CREATE INDEX links_b ON links(b);
CREATE INDEX links_selector ON links(selector_id);

CREATE TABLE clusters (
    id          INTEGER PRIMARY KEY,
    size        INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE cluster_members (
    content_id  INTEGER PRIMARY KEY REFERENCES contents(id),
    cluster_id  INTEGER NOT NULL REFERENCES clusters(id)
);
CREATE INDEX cluster_members_cluster ON cluster_members(cluster_id);

-- Bookkeeping for incremental clustering: the highest content id already clustered, and the
-- settings and judgement count the clusters were built with.
CREATE TABLE cluster_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_content_id INTEGER NOT NULL,
    settings        TEXT NOT NULL,
    judgements      INTEGER NOT NULL,
    built_at        TEXT NOT NULL
);

-- An analyst's verdict on a selector: confirmed, rejected, or allow (an allow-listed value such as a
-- platform's own support number: it never links and never raises).
CREATE TABLE judgements (
    id          INTEGER PRIMARY KEY,
    selector_id INTEGER NOT NULL REFERENCES selectors(id),
    org         TEXT NOT NULL,
    analyst     TEXT NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('confirmed', 'rejected', 'allow')),
    note        TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX judgements_selector ON judgements(selector_id);

CREATE TABLE watchlists (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    org         TEXT NOT NULL,
    source      TEXT NOT NULL,
    licence     TEXT NOT NULL,
    allow       INTEGER NOT NULL,
    tlp         TEXT NOT NULL DEFAULT 'CLEAR',
    added_at    TEXT NOT NULL
);
CREATE TABLE watchlist_entries (
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id),
    kind         TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (watchlist_id, kind, value)
);
CREATE INDEX watchlist_entries_value ON watchlist_entries(kind, value);

CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    org         TEXT NOT NULL,
    cluster_id  INTEGER REFERENCES clusters(id),
    title       TEXT NOT NULL,
    notes       TEXT,
    tlp         TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Append-only: ids and hashes, never texts, so purging a text never breaks the log.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    org         TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
