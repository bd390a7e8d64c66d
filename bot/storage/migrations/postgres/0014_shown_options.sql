-- PostgreSQL twin of ../0014_shown_options.sql (same table and columns).
CREATE TABLE shown_options (
    participant_id BIGINT PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    options        TEXT   NOT NULL,
    shown_at       TEXT   NOT NULL
);
