-- Everything the bot sends on its own initiative: reminders, status updates, broadcasts.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    participant_id  INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL,              -- the participant's channel when enqueued
    kind            TEXT    NOT NULL,
    due_at          TEXT    NOT NULL,              -- UTC, ISO-8601
    payload         TEXT    NOT NULL DEFAULT '{}', -- JSON
    idempotency_key TEXT    NOT NULL UNIQUE,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'cancelled', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_until     TEXT,                          -- a 'sending' row is claimable again after it
    last_error      TEXT,
    message_ids     TEXT,                          -- the platform's ids, comma-separated
    sent_at         TEXT,
    created_at      TEXT    NOT NULL
);

-- Finding due rows costs the same whatever the table's size: only pending/sending rows are
-- indexed, in due order.
CREATE INDEX outbox_due ON outbox (due_at) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_participant ON outbox (participant_id, state);
