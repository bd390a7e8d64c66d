-- The overview's funnel kept as it changes (issue 20: every console page within 300 ms on
-- 1,000,000 participants): counting it afresh took 0.3-1 s a wave. Triggers on participants,
-- progress and benefit_items add one row of +1/-1 per change to funnel_counts (insert-only, as
-- RapidPro's squashed counts: concurrent writers never wait on a shared counter row); the
-- console sums the rows of a wave and scheme (bot/storage/reports.py funnel_counts) and its
-- background task squashes them into one row per key now and then (squash_funnel).
--
-- step: 'participants', 'onboarded' (has a deadline, past the onboarding questions), a progress
-- item, 'incentive_paid' (some incentive item paid), or 'unpurchased' (has a deadline and no
-- purchase yet; deadline_utc is then the deadline, '' for every other step). wave -1 and
-- scheme '' stand for none yet.

CREATE TABLE funnel_counts (
    wave         INTEGER NOT NULL,
    scheme       TEXT    NOT NULL,
    step         TEXT    NOT NULL,
    deadline_utc TEXT    NOT NULL,
    n            INTEGER NOT NULL
);
CREATE INDEX funnel_counts_key ON funnel_counts (wave, scheme, step, deadline_utc, n);

-- A participant's rows are taken away BEFORE the delete: its progress and benefit rows
-- go with it (ON DELETE CASCADE) once the participant row is gone, when their own
-- triggers find no participant and count nothing.

CREATE TRIGGER funnel_participant_added AFTER INSERT ON participants BEGIN
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), 'participants', '', 1;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), 'onboarded', '', 1
        WHERE NEW.deadline_utc IS NOT NULL AND NEW.step NOT IN ('ask_announced', 'ask_stage', 'ask_timezone', 'ask_wave', 'new');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), g.item, '', 1
        FROM progress g WHERE g.participant_id = NEW.id;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), 'incentive_paid', '', 1
        WHERE EXISTS (SELECT 1 FROM benefit_items b WHERE b.participant_id = NEW.id AND b.kind = 'incentive' AND b.status = 'paid');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), 'unpurchased', NEW.deadline_utc, 1
        WHERE NEW.deadline_utc IS NOT NULL AND NOT EXISTS
        (SELECT 1 FROM progress g WHERE g.participant_id = NEW.id AND g.item = 'purchase');
END;

CREATE TRIGGER funnel_participant_removed BEFORE DELETE ON participants BEGIN
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), 'participants', '', -1;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), 'onboarded', '', -1
        WHERE OLD.deadline_utc IS NOT NULL AND OLD.step NOT IN ('ask_announced', 'ask_stage', 'ask_timezone', 'ask_wave', 'new');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), g.item, '', -1
        FROM progress g WHERE g.participant_id = OLD.id;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), 'incentive_paid', '', -1
        WHERE EXISTS (SELECT 1 FROM benefit_items b WHERE b.participant_id = OLD.id AND b.kind = 'incentive' AND b.status = 'paid');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), 'unpurchased', OLD.deadline_utc, -1
        WHERE OLD.deadline_utc IS NOT NULL AND NOT EXISTS
        (SELECT 1 FROM progress g WHERE g.participant_id = OLD.id AND g.item = 'purchase');
END;

CREATE TRIGGER funnel_participant_changed AFTER UPDATE OF wave, scheme, step, deadline_utc
ON participants WHEN OLD.wave IS NOT NEW.wave OR OLD.scheme IS NOT NEW.scheme
    OR OLD.deadline_utc IS NOT NEW.deadline_utc OR (OLD.deadline_utc IS NOT NULL AND OLD.step NOT IN ('ask_announced', 'ask_stage', 'ask_timezone', 'ask_wave', 'new')) IS NOT (NEW.deadline_utc IS NOT NULL AND NEW.step NOT IN ('ask_announced', 'ask_stage', 'ask_timezone', 'ask_wave', 'new'))
BEGIN
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), 'participants', '', -1;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), 'onboarded', '', -1
        WHERE OLD.deadline_utc IS NOT NULL AND OLD.step NOT IN ('ask_announced', 'ask_stage', 'ask_timezone', 'ask_wave', 'new');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), g.item, '', -1
        FROM progress g WHERE g.participant_id = OLD.id;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), 'incentive_paid', '', -1
        WHERE EXISTS (SELECT 1 FROM benefit_items b WHERE b.participant_id = OLD.id AND b.kind = 'incentive' AND b.status = 'paid');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(OLD.wave, -1), COALESCE(OLD.scheme, ''), 'unpurchased', OLD.deadline_utc, -1
        WHERE OLD.deadline_utc IS NOT NULL AND NOT EXISTS
        (SELECT 1 FROM progress g WHERE g.participant_id = OLD.id AND g.item = 'purchase');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), 'participants', '', 1;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), 'onboarded', '', 1
        WHERE NEW.deadline_utc IS NOT NULL AND NEW.step NOT IN ('ask_announced', 'ask_stage', 'ask_timezone', 'ask_wave', 'new');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), g.item, '', 1
        FROM progress g WHERE g.participant_id = NEW.id;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), 'incentive_paid', '', 1
        WHERE EXISTS (SELECT 1 FROM benefit_items b WHERE b.participant_id = NEW.id AND b.kind = 'incentive' AND b.status = 'paid');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(NEW.wave, -1), COALESCE(NEW.scheme, ''), 'unpurchased', NEW.deadline_utc, 1
        WHERE NEW.deadline_utc IS NOT NULL AND NOT EXISTS
        (SELECT 1 FROM progress g WHERE g.participant_id = NEW.id AND g.item = 'purchase');
