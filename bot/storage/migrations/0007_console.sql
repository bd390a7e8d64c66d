-- The operator's console: operators and their sessions, the audit log, handoffs to a person
-- (with their redacted conversation), broadcasts, and the indexes segments filter on.
CREATE TABLE operators (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'agent')),
    password_hash TEXT    NOT NULL,              -- Argon2id
    locked_until  TEXT,                          -- UTC; after 5 failed logins in 15 minutes
    created_at    TEXT    NOT NULL
);

CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    at          TEXT    NOT NULL
);
CREATE INDEX login_failures_operator ON login_failures (operator_id, at);

CREATE TABLE console_sessions (
    id           TEXT    PRIMARY KEY,            -- SHA-256 of the cookie's token, never the token
    operator_id  INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    csrf         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
);
CREATE INDEX console_sessions_operator ON console_sessions (operator_id);

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL,
    operator       TEXT    NOT NULL,             -- the operator's name ("cli", "api" for tools)
    action         TEXT    NOT NULL,
    participant_id INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    detail         TEXT    NOT NULL DEFAULT '{}' -- JSON: ids and counts, never message texts
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE handoffs (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    state          TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'taken', 'closed')),
    reason         TEXT    NOT NULL,
    opened_at      TEXT    NOT NULL,
    waiting_since  TEXT,                         -- the participant's first unanswered message
    taken_by       TEXT,
    taken_at       TEXT,
    closed_by      TEXT,
    closed_at      TEXT
);
CREATE INDEX handoffs_active ON handoffs (opened_at) WHERE state IN ('open', 'taken');
CREATE INDEX handoffs_participant ON handoffs (participant_id, state);

CREATE TABLE handoff_messages (
    id         INTEGER PRIMARY KEY,
    handoff_id INTEGER NOT NULL REFERENCES handoffs (id) ON DELETE CASCADE,
    author     TEXT    NOT NULL CHECK (author IN ('participant', 'operator')),
    operator   TEXT,
    text       TEXT    NOT NULL,                 -- redacted (bot/safety.py)
    at         TEXT    NOT NULL
);
CREATE INDEX handoff_messages_handoff ON handoff_messages (handoff_id, id);

CREATE TABLE broadcasts (
    id             INTEGER PRIMARY KEY,
    created_by     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    text_en        TEXT,
    segment        TEXT    NOT NULL,             -- JSON: the filters
    program_notice INTEGER NOT NULL DEFAULT 0,   -- also to participants who stopped reminders
    send_at        TEXT    NOT NULL,             -- UTC
    state          TEXT    NOT NULL DEFAULT 'enqueueing'
                   CHECK (state IN ('enqueueing', 'queued', 'cancelled')),
    recipients     INTEGER NOT NULL DEFAULT 0,
    enqueued       INTEGER NOT NULL DEFAULT 0,
    after_id       INTEGER NOT NULL DEFAULT 0,   -- enqueued up to this participant id
    cancelled_at   TEXT
);

-- What the segments filter on. Every participant UPDATE sets wave and deadline_utc, and each
-- index on such a column costs ~10-20 us per update (see docs/console.md), so only the two
-- selective filters are indexed; scheme and zone (3 values) are filtered while scanning.
CREATE INDEX participants_wave ON participants (wave, scheme);
CREATE INDEX participants_deadline ON participants (deadline_utc);
CREATE INDEX participants_channel ON participants (channel);  -- fixed at creation: free
CREATE INDEX progress_item ON progress (item, participant_id);
CREATE INDEX benefit_items_status ON benefit_items (kind, status, participant_id);
