-- What operators teach the knowledge base, and what participants say of its answers.
--
-- kb_examples: a message an operator attached to a knowledge-base entry from the console's
-- not-understood page, redacted (bot/core/safety.py keepable), one row per text and locale
-- (attaching it again to another entry moves it). The models learn it at the next reload.
CREATE TABLE kb_examples (
    id          INTEGER PRIMARY KEY,
    locale      TEXT    NOT NULL,
    entry_id    TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    unknown_id  INTEGER REFERENCES unknown_messages (id) ON DELETE SET NULL,
    operator    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX kb_examples_text ON kb_examples (locale, text);
CREATE INDEX kb_examples_unknown ON kb_examples (unknown_id);

-- kb_versions: each reload an operator asked for; every instance retrains its models with
-- the examples up to `upto` (kb_examples.id) when it sees a newer version.
CREATE TABLE kb_versions (
    version      INTEGER PRIMARY KEY,
    upto         INTEGER NOT NULL,
    operator     TEXT    NOT NULL,
    requested_at TEXT    NOT NULL
);

-- feedback_asks: the last "did this help?" asked of a participant (at most one a day); the
-- answered message is kept, redacted, only until they vote (or the next question).
CREATE TABLE feedback_asks (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    answer         TEXT    NOT NULL,             -- kb:<entry id> or topic:<intent>
    text           TEXT,
    asked_at       TEXT    NOT NULL,
    voted          INTEGER NOT NULL DEFAULT 0
);

-- feedback: the votes; the message only with a thumbs down (redacted).
CREATE TABLE feedback (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    answer         TEXT    NOT NULL,
    helpful        INTEGER NOT NULL,
    text           TEXT,
    created_at     TEXT    NOT NULL
);
CREATE INDEX feedback_created ON feedback (created_at);
CREATE INDEX feedback_participant ON feedback (participant_id);
