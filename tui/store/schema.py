"""The schema: schema.sql (shipped inside the package) and the upgrade steps from older versions."""

from __future__ import annotations

from .schema_file import APPLICATION_ID, schema_sql, schema_version  # noqa: F401 (re-exported)
from .schema_v4 import TO_V4
from .schema_v5 import TO_V5
from .schema_v6 import TO_V6
from .schema_v7 import TO_V7
from .schema_v8 import TO_V8, drop_vocabulary_checks
from .schema_v9 import TO_V9
from .schema_v11 import TO_V11


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
    # 3: status_events, the statuses set by hand, as events on the case's timeline, and
    # cases.opened_given, the opened date as given (status and dates are derived from them
    # and the contacts in time order: timeline.py, run by FINISH[2] below); a
    # promised contact with no promise no longer counts as progress (company_channels, the
    # digests), so the counts are made again.
    2: """
CREATE TABLE status_events (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    case_id    INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('open', 'waiting', 'resolved', 'abandoned')),
    at         TEXT NOT NULL,
    note       TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX status_events_case ON status_events(case_id, at, created_at, id);
ALTER TABLE cases ADD COLUMN opened_given TEXT;
UPDATE cases SET opened_given = opened_at;
DROP VIEW contact_digests;
CREATE VIEW contact_digests AS
SELECT c.id AS case_id, (
    SELECT CASE WHEN count(*) THEN count(*) || '|' || sum(hold_seconds) || '|'
        || max(hold_seconds) || '|' || sum(hold_seconds > 0) || '|' || min(started_at) || '|'
        || max(started_at) || '|' || group_concat(id, ',') || '|' || group_concat(channel, ' ')
        || '|' || group_concat(outcome, ' ') END
    FROM (SELECT id, channel, hold_seconds, started_at,
              CASE WHEN outcome = 'promised' AND NOT EXISTS (SELECT 1 FROM promises p
                  WHERE p.interaction_id = i.id) THEN 'no_progress' ELSE outcome END AS outcome
          FROM interactions i
          WHERE i.case_id = c.id AND i.outcome IS NOT NULL ORDER BY i.started_at, i.id)
) AS digest
FROM cases c;
UPDATE cases SET digest = (SELECT digest FROM contact_digests WHERE case_id = cases.id);
DROP TRIGGER interactions_channels_ai;
DROP TRIGGER interactions_channels_au;
DROP TRIGGER interactions_channels_ad;
DROP TRIGGER cases_channels_au;
CREATE TRIGGER interactions_channels_ai AFTER INSERT ON interactions
WHEN new.outcome IS NOT NULL BEGIN
    INSERT INTO company_channels (company_id, channel, progress, contacts)
    SELECT company_id, new.channel, new.outcome IN ('resolved', 'escalated', 'info')
        OR (new.outcome = 'promised' AND EXISTS (SELECT 1 FROM promises
            WHERE interaction_id = new.id)), 1
    FROM cases WHERE id = new.case_id
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + 1;
END;
CREATE TRIGGER interactions_channels_au AFTER UPDATE OF case_id, channel, outcome ON interactions
BEGIN
    UPDATE company_channels SET contacts = contacts - 1,
        progress = progress - (old.outcome IN ('resolved', 'escalated', 'info')
            OR (old.outcome = 'promised' AND EXISTS (SELECT 1 FROM promises
                WHERE interaction_id = old.id)))
    WHERE old.outcome IS NOT NULL AND channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
    INSERT INTO company_channels (company_id, channel, progress, contacts)
    SELECT company_id, new.channel, new.outcome IN ('resolved', 'escalated', 'info')
        OR (new.outcome = 'promised' AND EXISTS (SELECT 1 FROM promises
            WHERE interaction_id = new.id)), 1
    FROM cases WHERE id = new.case_id AND new.outcome IS NOT NULL
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + 1;
END;
CREATE TRIGGER interactions_channels_bd BEFORE DELETE ON interactions
WHEN old.outcome IS NOT NULL BEGIN
    UPDATE company_channels SET contacts = contacts - 1,
        progress = progress - (old.outcome IN ('resolved', 'escalated', 'info')
            OR (old.outcome = 'promised' AND EXISTS (SELECT 1 FROM promises
                WHERE interaction_id = old.id)))
    WHERE channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
END;
CREATE TRIGGER promises_progress_ai AFTER INSERT ON promises
WHEN new.interaction_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM promises
    WHERE interaction_id = new.interaction_id AND id != new.id) BEGIN
    UPDATE company_channels SET progress = progress + 1
    WHERE (company_id, channel) = (SELECT c.company_id, i.channel FROM interactions i
        JOIN cases c ON c.id = i.case_id WHERE i.id = new.interaction_id
        AND i.outcome = 'promised');
    UPDATE cases SET digest = (SELECT digest FROM contact_digests WHERE case_id = cases.id)
    WHERE id = (SELECT case_id FROM interactions WHERE id = new.interaction_id
        AND outcome = 'promised');
END;
CREATE TRIGGER promises_progress_ad AFTER DELETE ON promises
WHEN old.interaction_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM promises
    WHERE interaction_id = old.interaction_id) BEGIN
    UPDATE company_channels SET progress = progress - 1
    WHERE (company_id, channel) = (SELECT c.company_id, i.channel FROM interactions i
        JOIN cases c ON c.id = i.case_id WHERE i.id = old.interaction_id
        AND i.outcome = 'promised');
    UPDATE cases SET digest = (SELECT digest FROM contact_digests WHERE case_id = cases.id)
    WHERE id = (SELECT case_id FROM interactions WHERE id = old.interaction_id
        AND outcome = 'promised');
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
    UPDATE cases SET digest = (SELECT digest FROM contact_digests WHERE case_id = cases.id)
    WHERE id IN (SELECT case_id FROM interactions WHERE id IN (old.interaction_id,
        new.interaction_id) AND outcome = 'promised');
END;
CREATE TRIGGER cases_channels_au AFTER UPDATE OF company_id ON cases
WHEN old.company_id IS NOT new.company_id BEGIN
    UPDATE company_channels SET
        contacts = contacts - (SELECT count(*) FROM interactions WHERE case_id = new.id
            AND outcome IS NOT NULL AND channel = company_channels.channel),
        progress = progress - (SELECT count(*) FROM interactions i WHERE i.case_id = new.id
            AND i.channel = company_channels.channel
            AND (i.outcome IN ('resolved', 'escalated', 'info') OR (i.outcome = 'promised'
                AND EXISTS (SELECT 1 FROM promises p WHERE p.interaction_id = i.id))))
    WHERE company_id = old.company_id;
    INSERT INTO company_channels (company_id, channel, progress, contacts)
    SELECT new.company_id, i.channel, sum(i.outcome IN ('resolved', 'escalated', 'info')
        OR (i.outcome = 'promised' AND EXISTS (SELECT 1 FROM promises p
            WHERE p.interaction_id = i.id))), count(*)
    FROM interactions i WHERE i.case_id = new.id AND i.outcome IS NOT NULL GROUP BY i.channel
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + excluded.contacts;
END;
DELETE FROM company_channels;
INSERT INTO company_channels (company_id, channel, progress, contacts)
SELECT c.company_id, i.channel, sum(i.outcome IN ('resolved', 'escalated', 'info')
    OR (i.outcome = 'promised' AND EXISTS (SELECT 1 FROM promises p
        WHERE p.interaction_id = i.id))), count(*)
FROM interactions i JOIN cases c ON c.id = i.case_id WHERE i.outcome IS NOT NULL
GROUP BY c.company_id, i.channel;
""",
    # 4: commitments have a party (company: a promise; me: what the company asked you for)
    # and a settled time; contacts a milestone (formal complaint, final response); the
    # pipe-packed cases.digest becomes case_digests, real columns kept by triggers through
    # case_digest_refresh; case_advice keeps each active case's assessment, deleted by
    # triggers when the case changes, and companies.advice_rev marks company changes.
    # Promises settled before have their last change as the settled time.
    3: TO_V4,
    # 5: the company directory: company_routes (the old phone, chat_url, email and hours
    # columns move there and go) and company_policies; cases.statement_on and cancelled_on.
    4: TO_V5,
    # 6: messages, the headers of imported mail beside the contact each became.
    5: TO_V6,
    # 7: attachments, the evidence files kept with a case (their bytes in the evidence
    # folder beside the notebook, by SHA-256), companies.account, and the stats figures
    # (company_figures, channel_figures) kept by triggers and filled from the data.
    6: TO_V7,
    # 8: the vocabulary CHECKs go (vocab.py is the one list: FINISH[7]), interactions.progress
    # is a generated column the progress triggers read, and case_summary and contact_timeline
    # are views for other tools.
    7: TO_V8,
    # 9: cases_fts and interactions_fts, the search tables sqlite-utils and Datasette find,
    # and a contact moved to another case counts there.
    8: TO_V9,
    # 10: each company's open or waiting cases by index, which the company list counts.
    9: """
CREATE INDEX cases_active_company ON cases(company_id) WHERE status IN ('open', 'waiting');
""",
    # 11: totals over the stats figures (company_figures' contacts, progress and holds, each
    # company's open or waiting cases, channel_totals), kept by triggers, filled from them.
    10: TO_V11,
}


