"""The schema: schema.sql (shipped inside the package) and the upgrade steps from older versions."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

APPLICATION_ID = 0x53706C67  # "Splg"

# UPGRADES[n] takes a notebook from schema version n to n + 1; each runs in its own
# BEGIN IMMEDIATE transaction, after a backup. A step is frozen as it was written: it must
# keep working however schema.sql changes later, so it repeats what it adds.
UPGRADES: dict[int, str] = {
    # 2: cases.digest, the finished contacts boiled down for the stall rules, kept by
    # triggers (ranking every active case read every contact: 1 s at 25k active cases),
    # the active cases by id, which the ranking pages through, pending promises by case,
    # and company_channels, each company's contacts per channel, also kept by triggers.
    1: """
ALTER TABLE cases ADD COLUMN digest TEXT;
CREATE INDEX cases_active ON cases(id) WHERE status IN ('open', 'waiting');
CREATE INDEX promises_pending ON promises(case_id, due_at) WHERE status = 'pending';
CREATE VIEW contact_digests AS
SELECT c.id AS case_id, (
    SELECT CASE WHEN count(*) THEN count(*) || '|' || sum(hold_seconds) || '|'
        || max(hold_seconds) || '|' || sum(hold_seconds > 0) || '|' || min(started_at) || '|'
        || max(started_at) || '|' || group_concat(id, ',') || '|' || group_concat(channel, ' ')
        || '|' || group_concat(outcome, ' ') END
    FROM (SELECT id, channel, outcome, hold_seconds, started_at FROM interactions i
          WHERE i.case_id = c.id AND i.outcome IS NOT NULL ORDER BY i.started_at, i.id)
) AS digest
FROM cases c;
CREATE TRIGGER interactions_digest_ai AFTER INSERT ON interactions
WHEN new.outcome IS NOT NULL BEGIN
    UPDATE cases SET digest = (SELECT digest FROM contact_digests WHERE case_id = new.case_id)
    WHERE id = new.case_id;
END;
CREATE TRIGGER interactions_digest_au
AFTER UPDATE OF case_id, channel, started_at, hold_seconds, outcome ON interactions BEGIN
    UPDATE cases SET digest = (SELECT digest FROM contact_digests WHERE case_id = cases.id)
    WHERE id IN (old.case_id, new.case_id);
END;
CREATE TRIGGER interactions_digest_ad AFTER DELETE ON interactions BEGIN
    UPDATE cases SET digest = (SELECT digest FROM contact_digests WHERE case_id = old.case_id)
    WHERE id = old.case_id;
END;
UPDATE cases SET digest = (SELECT digest FROM contact_digests WHERE case_id = cases.id);
-- How each channel has gone with each company: finished contacts over every case, and how
-- many made progress. Kept by the triggers below, so the advice can name the channel that
-- works best with a company without reading its history (50 ms for a big one at 1M).
CREATE TABLE company_channels (
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    channel    TEXT NOT NULL,
    progress   INTEGER NOT NULL DEFAULT 0,
    contacts   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, channel)
) WITHOUT ROWID;

CREATE TRIGGER interactions_channels_ai AFTER INSERT ON interactions
WHEN new.outcome IS NOT NULL BEGIN
    INSERT INTO company_channels (company_id, channel, progress, contacts)
    SELECT company_id, new.channel,
        new.outcome IN ('resolved', 'promised', 'escalated', 'info'), 1
    FROM cases WHERE id = new.case_id
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + 1;
END;
CREATE TRIGGER interactions_channels_au AFTER UPDATE OF case_id, channel, outcome ON interactions
BEGIN
    UPDATE company_channels SET contacts = contacts - 1,
        progress = progress - (old.outcome IN ('resolved', 'promised', 'escalated', 'info'))
    WHERE old.outcome IS NOT NULL AND channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
    INSERT INTO company_channels (company_id, channel, progress, contacts)
    SELECT company_id, new.channel,
        new.outcome IN ('resolved', 'promised', 'escalated', 'info'), 1
    FROM cases WHERE id = new.case_id AND new.outcome IS NOT NULL
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + 1;
END;
CREATE TRIGGER interactions_channels_ad AFTER DELETE ON interactions
WHEN old.outcome IS NOT NULL BEGIN
    UPDATE company_channels SET contacts = contacts - 1,
        progress = progress - (old.outcome IN ('resolved', 'promised', 'escalated', 'info'))
    WHERE channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
END;
-- A deleted case's contacts go first, while the case still says which company they count
-- for (ON DELETE CASCADE would delete them after it).
CREATE TRIGGER cases_channels_bd BEFORE DELETE ON cases BEGIN
    DELETE FROM interactions WHERE case_id = old.id;
END;
-- A case moved to another company takes its contacts' counts along.
CREATE TRIGGER cases_channels_au AFTER UPDATE OF company_id ON cases
WHEN old.company_id IS NOT new.company_id BEGIN
    UPDATE company_channels SET
        contacts = contacts - (SELECT count(*) FROM interactions WHERE case_id = new.id
            AND outcome IS NOT NULL AND channel = company_channels.channel),
        progress = progress - (SELECT count(*) FROM interactions WHERE case_id = new.id
            AND outcome IN ('resolved', 'promised', 'escalated', 'info')
            AND channel = company_channels.channel)
    WHERE company_id = old.company_id;
    INSERT INTO company_channels (company_id, channel, progress, contacts)
    SELECT new.company_id, channel,
        sum(outcome IN ('resolved', 'promised', 'escalated', 'info')), count(*)
    FROM interactions WHERE case_id = new.id AND outcome IS NOT NULL GROUP BY channel
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + excluded.contacts;
END;
INSERT INTO company_channels (company_id, channel, progress, contacts)
SELECT c.company_id, i.channel, sum(i.outcome IN ('resolved', 'promised', 'escalated', 'info')),
    count(*)
FROM interactions i JOIN cases c ON c.id = i.case_id WHERE i.outcome IS NOT NULL
GROUP BY c.company_id, i.channel;
""",
}


@cache
def schema_sql() -> str:
    return resources.files("tui").joinpath("schema.sql").read_text(encoding="utf-8")


@cache
def schema_version() -> int:
    m = re.search(r"PRAGMA user_version\s*=\s*(\d+)", schema_sql())
    assert m, "schema.sql must set PRAGMA user_version"
    return int(m.group(1))
