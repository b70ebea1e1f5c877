"""The upgrade step to schema 7 (UPGRADES[6]), frozen as written: evidence files and the
account number a company holds for you.

An attachment is a file kept with a case (and maybe one of its contacts): its bytes live
once, by SHA-256, in the evidence folder beside the notebook; the row keeps its name, size,
type, note and where it came from.
"""

TO_V7 = """
ALTER TABLE companies ADD COLUMN account TEXT;
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    case_id        INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    size           INTEGER NOT NULL CHECK (size >= 0),
    type           TEXT NOT NULL,
    note           TEXT,
    origin         TEXT NOT NULL DEFAULT 'attached',
    added_at       TEXT NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id);
CREATE INDEX attachments_sha256 ON attachments(sha256);
CREATE INDEX attachments_interaction ON attachments(interaction_id);
-- What `supportlog stats` and the stats screen show, kept by the triggers below so that
-- they read a few rows instead of every contact. Per company (of the contact's case) and
-- channel: every contact, a live one too, its hold, the cases with one, and the company's
-- promises recorded with one, by status. Progress is company_channels' (kept apart: an
-- update there makes the company's kept assessments stale).
CREATE TABLE channel_figures (
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    channel    TEXT NOT NULL,
    contacts   INTEGER NOT NULL DEFAULT 0,
    cases      INTEGER NOT NULL DEFAULT 0,
    hold_total INTEGER NOT NULL DEFAULT 0,
    hold_max   INTEGER NOT NULL DEFAULT 0,
    kept       INTEGER NOT NULL DEFAULT 0,
    broken     INTEGER NOT NULL DEFAULT 0,
    pending    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, channel)
) WITHOUT ROWID;
-- Per company: its cases, the resolved ones, those of them with both dates (timed) and the
-- sum of their days to resolution in milliseconds (an integer, so the sum is the same
-- whatever order the writes came in), the sum of their contacts, and its promises by status.
CREATE TABLE company_figures (
    company_id        INTEGER PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
    cases             INTEGER NOT NULL DEFAULT 0,
    resolved          INTEGER NOT NULL DEFAULT 0,
    timed             INTEGER NOT NULL DEFAULT 0,
    resolution_ms     INTEGER NOT NULL DEFAULT 0,
    resolved_contacts INTEGER NOT NULL DEFAULT 0,
    kept              INTEGER NOT NULL DEFAULT 0,
    broken            INTEGER NOT NULL DEFAULT 0,
    pending           INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER cases_figures_ai AFTER INSERT ON cases BEGIN
    INSERT INTO company_figures (company_id, cases, resolved, timed, resolution_ms,
        resolved_contacts)
    VALUES (new.company_id, 1, new.status = 'resolved', new.status = 'resolved'
            AND julianday(new.closed_at) - julianday(new.opened_at) IS NOT NULL,
        CASE WHEN new.status = 'resolved' THEN coalesce(CAST(round((julianday(new.closed_at)
            - julianday(new.opened_at)) * 86400000) AS INTEGER), 0) ELSE 0 END,
        CASE WHEN new.status = 'resolved' THEN new.contacts ELSE 0 END)
    ON CONFLICT (company_id) DO UPDATE SET cases = cases + 1,
        resolved = resolved + excluded.resolved, timed = timed + excluded.timed,
        resolution_ms = resolution_ms + excluded.resolution_ms,
        resolved_contacts = resolved_contacts + excluded.resolved_contacts;
END;
CREATE TRIGGER cases_figures_au AFTER UPDATE OF company_id, status, opened_at, closed_at,
    contacts ON cases
WHEN old.company_id IS NOT new.company_id OR ((old.status = 'resolved'
    OR new.status = 'resolved') AND (old.status IS NOT new.status
    OR old.opened_at IS NOT new.opened_at OR old.closed_at IS NOT new.closed_at
    OR old.contacts IS NOT new.contacts)) BEGIN
    UPDATE company_figures SET cases = cases - 1,
        resolved = resolved - (old.status = 'resolved'),
        timed = timed - (old.status = 'resolved'
            AND julianday(old.closed_at) - julianday(old.opened_at) IS NOT NULL),
        resolution_ms = resolution_ms - CASE WHEN old.status = 'resolved' THEN
            coalesce(CAST(round((julianday(old.closed_at) - julianday(old.opened_at))
                * 86400000) AS INTEGER), 0) ELSE 0 END,
        resolved_contacts = resolved_contacts
            - CASE WHEN old.status = 'resolved' THEN old.contacts ELSE 0 END
    WHERE company_id = old.company_id;
    INSERT INTO company_figures (company_id, cases, resolved, timed, resolution_ms,
        resolved_contacts)
    VALUES (new.company_id, 1, new.status = 'resolved', new.status = 'resolved'
            AND julianday(new.closed_at) - julianday(new.opened_at) IS NOT NULL,
        CASE WHEN new.status = 'resolved' THEN coalesce(CAST(round((julianday(new.closed_at)
            - julianday(new.opened_at)) * 86400000) AS INTEGER), 0) ELSE 0 END,
        CASE WHEN new.status = 'resolved' THEN new.contacts ELSE 0 END)
    ON CONFLICT (company_id) DO UPDATE SET cases = cases + 1,
        resolved = resolved + excluded.resolved, timed = timed + excluded.timed,
        resolution_ms = resolution_ms + excluded.resolution_ms,
        resolved_contacts = resolved_contacts + excluded.resolved_contacts;
END;
-- A case moved to another company takes its promises and its contacts' figures along.
CREATE TRIGGER cases_figures_moved AFTER UPDATE OF company_id ON cases
WHEN old.company_id IS NOT new.company_id BEGIN
    UPDATE company_figures SET
        kept = kept - (SELECT count(*) FROM promises WHERE case_id = new.id
            AND party = 'company' AND status = 'kept'),
        broken = broken - (SELECT count(*) FROM promises WHERE case_id = new.id
            AND party = 'company' AND status = 'broken'),
        pending = pending - (SELECT count(*) FROM promises WHERE case_id = new.id
            AND party = 'company' AND status = 'pending')
    WHERE company_id = old.company_id;
    INSERT INTO company_figures (company_id, kept, broken, pending)
    SELECT new.company_id, count(CASE WHEN status = 'kept' THEN 1 END),
        count(CASE WHEN status = 'broken' THEN 1 END),
        count(CASE WHEN status = 'pending' THEN 1 END)
    FROM promises WHERE case_id = new.id AND party = 'company'
    ON CONFLICT (company_id) DO UPDATE SET kept = kept + excluded.kept,
        broken = broken + excluded.broken, pending = pending + excluded.pending;
    UPDATE channel_figures SET
        contacts = contacts - (SELECT count(*) FROM interactions WHERE case_id = new.id
            AND channel = channel_figures.channel),
        cases = cases - 1,
        hold_total = hold_total - (SELECT coalesce(sum(hold_seconds), 0) FROM interactions
            WHERE case_id = new.id AND channel = channel_figures.channel),
        hold_max = coalesce((SELECT max(i.hold_seconds) FROM cases c
            CROSS JOIN interactions i ON i.case_id = c.id
            WHERE c.company_id = old.company_id
            AND i.channel = channel_figures.channel), 0),
        kept = kept - (SELECT count(*) FROM promises p JOIN interactions i
            ON i.id = p.interaction_id WHERE i.case_id = new.id
            AND i.channel = channel_figures.channel AND p.party = 'company'
            AND p.status = 'kept'),
        broken = broken - (SELECT count(*) FROM promises p JOIN interactions i
            ON i.id = p.interaction_id WHERE i.case_id = new.id
            AND i.channel = channel_figures.channel AND p.party = 'company'
            AND p.status = 'broken'),
        pending = pending - (SELECT count(*) FROM promises p JOIN interactions i
            ON i.id = p.interaction_id WHERE i.case_id = new.id
            AND i.channel = channel_figures.channel AND p.party = 'company'
            AND p.status = 'pending')
    WHERE company_id = old.company_id
        AND channel IN (SELECT channel FROM interactions WHERE case_id = new.id);
    INSERT INTO channel_figures (company_id, channel, contacts, cases, hold_total, hold_max,
        kept, broken, pending)
    SELECT new.company_id, i.channel, count(*), 1, sum(i.hold_seconds), max(i.hold_seconds),
        (SELECT count(*) FROM promises p JOIN interactions j ON j.id = p.interaction_id
            WHERE j.case_id = new.id AND j.channel = i.channel AND p.party = 'company'
            AND p.status = 'kept'),
        (SELECT count(*) FROM promises p JOIN interactions j ON j.id = p.interaction_id
            WHERE j.case_id = new.id AND j.channel = i.channel AND p.party = 'company'
            AND p.status = 'broken'),
        (SELECT count(*) FROM promises p JOIN interactions j ON j.id = p.interaction_id
            WHERE j.case_id = new.id AND j.channel = i.channel AND p.party = 'company'
            AND p.status = 'pending')
    FROM interactions i WHERE i.case_id = new.id GROUP BY i.channel
    ON CONFLICT (company_id, channel) DO UPDATE SET
        contacts = contacts + excluded.contacts, cases = cases + 1,
        hold_total = hold_total + excluded.hold_total,
        hold_max = max(hold_max, excluded.hold_max), kept = kept + excluded.kept,
        broken = broken + excluded.broken, pending = pending + excluded.pending;
END;
-- A deleted case's promises come off before the delete: the cascade that deletes them runs
-- when the case row is gone, so their own triggers cannot find its company.
CREATE TRIGGER cases_figures_bd BEFORE DELETE ON cases BEGIN
    UPDATE company_figures SET
        kept = kept - (SELECT count(*) FROM promises WHERE case_id = old.id
            AND party = 'company' AND status = 'kept'),
        broken = broken - (SELECT count(*) FROM promises WHERE case_id = old.id
            AND party = 'company' AND status = 'broken'),
        pending = pending - (SELECT count(*) FROM promises WHERE case_id = old.id
            AND party = 'company' AND status = 'pending')
    WHERE company_id = old.company_id;
END;
-- The case's contacts are gone by now (cases_channels_bd), and each took its share of
-- resolved_contacts along (cases_figures_au): old.contacts is the count from before that.
CREATE TRIGGER cases_figures_ad AFTER DELETE ON cases BEGIN
    UPDATE company_figures SET cases = cases - 1,
        resolved = resolved - (old.status = 'resolved'),
        timed = timed - (old.status = 'resolved'
            AND julianday(old.closed_at) - julianday(old.opened_at) IS NOT NULL),
        resolution_ms = resolution_ms - CASE WHEN old.status = 'resolved' THEN
            coalesce(CAST(round((julianday(old.closed_at) - julianday(old.opened_at))
                * 86400000) AS INTEGER), 0) ELSE 0 END
    WHERE company_id = old.company_id;
END;

CREATE TRIGGER interactions_figures_ai AFTER INSERT ON interactions BEGIN
    INSERT INTO channel_figures (company_id, channel, contacts, cases, hold_total, hold_max)
    SELECT company_id, new.channel, 1, NOT EXISTS (SELECT 1 FROM interactions
            WHERE case_id = new.case_id AND channel = new.channel AND id != new.id),
        new.hold_seconds, new.hold_seconds
    FROM cases WHERE id = new.case_id
    ON CONFLICT (company_id, channel) DO UPDATE SET contacts = contacts + 1,
        cases = cases + excluded.cases, hold_total = hold_total + excluded.hold_total,
        hold_max = max(hold_max, excluded.hold_max);
END;
-- The hold changed in place: the largest is found again only when the largest went down.
-- Found again through the company's cases (CROSS JOIN keeps that order: through the
-- channel it would read every company's contacts on it).
CREATE TRIGGER interactions_figures_hold AFTER UPDATE OF hold_seconds ON interactions
WHEN old.hold_seconds IS NOT new.hold_seconds AND old.case_id IS new.case_id
    AND old.channel IS new.channel BEGIN
    UPDATE channel_figures SET
        hold_total = hold_total - old.hold_seconds + new.hold_seconds,
        hold_max = CASE WHEN new.hold_seconds >= hold_max THEN new.hold_seconds
            WHEN old.hold_seconds < hold_max THEN hold_max
            ELSE coalesce((SELECT max(i.hold_seconds) FROM cases c
                CROSS JOIN interactions i ON i.case_id = c.id
                WHERE c.company_id = channel_figures.company_id
                AND i.channel = new.channel), 0) END
    WHERE channel = new.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = new.case_id);
END;
-- A contact moved to another case or channel: off the old row, with its promises, onto the new.
CREATE TRIGGER interactions_figures_moved AFTER UPDATE OF case_id, channel ON interactions
WHEN old.case_id IS NOT new.case_id OR old.channel IS NOT new.channel BEGIN
    UPDATE channel_figures SET contacts = contacts - 1,
        cases = cases - NOT EXISTS (SELECT 1 FROM interactions WHERE case_id = old.case_id
            AND channel = old.channel),
        hold_total = hold_total - old.hold_seconds,
        hold_max = CASE WHEN old.hold_seconds < hold_max OR old.hold_seconds = 0 THEN hold_max
            ELSE coalesce((SELECT max(i.hold_seconds) FROM cases c
                CROSS JOIN interactions i ON i.case_id = c.id
                WHERE c.company_id = channel_figures.company_id
                AND i.channel = old.channel), 0) END,
        kept = kept - (SELECT count(*) FROM promises WHERE interaction_id = old.id
            AND party = 'company' AND status = 'kept'),
        broken = broken - (SELECT count(*) FROM promises WHERE interaction_id = old.id
            AND party = 'company' AND status = 'broken'),
        pending = pending - (SELECT count(*) FROM promises WHERE interaction_id = old.id
            AND party = 'company' AND status = 'pending')
    WHERE channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
    INSERT INTO channel_figures (company_id, channel, contacts, cases, hold_total, hold_max,
        kept, broken, pending)
    SELECT company_id, new.channel, 1, NOT EXISTS (SELECT 1 FROM interactions
            WHERE case_id = new.case_id AND channel = new.channel AND id != new.id),
        new.hold_seconds, new.hold_seconds,
        (SELECT count(*) FROM promises WHERE interaction_id = new.id
            AND party = 'company' AND status = 'kept'),
        (SELECT count(*) FROM promises WHERE interaction_id = new.id
            AND party = 'company' AND status = 'broken'),
        (SELECT count(*) FROM promises WHERE interaction_id = new.id
            AND party = 'company' AND status = 'pending')
    FROM cases WHERE id = new.case_id
    ON CONFLICT (company_id, channel) DO UPDATE SET contacts = contacts + 1,
        cases = cases + excluded.cases, hold_total = hold_total + excluded.hold_total,
        hold_max = max(hold_max, excluded.hold_max), kept = kept + excluded.kept,
        broken = broken + excluded.broken, pending = pending + excluded.pending;
END;
-- Its promises come off before the delete: ON DELETE SET NULL unlinks them when the
-- contact's row is gone, so their own triggers cannot find its channel.
CREATE TRIGGER interactions_figures_bd BEFORE DELETE ON interactions
WHEN EXISTS (SELECT 1 FROM promises WHERE interaction_id = old.id AND party = 'company')
BEGIN
    UPDATE channel_figures SET
        kept = kept - (SELECT count(*) FROM promises WHERE interaction_id = old.id
            AND party = 'company' AND status = 'kept'),
        broken = broken - (SELECT count(*) FROM promises WHERE interaction_id = old.id
            AND party = 'company' AND status = 'broken'),
        pending = pending - (SELECT count(*) FROM promises WHERE interaction_id = old.id
            AND party = 'company' AND status = 'pending')
    WHERE channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
END;
CREATE TRIGGER interactions_figures_ad AFTER DELETE ON interactions BEGIN
    UPDATE channel_figures SET contacts = contacts - 1,
        cases = cases - NOT EXISTS (SELECT 1 FROM interactions WHERE case_id = old.case_id
            AND channel = old.channel),
        hold_total = hold_total - old.hold_seconds,
        hold_max = CASE WHEN old.hold_seconds < hold_max OR old.hold_seconds = 0 THEN hold_max
            ELSE coalesce((SELECT max(i.hold_seconds) FROM cases c
                CROSS JOIN interactions i ON i.case_id = c.id
                WHERE c.company_id = channel_figures.company_id
                AND i.channel = old.channel), 0) END
    WHERE channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
END;

-- The company's promises (party company), by status, on its row and on the row of the
-- contact they were recorded with.
CREATE TRIGGER promises_figures_ai AFTER INSERT ON promises
WHEN new.party = 'company' BEGIN
    UPDATE company_figures SET kept = kept + (new.status = 'kept'),
        broken = broken + (new.status = 'broken'), pending = pending + (new.status = 'pending')
    WHERE company_id = (SELECT company_id FROM cases WHERE id = new.case_id);
    UPDATE channel_figures SET kept = kept + (new.status = 'kept'),
        broken = broken + (new.status = 'broken'), pending = pending + (new.status = 'pending')
    WHERE (company_id, channel) = (SELECT c.company_id, i.channel FROM interactions i
        JOIN cases c ON c.id = i.case_id WHERE i.id = new.interaction_id);
END;
CREATE TRIGGER promises_figures_au AFTER UPDATE OF case_id, interaction_id, status, party
    ON promises
WHEN (old.party = 'company' OR new.party = 'company') AND (old.case_id IS NOT new.case_id
    OR old.interaction_id IS NOT new.interaction_id OR old.status IS NOT new.status
    OR old.party IS NOT new.party) BEGIN
    UPDATE company_figures SET kept = kept - (old.status = 'kept'),
        broken = broken - (old.status = 'broken'), pending = pending - (old.status = 'pending')
    WHERE old.party = 'company'
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
    UPDATE company_figures SET kept = kept + (new.status = 'kept'),
        broken = broken + (new.status = 'broken'), pending = pending + (new.status = 'pending')
    WHERE new.party = 'company'
        AND company_id = (SELECT company_id FROM cases WHERE id = new.case_id);
    UPDATE channel_figures SET kept = kept - (old.status = 'kept'),
        broken = broken - (old.status = 'broken'), pending = pending - (old.status = 'pending')
    WHERE old.party = 'company' AND (company_id, channel) = (SELECT c.company_id, i.channel
        FROM interactions i JOIN cases c ON c.id = i.case_id WHERE i.id = old.interaction_id);
    UPDATE channel_figures SET kept = kept + (new.status = 'kept'),
        broken = broken + (new.status = 'broken'), pending = pending + (new.status = 'pending')
    WHERE new.party = 'company' AND (company_id, channel) = (SELECT c.company_id, i.channel
        FROM interactions i JOIN cases c ON c.id = i.case_id WHERE i.id = new.interaction_id);
END;
CREATE TRIGGER promises_figures_ad AFTER DELETE ON promises
WHEN old.party = 'company' BEGIN
    UPDATE company_figures SET kept = kept - (old.status = 'kept'),
        broken = broken - (old.status = 'broken'), pending = pending - (old.status = 'pending')
    WHERE company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
    UPDATE channel_figures SET kept = kept - (old.status = 'kept'),
        broken = broken - (old.status = 'broken'), pending = pending - (old.status = 'pending')
    WHERE (company_id, channel) = (SELECT c.company_id, i.channel FROM interactions i
        JOIN cases c ON c.id = i.case_id WHERE i.id = old.interaction_id);
END;
"""

