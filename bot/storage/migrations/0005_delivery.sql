-- Issue 12: inbound updates already processed (Telegram retries a webhook call, polling may
-- re-fetch), kept a day; WhatsApp statuses already applied; whose WhatsApp message ids these
-- are, so /hapus deletes them too.
CREATE TABLE inbound_updates (
    channel     TEXT NOT NULL,
    update_id   TEXT NOT NULL,
    user_id     TEXT,                            -- whose update (for /hapus); NULL if none
    received_at TEXT NOT NULL,                   -- UTC, ISO-8601
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX inbound_updates_received ON inbound_updates (received_at);
CREATE INDEX inbound_updates_user ON inbound_updates (channel, user_id);

CREATE TABLE whatsapp_statuses_seen (
    wamid       TEXT NOT NULL,
    status      TEXT NOT NULL,
    at          TEXT NOT NULL,                   -- the status's own timestamp (UTC)
    user_id     TEXT,                            -- the recipient (for /hapus)
    received_at TEXT NOT NULL,
    PRIMARY KEY (wamid, status, at)
);
CREATE INDEX whatsapp_statuses_seen_received ON whatsapp_statuses_seen (received_at);

ALTER TABLE whatsapp_inbound ADD COLUMN user_id TEXT;
ALTER TABLE whatsapp_sent ADD COLUMN user_id TEXT;
CREATE INDEX whatsapp_inbound_user ON whatsapp_inbound (user_id);
CREATE INDEX whatsapp_sent_user ON whatsapp_sent (user_id);
