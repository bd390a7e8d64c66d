-- Issue 20: the console safe by default and good at the inbox.
-- Second factor (TOTP) for operators, and whether an agent is on shift (round-robin).
ALTER TABLE operators ADD COLUMN totp_secret TEXT;   -- base32; NULL until set up
ALTER TABLE operators ADD COLUMN totp_pending TEXT;  -- shown while being set up
ALTER TABLE operators ADD COLUMN on_shift INTEGER NOT NULL DEFAULT 0;

-- Failed logins by (name, address) and by address, for growing delays (no lock-out by name).
CREATE TABLE login_throttle (
    key      TEXT    PRIMARY KEY,                -- 'pair:<name>|<address>' or 'addr:<address>'
    failures INTEGER NOT NULL,
    last_at  TEXT    NOT NULL                    -- UTC
);

-- A broadcast form is submitted once: its token, unique.
ALTER TABLE broadcasts ADD COLUMN form_token TEXT;
CREATE UNIQUE INDEX broadcasts_form_token ON broadcasts (form_token);

-- An import's dry run, so "Apply" works on whichever instance it reaches.
CREATE TABLE import_runs (
    token      TEXT PRIMARY KEY,
    operator   TEXT NOT NULL,
    rows       TEXT NOT NULL,                    -- JSON: [[line, {column: value}], ...]
    created_at TEXT NOT NULL
);

-- The inbox: priority, first answer, satisfaction; internal notes; saved replies per topic.
ALTER TABLE handoffs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;  -- 1: money/deadline/distress
ALTER TABLE handoffs ADD COLUMN first_response_at TEXT;
ALTER TABLE handoffs ADD COLUMN satisfaction TEXT;  -- 'good' or 'bad' (the one-tap question)
CREATE INDEX handoffs_closed ON handoffs (closed_at) WHERE state = 'closed';

CREATE TABLE handoff_notes (
    id         INTEGER PRIMARY KEY,
    handoff_id INTEGER NOT NULL REFERENCES handoffs (id) ON DELETE CASCADE,
    operator   TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    at         TEXT    NOT NULL
);
CREATE INDEX handoff_notes_handoff ON handoff_notes (handoff_id, id);

CREATE TABLE saved_replies (
    id         INTEGER PRIMARY KEY,
    topic      TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX saved_replies_topic ON saved_replies (topic, title);

-- Consent: the privacy notice's version and when the participant saw it at onboarding.
CREATE TABLE consents (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    version        TEXT    NOT NULL,
    at             TEXT    NOT NULL
);

-- Delivery per outbox kind over the last days (the console's "Delivery" page).
CREATE INDEX outbox_kind_created ON outbox (kind, created_at);
