-- The choices a chat was last shown, as the terminal chat numbers them (`1. ...`), so a number
-- typed after the chat restarted (a new process, same database) picks what the participant
-- last saw. One row per participant; empty ('[]') when the last reply offered none.
CREATE TABLE shown_options (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    options        TEXT    NOT NULL,  -- JSON: [[option id, label], ...]
    shown_at       TEXT    NOT NULL   -- UTC, ISO-8601
);
