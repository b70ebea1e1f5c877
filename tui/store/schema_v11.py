"""Schema 11's step: the totals `supportlog stats`, the stats screen and the company list
read, kept by triggers on schema 7's figures so that each reads a row per company or
channel. Frozen as written, like every step (schema.sql repeats what it adds); FILL_TOTALS
also serves a bulk load, which fills them once instead of trigger by trigger."""

from __future__ import annotations

# The company's totals over its channel rows and its open or waiting cases, from the rows
# as they are; then each channel's totals over every company.
FILL_TOTALS = """
INSERT INTO company_figures (company_id)
SELECT company_id FROM channel_figures UNION SELECT company_id FROM company_channels
    UNION SELECT company_id FROM cases WHERE status IN ('open', 'waiting')
ON CONFLICT (company_id) DO NOTHING;
UPDATE company_figures SET
    active = (SELECT count(*) FROM cases WHERE company_id = company_figures.company_id
        AND status IN ('open', 'waiting')),
    (contacts, hold_total, hold_max) = (SELECT coalesce(sum(contacts), 0),
        coalesce(sum(hold_total), 0), coalesce(max(hold_max), 0) FROM channel_figures
        WHERE company_id = company_figures.company_id),
    progress = (SELECT coalesce(sum(progress), 0) FROM company_channels
        WHERE company_id = company_figures.company_id);
DELETE FROM channel_totals;
INSERT INTO channel_totals (channel, contacts, cases, hold_total, hold_max, kept, broken,
    pending)
SELECT channel, sum(contacts), sum(cases), sum(hold_total), max(hold_max), sum(kept),
    sum(broken), sum(pending)
FROM channel_figures GROUP BY channel;
INSERT INTO channel_totals (channel, progress)
SELECT channel, sum(progress) FROM company_channels GROUP BY channel
ON CONFLICT (channel) DO UPDATE SET progress = excluded.progress;
"""

