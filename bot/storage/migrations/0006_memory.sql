-- What the bot remembers of a conversation (valid for a short while, see handlers/memory.py):
-- the last topic, the question it last asked, how often a problem was reported again, and
-- small JSON data (a pending confirmation, the rest of a long answer). One row per participant.
CREATE TABLE conversation_memory (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    topic          TEXT,
    question       TEXT,
    repeats        INTEGER NOT NULL DEFAULT 0,
    data           TEXT    NOT NULL DEFAULT '{}',  -- JSON
    updated_at     TEXT    NOT NULL                -- UTC, ISO-8601
);

-- Messages the bot did not understand, redacted (no secrets), kept for the operator with the
-- classifier's guesses and the participant's step; `label` is the intent an operator gave it.
CREATE TABLE unknown_messages (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    text           TEXT    NOT NULL,
    guesses        TEXT    NOT NULL DEFAULT '[]',  -- JSON: [[intent, score], ...]
    step           TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,               -- UTC, ISO-8601
    label          TEXT
);
CREATE INDEX unknown_messages_created ON unknown_messages (created_at);
CREATE INDEX unknown_messages_participant ON unknown_messages (participant_id);
