-- Several instances: each running instance's heartbeat, and which run claimed an outbox row.
-- `token` changes at every start, so the claims of a run that died are free at once for the
-- restarted instance (and for the others once the heartbeat is older than 15 seconds).
CREATE TABLE instances (
    id           TEXT PRIMARY KEY,          -- INSTANCE_ID (stable across restarts)
    token        TEXT    NOT NULL,          -- this run: what its claims carry in claimed_by
    host         TEXT    NOT NULL,
    pid          INTEGER NOT NULL,
    started_at   TEXT    NOT NULL,          -- UTC, ISO-8601
    heartbeat_at TEXT    NOT NULL           -- UTC, ISO-8601
);
CREATE INDEX instances_token ON instances (token, heartbeat_at);

ALTER TABLE outbox ADD COLUMN claimed_by TEXT;  -- the token of the run sending the row
