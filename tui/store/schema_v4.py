"""The upgrade from schema 3 to 4, frozen as it was written (see UPGRADES in schema.py): it
repeats what it adds rather than reading schema.sql, so later changes there do not touch it."""

TO_V4 = """
ALTER TABLE companies ADD COLUMN advice_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN milestone TEXT CHECK (milestone IS NULL OR milestone IN
    ('formal_complaint', 'final_response'));
ALTER TABLE promises ADD COLUMN party TEXT NOT NULL DEFAULT 'company'
    CHECK (party IN ('company', 'me'));
ALTER TABLE promises ADD COLUMN settled_at TEXT;
UPDATE promises SET settled_at = updated_at WHERE status IN ('kept', 'broken');
CREATE INDEX promises_unsettled ON promises(case_id, due_at, id)
    WHERE status IN ('pending', 'broken');
DROP TRIGGER interactions_digest_ai;
DROP TRIGGER interactions_digest_au;
DROP TRIGGER interactions_digest_ad;
DROP TRIGGER promises_progress_ai;
DROP TRIGGER promises_progress_ad;
DROP TRIGGER promises_progress_au;
DROP VIEW contact_digests;
ALTER TABLE cases DROP COLUMN digest;
CREATE TABLE case_digests (
    case_id         INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    contacts        INTEGER NOT NULL,   -- finished contacts (outcome IS NOT NULL)
    hold_total      INTEGER NOT NULL,   -- seconds on hold over them
    hold_max        INTEGER NOT NULL,
    held            INTEGER NOT NULL,   -- how many had hold_seconds > 0
    first_at        TEXT,               -- the first and last finished contact's started_at
    last_at         TEXT,
    last_id         INTEGER,
    last_channel    TEXT,
    last_outcome    TEXT,
    last_direction  TEXT,
    streak          INTEGER NOT NULL,
    streak_channels INTEGER NOT NULL,   -- distinct channels among the `streak` contacts
    channels        INTEGER NOT NULL,   -- distinct channels over every finished contact
    to_seller       INTEGER NOT NULL,   -- finished contacts on the `seller` channel
    escalated       INTEGER NOT NULL,   -- outcome `escalated`
    complained_at   TEXT,               -- the first finished formal_complaint contact
    final_at        TEXT,               -- the last finished final_response contact
    live_at         TEXT                -- the earliest live contact's started_at
);

CREATE VIEW case_digest_rows AS
SELECT case_id, count(outcome) AS contacts, coalesce(sum(hold), 0) AS hold_total,
    coalesce(max(hold), 0) AS hold_max, count(nullif(hold, 0)) AS held,
    min(CASE WHEN outcome IS NOT NULL THEN started_at END) AS first_at,
    max(CASE WHEN outcome IS NOT NULL THEN started_at END) AS last_at,
    max(CASE WHEN tail = 1 THEN id END) AS last_id,
    max(CASE WHEN tail = 1 THEN channel END) AS last_channel,
    max(CASE WHEN tail = 1 THEN outcome END) AS last_outcome,
    max(CASE WHEN tail = 1 THEN direction END) AS last_direction,
    count(CASE WHEN ahead = 0 THEN 1 END) AS streak,
    count(DISTINCT CASE WHEN ahead = 0 THEN channel END) AS streak_channels,
    count(DISTINCT CASE WHEN outcome IS NOT NULL THEN channel END) AS channels,
    count(CASE WHEN outcome IS NOT NULL AND channel = 'seller' THEN 1 END) AS to_seller,
    count(CASE WHEN outcome = 'escalated' THEN 1 END) AS escalated,
    min(CASE WHEN outcome IS NOT NULL AND milestone = 'formal_complaint' THEN started_at END)
        AS complained_at,
    max(CASE WHEN outcome IS NOT NULL AND milestone = 'final_response' THEN started_at END)
        AS final_at,
    min(CASE WHEN outcome IS NULL THEN started_at END) AS live_at
FROM (SELECT case_id, id, channel, direction, started_at, milestone, outcome,
          CASE WHEN outcome IS NOT NULL THEN hold_seconds END AS hold,
          CASE WHEN outcome IS NOT NULL THEN count(outcome) OVER later END AS tail,
          CASE WHEN outcome IS NOT NULL THEN coalesce(sum(outcome NOT IN ('transferred',
              'no_progress', 'disconnected', 'refused', 'restarted')) OVER later, 0) END AS ahead
      FROM (SELECT case_id, id, channel, direction, started_at, hold_seconds, milestone,
                CASE WHEN outcome = 'promised' AND NOT EXISTS (SELECT 1 FROM promises p
                    WHERE p.interaction_id = i.id) THEN 'no_progress' ELSE outcome END AS outcome
            FROM interactions i)
      WINDOW later AS (PARTITION BY case_id ORDER BY started_at, id
                       ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING))
GROUP BY case_id;

CREATE VIEW case_digest_refresh AS SELECT case_id FROM case_digests;
CREATE TRIGGER case_digest_refresh_ii INSTEAD OF INSERT ON case_digest_refresh BEGIN
    DELETE FROM case_digests WHERE case_id = new.case_id;
    INSERT INTO case_digests
    SELECT case_id, count(outcome), coalesce(sum(hold), 0), coalesce(max(hold), 0),
        count(nullif(hold, 0)),
        min(CASE WHEN outcome IS NOT NULL THEN started_at END),
        max(CASE WHEN outcome IS NOT NULL THEN started_at END),
        max(CASE WHEN tail = 1 THEN id END), max(CASE WHEN tail = 1 THEN channel END),
        max(CASE WHEN tail = 1 THEN outcome END), max(CASE WHEN tail = 1 THEN direction END),
        count(CASE WHEN ahead = 0 THEN 1 END),
        count(DISTINCT CASE WHEN ahead = 0 THEN channel END),
        count(DISTINCT CASE WHEN outcome IS NOT NULL THEN channel END),
        count(CASE WHEN outcome IS NOT NULL AND channel = 'seller' THEN 1 END),
        count(CASE WHEN outcome = 'escalated' THEN 1 END),
        min(CASE WHEN outcome IS NOT NULL AND milestone = 'formal_complaint' THEN started_at END),
        max(CASE WHEN outcome IS NOT NULL AND milestone = 'final_response' THEN started_at END),
        min(CASE WHEN outcome IS NULL THEN started_at END)
    FROM (SELECT case_id, id, channel, direction, started_at, milestone, outcome,
              CASE WHEN outcome IS NOT NULL THEN hold_seconds END AS hold,
              CASE WHEN outcome IS NOT NULL THEN count(outcome) OVER later END AS tail,
              CASE WHEN outcome IS NOT NULL THEN coalesce(sum(outcome NOT IN ('transferred',
                  'no_progress', 'disconnected', 'refused', 'restarted')) OVER later, 0)
                  END AS ahead
          FROM (SELECT case_id, id, channel, direction, started_at, hold_seconds, milestone,
                    CASE WHEN outcome = 'promised' AND NOT EXISTS (SELECT 1 FROM promises p
                        WHERE p.interaction_id = i.id) THEN 'no_progress' ELSE outcome END
                        AS outcome
                FROM interactions i WHERE i.case_id = new.case_id)
          WINDOW later AS (PARTITION BY case_id ORDER BY started_at, id
                           ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING))
    GROUP BY case_id;
END;

CREATE TRIGGER interactions_digest_ai AFTER INSERT ON interactions BEGIN
    INSERT INTO case_digest_refresh (case_id) VALUES (new.case_id);
END;
CREATE TRIGGER interactions_digest_au AFTER UPDATE OF case_id, channel, direction, started_at,
    hold_seconds, outcome, milestone ON interactions BEGIN
    INSERT INTO case_digest_refresh (case_id) VALUES (old.case_id);
    INSERT INTO case_digest_refresh (case_id) SELECT new.case_id
    WHERE new.case_id IS NOT old.case_id;
END;
CREATE TRIGGER interactions_digest_ad AFTER DELETE ON interactions BEGIN
    INSERT INTO case_digest_refresh (case_id) VALUES (old.case_id);
END;
INSERT INTO case_digests SELECT * FROM case_digest_rows;
CREATE TRIGGER promises_progress_ai AFTER INSERT ON promises
WHEN new.interaction_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM promises
    WHERE interaction_id = new.interaction_id AND id != new.id) BEGIN
    UPDATE company_channels SET progress = progress + 1
    WHERE (company_id, channel) = (SELECT c.company_id, i.channel FROM interactions i
        JOIN cases c ON c.id = i.case_id WHERE i.id = new.interaction_id
        AND i.outcome = 'promised');
    INSERT INTO case_digest_refresh (case_id) SELECT case_id FROM interactions
    WHERE id = new.interaction_id AND outcome = 'promised';
END;
CREATE TRIGGER promises_progress_ad AFTER DELETE ON promises
WHEN old.interaction_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM promises
    WHERE interaction_id = old.interaction_id) BEGIN
    UPDATE company_channels SET progress = progress - 1
    WHERE (company_id, channel) = (SELECT c.company_id, i.channel FROM interactions i
        JOIN cases c ON c.id = i.case_id WHERE i.id = old.interaction_id
        AND i.outcome = 'promised');
    INSERT INTO case_digest_refresh (case_id) SELECT case_id FROM interactions
    WHERE id = old.interaction_id AND outcome = 'promised';
END;
CREATE TRIGGER promises_progress_au AFTER UPDATE OF interaction_id ON promises
WHEN old.interaction_id IS NOT new.interaction_id BEGIN
    UPDATE company_channels SET progress = progress - 1
    WHERE (company_id, channel) = (SELECT c.company_id, i.channel FROM interactions i
        JOIN cases c ON c.id = i.case_id WHERE i.id = old.interaction_id
        AND i.outcome = 'promised')
        AND NOT EXISTS (SELECT 1 FROM promises WHERE interaction_id = old.interaction_id);
    UPDATE company_channels SET progress = progress + 1
    WHERE (company_id, channel) = (SELECT c.company_id, i.channel FROM interactions i
        JOIN cases c ON c.id = i.case_id WHERE i.id = new.interaction_id
        AND i.outcome = 'promised')
        AND NOT EXISTS (SELECT 1 FROM promises WHERE interaction_id = new.interaction_id
            AND id != new.id);
    INSERT INTO case_digest_refresh (case_id) SELECT DISTINCT case_id FROM interactions
    WHERE id IN (old.interaction_id, new.interaction_id) AND outcome = 'promised';
END;
CREATE TRIGGER companies_advice_au AFTER UPDATE OF name, phone, chat_url, email, hours, notes
ON companies WHEN old.name IS NOT new.name OR old.phone IS NOT new.phone
    OR old.chat_url IS NOT new.chat_url OR old.email IS NOT new.email
    OR old.hours IS NOT new.hours OR old.notes IS NOT new.notes BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id = new.id;
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases WHERE company_id = new.id);
END;
CREATE TRIGGER company_channels_advice_ai AFTER INSERT ON company_channels BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id = new.company_id;
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases
        WHERE company_id = new.company_id);
END;
CREATE TRIGGER company_channels_advice_au AFTER UPDATE ON company_channels BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id IN (old.company_id,
        new.company_id);
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases
        WHERE company_id IN (old.company_id, new.company_id));
END;
CREATE TRIGGER company_channels_advice_ad AFTER DELETE ON company_channels BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id = old.company_id;
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases
        WHERE company_id = old.company_id);
END;

CREATE TABLE case_advice (
    case_id          INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    score            REAL NOT NULL,
    stalled          INTEGER NOT NULL,
    snoozed          INTEGER NOT NULL,
    turn             TEXT NOT NULL,
    rung             TEXT NOT NULL,
    rule             TEXT,
    headline         TEXT NOT NULL,
    move             TEXT NOT NULL,
    who              TEXT NOT NULL,
    channel          TEXT,
    due              TEXT,
    last_activity_at TEXT NOT NULL,
    changes_at       TEXT,            -- the clock alone changes the assessment then (NULL: never)
    company_rev      INTEGER NOT NULL -- companies.advice_rev it was made from
);
CREATE INDEX case_advice_rank ON case_advice(stalled, score DESC, last_activity_at, case_id);
CREATE INDEX case_advice_changes ON case_advice(changes_at) WHERE changes_at IS NOT NULL;
-- A kept row's case in full words, its `advice --json` entry, made the first time it is
-- asked for; it goes with its row (a new row replaces the old one: REPLACE cascades too).
-- Apart from case_advice, so ranking reads small rows.
CREATE TABLE case_words (
    case_id INTEGER PRIMARY KEY REFERENCES case_advice(case_id) ON DELETE CASCADE,
    worded  TEXT NOT NULL
);

CREATE TRIGGER cases_advice_au AFTER UPDATE ON cases BEGIN
    DELETE FROM case_advice WHERE case_id IN (old.id, new.id);
END;
CREATE TRIGGER interactions_advice_ai AFTER INSERT ON interactions BEGIN
    DELETE FROM case_advice WHERE case_id = new.case_id;
END;
CREATE TRIGGER interactions_advice_au AFTER UPDATE ON interactions BEGIN
    DELETE FROM case_advice WHERE case_id IN (old.case_id, new.case_id);
END;
CREATE TRIGGER interactions_advice_ad AFTER DELETE ON interactions BEGIN
    DELETE FROM case_advice WHERE case_id = old.case_id;
END;
CREATE TRIGGER promises_advice_ai AFTER INSERT ON promises BEGIN
    DELETE FROM case_advice WHERE case_id = new.case_id;
END;
CREATE TRIGGER promises_advice_au AFTER UPDATE ON promises BEGIN
    DELETE FROM case_advice WHERE case_id IN (old.case_id, new.case_id);
END;
CREATE TRIGGER promises_advice_ad AFTER DELETE ON promises BEGIN
    DELETE FROM case_advice WHERE case_id = old.case_id;
END;
CREATE TRIGGER status_events_advice_ai AFTER INSERT ON status_events BEGIN
    DELETE FROM case_advice WHERE case_id = new.case_id;
END;
CREATE TRIGGER status_events_advice_au AFTER UPDATE ON status_events BEGIN
    DELETE FROM case_advice WHERE case_id IN (old.case_id, new.case_id);
END;
CREATE TRIGGER status_events_advice_ad AFTER DELETE ON status_events BEGIN
    DELETE FROM case_advice WHERE case_id = old.case_id;
END;
CREATE TRIGGER case_refs_advice_ai AFTER INSERT ON case_refs BEGIN
    DELETE FROM case_advice WHERE case_id = new.case_id;
END;
CREATE TRIGGER case_refs_advice_au AFTER UPDATE ON case_refs BEGIN
    DELETE FROM case_advice WHERE case_id IN (old.case_id, new.case_id);
END;
CREATE TRIGGER case_refs_advice_ad AFTER DELETE ON case_refs BEGIN
    DELETE FROM case_advice WHERE case_id = old.case_id;
END;
"""
