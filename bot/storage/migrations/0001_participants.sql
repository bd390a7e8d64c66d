-- Participants and their progress through the program's steps.
CREATE TABLE participants (
    id                INTEGER PRIMARY KEY,
    channel           TEXT    NOT NULL,
    user_id           TEXT    NOT NULL,
    chat_id           TEXT    NOT NULL,
    step              TEXT    NOT NULL,
    locale            TEXT    NOT NULL,
    timezone          TEXT    NOT NULL,
    ref_code          TEXT    NOT NULL UNIQUE,
    wave              INTEGER,
    scheme            TEXT,
    announced_on      TEXT,
    deadline_utc      TEXT,
    reminders_enabled INTEGER NOT NULL DEFAULT 1,
    unreachable       INTEGER NOT NULL DEFAULT 0,
    phone             TEXT,
    last_inbound_at   TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    UNIQUE (channel, user_id)
);

CREATE INDEX participants_phone ON participants (phone) WHERE phone IS NOT NULL;

CREATE TABLE progress (
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    item           TEXT    NOT NULL,
    done_at        TEXT    NOT NULL,
    PRIMARY KEY (participant_id, item)
);