def _timeline_from_history(conn, now: str) -> None:
    """Schema 3's Python half: every status as it was, kept as set by hand where the contacts
    alone would give another (at its closing time, else its last change, and no earlier than
    the timeline's last event), then status and dates derived from the timeline."""
    from . import timeline
    wanted = _as_they_were(conn)
    timeline.hold_statuses(conn, wanted, now, after_timeline=True, sql=timeline.FACTS_SQL_V3)
    timeline.rederive(conn, sql=timeline.FACTS_SQL_V3)
    from .remask import remask
    remask(conn)  # older versions let many card forms through


def _statuses_kept(conn, now: str) -> None:
    """Schema 4's Python half: the timeline rule now leaves a forum's `resolved` out (schema
    3 had no asks), so the cases with one keep their status as it was (held by hand where
    the new rule would give another)."""
    from . import timeline
    wanted = _as_they_were(conn, "WHERE id IN (SELECT case_id FROM interactions "
                                 "WHERE channel = 'forum' AND outcome = 'resolved')")
    timeline.hold_statuses(conn, wanted, now, after_timeline=True, sql=timeline.FACTS_SQL_V4)
    timeline.rederive(conn, wanted, sql=timeline.FACTS_SQL_V4)


def _as_they_were(conn, where: str = "") -> dict[int, tuple[str, str]]:
    """case id -> (its status, the best time for it: its closing, else its last change)."""
    from .timeline import CLOSED
    return {case_id: (status, closed if status in CLOSED and closed else updated)
            for case_id, status, closed, updated in conn.execute(
                f"SELECT id, status, closed_at, updated_at FROM cases {where}")}


# FINISH[n] runs after UPGRADES[n]'s statements, in the same transaction, with the connection
# and the upgrade's time: the part of a step that SQL alone cannot do. It applies today's
# timeline rule, which reads only what schema 3 has; a later step that gives the rule more
# to read must keep that so (or re-derive in its own step).
FINISH = {2: _timeline_from_history, 3: _statuses_kept, 7: drop_vocabulary_checks}