TO_V11 = """
ALTER TABLE company_figures ADD COLUMN active INTEGER NOT NULL DEFAULT 0;
ALTER TABLE company_figures ADD COLUMN contacts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE company_figures ADD COLUMN progress INTEGER NOT NULL DEFAULT 0;
ALTER TABLE company_figures ADD COLUMN hold_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE company_figures ADD COLUMN hold_max INTEGER NOT NULL DEFAULT 0;
-- Totals over the rows above, kept by the triggers below so that the statistics of every
-- company and every channel read a row each: per company its contacts, their hold and
-- progress, and its open or waiting cases (the company list's count); per channel the sums
-- over every company. channel_figures and company_channels rows keep their key once made.
CREATE TABLE channel_totals (
    channel    TEXT PRIMARY KEY,
    contacts   INTEGER NOT NULL DEFAULT 0,
    progress   INTEGER NOT NULL DEFAULT 0,
    cases      INTEGER NOT NULL DEFAULT 0,
    hold_total INTEGER NOT NULL DEFAULT 0,
    hold_max   INTEGER NOT NULL DEFAULT 0,
    kept       INTEGER NOT NULL DEFAULT 0,
    broken     INTEGER NOT NULL DEFAULT 0,
    pending    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER channel_figures_totals_ai AFTER INSERT ON channel_figures BEGIN
    INSERT INTO company_figures (company_id, contacts, hold_total, hold_max)
    VALUES (new.company_id, new.contacts, new.hold_total, new.hold_max)
    ON CONFLICT (company_id) DO UPDATE SET contacts = contacts + excluded.contacts,
        hold_total = hold_total + excluded.hold_total,
        hold_max = max(hold_max, excluded.hold_max);
    INSERT INTO channel_totals (channel, contacts, cases, hold_total, hold_max, kept, broken,
        pending)
    VALUES (new.channel, new.contacts, new.cases, new.hold_total, new.hold_max, new.kept,
        new.broken, new.pending)
    ON CONFLICT (channel) DO UPDATE SET contacts = contacts + excluded.contacts,
        cases = cases + excluded.cases, hold_total = hold_total + excluded.hold_total,
        hold_max = max(hold_max, excluded.hold_max), kept = kept + excluded.kept,
        broken = broken + excluded.broken, pending = pending + excluded.pending;
END;
-- The largest hold is found again only when the row that held it went down.
CREATE TRIGGER channel_figures_totals_au AFTER UPDATE ON channel_figures BEGIN
    UPDATE company_figures SET contacts = contacts - old.contacts + new.contacts,
        hold_total = hold_total - old.hold_total + new.hold_total,
        hold_max = CASE WHEN new.hold_max >= hold_max THEN new.hold_max
            WHEN old.hold_max < hold_max THEN hold_max
            ELSE (SELECT max(hold_max) FROM channel_figures
                WHERE company_id = new.company_id) END
    WHERE company_id = new.company_id;
    UPDATE channel_totals SET contacts = contacts - old.contacts + new.contacts,
        cases = cases - old.cases + new.cases,
        hold_total = hold_total - old.hold_total + new.hold_total,
        hold_max = CASE WHEN new.hold_max >= hold_max THEN new.hold_max
            WHEN old.hold_max < hold_max THEN hold_max
            ELSE (SELECT max(hold_max) FROM channel_figures WHERE channel = new.channel) END,
        kept = kept - old.kept + new.kept, broken = broken - old.broken + new.broken,
        pending = pending - old.pending + new.pending
    WHERE channel = new.channel;
END;
CREATE TRIGGER channel_figures_totals_ad AFTER DELETE ON channel_figures BEGIN
    UPDATE company_figures SET contacts = contacts - old.contacts,
        hold_total = hold_total - old.hold_total,
        hold_max = coalesce((SELECT max(hold_max) FROM channel_figures
            WHERE company_id = old.company_id), 0)
    WHERE company_id = old.company_id;
    UPDATE channel_totals SET contacts = contacts - old.contacts, cases = cases - old.cases,
        hold_total = hold_total - old.hold_total,
        hold_max = coalesce((SELECT max(hold_max) FROM channel_figures
            WHERE channel = old.channel), 0),
        kept = kept - old.kept, broken = broken - old.broken, pending = pending - old.pending
    WHERE channel = old.channel;
END;
CREATE TRIGGER company_channels_totals_ai AFTER INSERT ON company_channels BEGIN
    INSERT INTO company_figures (company_id, progress) VALUES (new.company_id, new.progress)
    ON CONFLICT (company_id) DO UPDATE SET progress = progress + excluded.progress;
    INSERT INTO channel_totals (channel, progress) VALUES (new.channel, new.progress)
    ON CONFLICT (channel) DO UPDATE SET progress = progress + excluded.progress;
END;
CREATE TRIGGER company_channels_totals_au AFTER UPDATE OF progress ON company_channels
WHEN old.progress IS NOT new.progress BEGIN
    UPDATE company_figures SET progress = progress - old.progress + new.progress
    WHERE company_id = new.company_id;
    UPDATE channel_totals SET progress = progress - old.progress + new.progress
    WHERE channel = new.channel;
END;
CREATE TRIGGER company_channels_totals_ad AFTER DELETE ON company_channels BEGIN
    UPDATE company_figures SET progress = progress - old.progress
    WHERE company_id = old.company_id;
    UPDATE channel_totals SET progress = progress - old.progress WHERE channel = old.channel;
END;
CREATE TRIGGER cases_active_ai AFTER INSERT ON cases
WHEN new.status IN ('open', 'waiting') BEGIN
    INSERT INTO company_figures (company_id, active) VALUES (new.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET active = active + 1;
END;
CREATE TRIGGER cases_active_au AFTER UPDATE OF company_id, status ON cases
WHEN old.company_id IS NOT new.company_id
    OR (old.status IN ('open', 'waiting')) IS NOT (new.status IN ('open', 'waiting')) BEGIN
    UPDATE company_figures SET active = active - 1
    WHERE company_id = old.company_id AND old.status IN ('open', 'waiting');
    INSERT INTO company_figures (company_id, active)
    SELECT new.company_id, 1 WHERE new.status IN ('open', 'waiting')
    ON CONFLICT (company_id) DO UPDATE SET active = active + 1;
END;
CREATE TRIGGER cases_active_ad AFTER DELETE ON cases
WHEN old.status IN ('open', 'waiting') BEGIN
    UPDATE company_figures SET active = active - 1 WHERE company_id = old.company_id;
END;
""" + FILL_TOTALS
