-- Each participant's benefit items (from their scheme in the program file) and where each
-- stands, plus the history of every change with its source. Partner is the bank or e-wallet's
-- name (e.g. "OVO"), never an account number.
CREATE TABLE benefit_items (
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    item_key       TEXT    NOT NULL,              -- "training_fund", "incentive.2", "survey.1"
    kind           TEXT    NOT NULL,              -- training_fund, incentive, survey
    item_index     INTEGER NOT NULL,
    amount         INTEGER NOT NULL,              -- Rupiah
    status         TEXT    NOT NULL
                   CHECK (status IN ('not_eligible', 'waiting', 'processing', 'paid', 'failed')),
    status_on      TEXT,                          -- local date, ISO-8601
    partner        TEXT,
    reason         TEXT,                          -- a reason code (see bot/incentives.py)
    note           TEXT,
    updated_at     TEXT    NOT NULL,              -- UTC
    PRIMARY KEY (participant_id, item_key)
);

CREATE TABLE benefit_history (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    item_key       TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    status_on      TEXT,
    partner        TEXT,
    reason         TEXT,
    note           TEXT,
    source         TEXT    NOT NULL CHECK (source IN ('participant', 'operator')),
    changed_at     TEXT    NOT NULL               -- UTC
);

CREATE INDEX benefit_history_participant ON benefit_history (participant_id, item_key);
