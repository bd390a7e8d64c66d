-- Messages checked as scams and flagged (redacted), for the console's "Flagged" page; and
-- messages the bot cannot read (voice notes, stickers, locations, contacts...), one row each
-- with no participant, counted per kind on the overview.
CREATE TABLE flagged_messages (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    text           TEXT    NOT NULL,             -- redacted (bot/core/safety.py keepable)
    signs          TEXT    NOT NULL,             -- comma-separated (bot/nlu/scams.py Sign)
    forwarded      INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL
);
CREATE INDEX flagged_messages_created ON flagged_messages (created_at);
CREATE INDEX flagged_messages_participant ON flagged_messages (participant_id);

CREATE TABLE media_messages (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,                 -- bot/core/domain.py MEDIA
    created_at TEXT    NOT NULL
);
CREATE INDEX media_messages_created ON media_messages (created_at);
