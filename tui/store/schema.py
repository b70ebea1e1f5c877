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
    # and the active cases by id, which the ranking pages through.
    1: """
ALTER TABLE cases ADD COLUMN digest TEXT;
CREATE INDEX cases_active ON cases(id) WHERE status IN ('open', 'waiting');
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
