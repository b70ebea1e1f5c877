"""The upgrade step to schema 8 (UPGRADES[7]), frozen as written: the vocabulary out of the
SQL CHECKs, progress written once, and views for other tools.

The channel, outcome, status... lists live in tui/store/vocab.py alone (every write path
checks them there), so their CHECK constraints go: `drop_vocabulary_checks` (FINISH[7]) edits
the stored CREATE TABLE text, the procedure SQLite documents for removing CHECK constraints
(it changes nothing on disk, so no table is rebuilt and every row stays as it is). A
generated column, interactions.progress, holds the progress outcomes once; the triggers and
the digest view that listed them read it instead.
"""

from __future__ import annotations

import re

TO_V8 = """
-- A notebook made at schema 4 before these two joined that step lacks them (the fixture
-- notebook-v4.db does): made here if missing, so every notebook has the same shape.
CREATE INDEX IF NOT EXISTS case_advice_changes ON case_advice(changes_at)
    WHERE changes_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS case_words (
    case_id INTEGER PRIMARY KEY REFERENCES case_advice(case_id) ON DELETE CASCADE,
    worded  TEXT NOT NULL
);
ALTER TABLE interactions ADD COLUMN progress INTEGER GENERATED ALWAYS AS (outcome IN
    ('resolved', 'promised', 'escalated', 'info')) VIRTUAL;
DROP VIEW case_digest_rows;
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
          -- finished contacts from this one on (1: the last), and how many made progress
          CASE WHEN outcome IS NOT NULL THEN count(outcome) OVER later END AS tail,
          CASE WHEN outcome IS NOT NULL THEN coalesce(sum(progress) OVER later, 0) END AS ahead
      FROM (SELECT case_id, id, channel, direction, started_at, hold_seconds, milestone,
                CASE WHEN bare THEN 'no_progress' ELSE outcome END AS outcome,
                progress AND NOT bare AS progress
            FROM (SELECT *, outcome = 'promised' AND NOT EXISTS (SELECT 1 FROM promises p
                      WHERE p.interaction_id = i.id) AS bare FROM interactions i))
      WINDOW later AS (PARTITION BY case_id ORDER BY started_at, id
                       ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING))
GROUP BY case_id;
DROP TRIGGER interactions_channels_ai;
CREATE TRIGGER interactions_channels_ai AFTER INSERT ON interactions
WHEN new.outcome IS NOT NULL BEGIN
    INSERT INTO company_channels (company_id, channel, progress, contacts)
    SELECT company_id, new.channel, new.progress
        AND (new.outcome IS NOT 'promised' OR EXISTS (SELECT 1 FROM promises
            WHERE interaction_id = new.id)), 1
    FROM cases WHERE id = new.case_id
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + 1;
END;
DROP TRIGGER interactions_channels_au;
CREATE TRIGGER interactions_channels_au AFTER UPDATE OF case_id, channel, outcome ON interactions
BEGIN
    UPDATE company_channels SET contacts = contacts - 1,
        progress = progress - (old.progress
            AND (old.outcome IS NOT 'promised' OR EXISTS (SELECT 1 FROM promises
                WHERE interaction_id = old.id)))
    WHERE old.outcome IS NOT NULL AND channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
    INSERT INTO company_channels (company_id, channel, progress, contacts)
    SELECT company_id, new.channel, new.progress
        AND (new.outcome IS NOT 'promised' OR EXISTS (SELECT 1 FROM promises
            WHERE interaction_id = new.id)), 1
    FROM cases WHERE id = new.case_id AND new.outcome IS NOT NULL
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + 1;
END;
DROP TRIGGER interactions_channels_bd;
CREATE TRIGGER interactions_channels_bd BEFORE DELETE ON interactions
WHEN old.outcome IS NOT NULL BEGIN
    UPDATE company_channels SET contacts = contacts - 1,
        progress = progress - (old.progress
            AND (old.outcome IS NOT 'promised' OR EXISTS (SELECT 1 FROM promises
                WHERE interaction_id = old.id)))
    WHERE channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
END;
DROP TRIGGER cases_channels_au;
CREATE TRIGGER cases_channels_au AFTER UPDATE OF company_id ON cases
WHEN old.company_id IS NOT new.company_id BEGIN
    UPDATE company_channels SET
        contacts = contacts - (SELECT count(*) FROM interactions WHERE case_id = new.id
            AND outcome IS NOT NULL AND channel = company_channels.channel),
        progress = progress - (SELECT count(*) FROM interactions i WHERE i.case_id = new.id
            AND i.channel = company_channels.channel
            AND i.progress AND (i.outcome IS NOT 'promised'
                OR EXISTS (SELECT 1 FROM promises p WHERE p.interaction_id = i.id)))
    WHERE company_id = old.company_id;
    INSERT INTO company_channels (company_id, channel, progress, contacts)
    SELECT new.company_id, i.channel, sum(i.progress AND (i.outcome IS NOT 'promised'
        OR EXISTS (SELECT 1 FROM promises p WHERE p.interaction_id = i.id))), count(*)
    FROM interactions i WHERE i.case_id = new.id AND i.outcome IS NOT NULL GROUP BY i.channel
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + excluded.contacts;
END;
DROP TRIGGER case_digest_refresh_ii;
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
              CASE WHEN outcome IS NOT NULL THEN coalesce(sum(progress) OVER later, 0)
                  END AS ahead
          FROM (SELECT case_id, id, channel, direction, started_at, hold_seconds, milestone,
                    CASE WHEN bare THEN 'no_progress' ELSE outcome END AS outcome,
                    progress AND NOT bare AS progress
                FROM (SELECT *, outcome = 'promised' AND NOT EXISTS (SELECT 1 FROM promises p
                          WHERE p.interaction_id = i.id) AS bare
                      FROM interactions i WHERE i.case_id = new.case_id))
          WINDOW later AS (PARTITION BY case_id ORDER BY started_at, id
                           ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING))
    GROUP BY case_id;
END;
CREATE VIEW case_summary AS
SELECT c.id, c.uid, co.name AS company, c.title, c.status, c.category, c.want, c.amount,
    c.currency, c.seller, c.opened_at, c.closed_at, c.last_activity_at, c.contacts,
    (SELECT count(*) FROM promises p WHERE p.case_id = c.id AND p.status = 'pending'
        AND p.party = 'company') AS pending_promises,
    (SELECT count(*) FROM promises p WHERE p.case_id = c.id AND p.status = 'pending'
        AND p.party = 'me') AS pending_asks,
    (SELECT i.outcome FROM interactions i WHERE i.case_id = c.id AND i.outcome IS NOT NULL
        ORDER BY i.started_at DESC, i.id DESC LIMIT 1) AS last_outcome,
    (SELECT i.channel FROM interactions i WHERE i.case_id = c.id AND i.outcome IS NOT NULL
        ORDER BY i.started_at DESC, i.id DESC LIMIT 1) AS last_channel,
    (SELECT group_concat(r.kind || ':' || r.value, ' ') FROM case_refs r
        WHERE r.case_id = c.id) AS refs
FROM cases c JOIN companies co ON co.id = c.company_id;
CREATE VIEW contact_timeline AS
SELECT i.id, i.uid, i.case_id, c.title AS case_title, co.name AS company, i.started_at,
    i.ended_at, i.channel, i.direction, i.outcome, i.progress, i.milestone, i.agent,
    i.agent_id, i.hold_seconds, i.reference, i.notes
FROM interactions i JOIN cases c ON c.id = i.case_id JOIN companies co ON co.id = c.company_id
ORDER BY i.started_at, i.id;
"""