# The figures from the data (from here on the triggers keep them); bulk loading runs it too,
# with the insert triggers lifted.
FILL_FIGURES = """
INSERT INTO company_figures (company_id, cases, resolved, timed, resolution_ms,
    resolved_contacts)
SELECT company_id, count(*), count(CASE WHEN status = 'resolved' THEN 1 END), count(ms),
    coalesce(sum(ms), 0), coalesce(sum(CASE WHEN status = 'resolved' THEN contacts END), 0)
FROM (SELECT company_id, status, contacts, CASE WHEN status = 'resolved' THEN
          CAST(round((julianday(closed_at) - julianday(opened_at)) * 86400000) AS INTEGER)
          END AS ms
      FROM cases)
GROUP BY company_id;
INSERT INTO company_figures (company_id, kept, broken, pending)
SELECT c.company_id, count(CASE WHEN p.status = 'kept' THEN 1 END),
    count(CASE WHEN p.status = 'broken' THEN 1 END),
    count(CASE WHEN p.status = 'pending' THEN 1 END)
FROM promises p JOIN cases c ON c.id = p.case_id WHERE p.party = 'company'
GROUP BY c.company_id
ON CONFLICT (company_id) DO UPDATE SET kept = excluded.kept, broken = excluded.broken,
    pending = excluded.pending;
INSERT INTO channel_figures (company_id, channel, contacts, cases, hold_total, hold_max)
SELECT c.company_id, i.channel, count(*), count(DISTINCT i.case_id), sum(i.hold_seconds),
    max(i.hold_seconds)
FROM interactions i JOIN cases c ON c.id = i.case_id
GROUP BY c.company_id, i.channel;
INSERT INTO channel_figures (company_id, channel, kept, broken, pending)
SELECT c.company_id, i.channel, count(CASE WHEN p.status = 'kept' THEN 1 END),
    count(CASE WHEN p.status = 'broken' THEN 1 END),
    count(CASE WHEN p.status = 'pending' THEN 1 END)
FROM promises p JOIN interactions i ON i.id = p.interaction_id JOIN cases c ON c.id = i.case_id
WHERE p.party = 'company'
GROUP BY c.company_id, i.channel
ON CONFLICT (company_id, channel) DO UPDATE SET kept = excluded.kept,
    broken = excluded.broken, pending = excluded.pending;
"""

TO_V7 += FILL_FIGURES
