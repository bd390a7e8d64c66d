-- WhatsApp: inbound message ids already processed (Meta retries deliveries), and the message
-- ids of what the bot sent, with their latest delivery status, tied to the outbox row.
CREATE TABLE whatsapp_inbound (
    wamid       TEXT PRIMARY KEY,
    received_at TEXT NOT NULL                    -- UTC, ISO-8601
);
CREATE INDEX whatsapp_inbound_received ON whatsapp_inbound (received_at);

CREATE TABLE whatsapp_sent (
    wamid       TEXT PRIMARY KEY,
    outbox_id   BIGINT REFERENCES outbox (id) ON DELETE CASCADE,  -- NULL for direct replies
    status      TEXT NOT NULL DEFAULT 'accepted'
                CHECK (status IN ('accepted', 'sent', 'delivered', 'read', 'failed')),
    error_code  INTEGER,
    error_title TEXT,
    sent_at     TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX whatsapp_sent_outbox ON whatsapp_sent (outbox_id) WHERE outbox_id IS NOT NULL;