END;

CREATE TRIGGER funnel_progress_added AFTER INSERT ON progress BEGIN
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), NEW.item, '', 1
        FROM participants p WHERE p.id = NEW.participant_id;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'unpurchased', p.deadline_utc, -1
        FROM participants p WHERE p.id = NEW.participant_id AND NEW.item = 'purchase'
        AND p.deadline_utc IS NOT NULL;
END;

CREATE TRIGGER funnel_progress_removed AFTER DELETE ON progress BEGIN
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), OLD.item, '', -1
        FROM participants p WHERE p.id = OLD.participant_id;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'unpurchased', p.deadline_utc, 1
        FROM participants p WHERE p.id = OLD.participant_id AND OLD.item = 'purchase'
        AND p.deadline_utc IS NOT NULL;
END;

CREATE TRIGGER funnel_progress_changed AFTER UPDATE OF participant_id, item ON progress
WHEN OLD.participant_id IS NOT NEW.participant_id OR OLD.item IS NOT NEW.item
BEGIN
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), OLD.item, '', -1
        FROM participants p WHERE p.id = OLD.participant_id;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'unpurchased', p.deadline_utc, 1
        FROM participants p WHERE p.id = OLD.participant_id AND OLD.item = 'purchase'
        AND p.deadline_utc IS NOT NULL;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), NEW.item, '', 1
        FROM participants p WHERE p.id = NEW.participant_id;
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'unpurchased', p.deadline_utc, -1
        FROM participants p WHERE p.id = NEW.participant_id AND NEW.item = 'purchase'
        AND p.deadline_utc IS NOT NULL;
END;

CREATE TRIGGER funnel_paid_added AFTER INSERT ON benefit_items
WHEN NEW.kind = 'incentive' AND NEW.status = 'paid'
BEGIN
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'incentive_paid', '', 1
        FROM participants p WHERE p.id = NEW.participant_id
        AND NEW.kind = 'incentive' AND NEW.status = 'paid' AND (SELECT COUNT(*)
        FROM benefit_items b WHERE b.participant_id = NEW.participant_id AND b.kind = 'incentive' AND b.status = 'paid') = 1;
END;

CREATE TRIGGER funnel_paid_removed AFTER DELETE ON benefit_items
WHEN OLD.kind = 'incentive' AND OLD.status = 'paid'
BEGIN
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'incentive_paid', '', -1
        FROM participants p WHERE p.id = OLD.participant_id
        AND OLD.kind = 'incentive' AND OLD.status = 'paid' AND NOT EXISTS (SELECT 1
        FROM benefit_items b WHERE b.participant_id = OLD.participant_id AND b.kind = 'incentive' AND b.status = 'paid');
END;

CREATE TRIGGER funnel_paid_changed AFTER UPDATE OF participant_id, kind, status
ON benefit_items WHEN OLD.participant_id IS NOT NEW.participant_id
    OR (OLD.kind = 'incentive' AND OLD.status = 'paid')
    IS NOT (NEW.kind = 'incentive' AND NEW.status = 'paid')
BEGIN
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'incentive_paid', '', -1
        FROM participants p WHERE p.id = OLD.participant_id
        AND OLD.kind = 'incentive' AND OLD.status = 'paid' AND NOT EXISTS (SELECT 1
        FROM benefit_items b WHERE b.participant_id = OLD.participant_id AND b.kind = 'incentive' AND b.status = 'paid');
    INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n) SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'incentive_paid', '', 1
        FROM participants p WHERE p.id = NEW.participant_id
        AND NEW.kind = 'incentive' AND NEW.status = 'paid' AND (SELECT COUNT(*)
        FROM benefit_items b WHERE b.participant_id = NEW.participant_id AND b.kind = 'incentive' AND b.status = 'paid') = 1;
END;


-- What the participants already stored count.
INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n)
    SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'participants', '', COUNT(*) FROM participants p GROUP BY 1, 2;
INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n)
    SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'onboarded', '', COUNT(*) FROM participants p
    WHERE p.deadline_utc IS NOT NULL AND p.step NOT IN ('ask_announced', 'ask_stage', 'ask_timezone', 'ask_wave', 'new') GROUP BY 1, 2;
INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n)
    SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), g.item, '', COUNT(*) FROM participants p
    JOIN progress g ON g.participant_id = p.id GROUP BY 1, 2, 3;
INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n)
    SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'incentive_paid', '', COUNT(*) FROM participants p
    WHERE p.id IN (SELECT b.participant_id FROM benefit_items b WHERE b.kind = 'incentive' AND b.status = 'paid') GROUP BY 1, 2;
INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n)
    SELECT COALESCE(p.wave, -1), COALESCE(p.scheme, ''), 'unpurchased', p.deadline_utc, COUNT(*) FROM participants p
    WHERE p.deadline_utc IS NOT NULL AND NOT EXISTS
    (SELECT 1 FROM progress g WHERE g.participant_id = p.id AND g.item = 'purchase')
    GROUP BY 1, 2, 4;

-- The participant list filtered by deadline, zone and channel (bench/console.py: "WITA,
-- whatsapp, deadline in 3 days") read each of the ~50,000 rows of a 3-day deadline range from
-- the table to test the zone and channel (0.1 s warm, 3 s cold): the deadline index carries
-- both, so only the matching rows are read.
DROP INDEX participants_deadline;
CREATE INDEX participants_deadline ON participants (deadline_utc, timezone, channel);