# The tables whose CHECKs named vocabulary words (created by several earlier steps, so each
# CHECK is found by its shape, not by its text).
VOCABULARY_TABLES = ("company_routes", "company_policies", "cases", "case_refs",
                     "interactions", "promises", "status_events")
# A vocabulary CHECK: `col IN ('a', ...)` or `col IS NULL OR col IN ('a', ...)`.
_VOCABULARY_CHECK = re.compile(r"^\(\s*(\w+\s+IS\s+NULL\s+OR\s+)?\w+\s+IN\s*\(\s*'[^()]*\)\s*\)$",
                               re.IGNORECASE)


def without_vocabulary_checks(sql: str) -> str:
    """The CREATE TABLE text with each vocabulary CHECK (and the space before it) cut out."""
    out, at = [], 0
    for m in re.finditer(r"\s+CHECK\s*\(", sql, re.IGNORECASE):
        if m.start() < at:
            continue
        depth, end = 0, m.end() - 1
        for end in range(m.end() - 1, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                break
        clause = sql[m.end() - 1:end + 1]
        if _VOCABULARY_CHECK.match(" ".join(clause.split())):
            out.append(sql[at:m.start()])
            at = end + 1
    return "".join(out) + sql[at:]


def drop_vocabulary_checks(conn, now: str) -> None:
    """Schema 8's Python half: the vocabulary CHECKs cut out of the stored table definitions,
    in the upgrade's transaction (SQLite's documented procedure: writable_schema, then a new
    schema_version so every connection reads the definitions again)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN "
                        f"({', '.join('?' * len(VOCABULARY_TABLES))})", VOCABULARY_TABLES)
    changed = {name: without_vocabulary_checks(sql) for name, sql in rows}
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        for name, sql in changed.items():
            conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                         (sql, name))
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
