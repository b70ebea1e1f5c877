-- supportlog schema, version 3: the one source of the schema.
-- Applied in one BEGIN IMMEDIATE transaction to a new notebook. Upgrades from older versions
-- live in tui/store/schema.py, one version step per transaction.
-- Times are ISO 8601 UTC text ("2026-11-25T14:03:00Z"); calendar dates are "YYYY-MM-DD".
-- Every row users create has a stable text uid so export/import merges by it.

PRAGMA application_id = 1399876711;  -- 0x53706C67, "Splg": marks the file as a supportlog notebook
PRAGMA user_version = 3;

CREATE TABLE companies (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    phone      TEXT,
    chat_url   TEXT,
    email      TEXT,
    hours      TEXT,
    notes      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    company_id      INTEGER NOT NULL REFERENCES companies(id),
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    category        TEXT NOT NULL DEFAULT 'other' CHECK (category IN ('missing_package',
                        'late_delivery', 'damaged', 'not_as_described', 'refund', 'price_change',
                        'subscription', 'billing', 'shipping', 'product_question', 'policy',
                        'technical', 'account', 'other')),
    want            TEXT NOT NULL DEFAULT 'other' CHECK (want IN ('refund', 'replacement',
                        'explanation', 'change', 'repair', 'credit', 'other')),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'waiting',
                        'resolved', 'abandoned')),
    seller          TEXT,            -- the third-party seller, when not bought from the shop itself
    opened_at       TEXT NOT NULL,
    -- status, opened_at and closed_at follow the timeline (tui/store/timeline.py): the contacts
    -- and status_events in time order, never the order they were typed in.
    closed_at       TEXT,            -- set when resolved or abandoned
    purchased_on    TEXT,
    delivered_on    TEXT,
    due_on          TEXT,            -- when the item or the answer was due
    amount          TEXT,            -- a decimal string, exact ("129.99")
    currency        TEXT,
    notes           TEXT,
    snoozed_until   TEXT,            -- stall findings are silenced until then
    -- Kept by the triggers below so lists sort and filter without touching interactions:
    -- the latest of opened_at and every contact's start, and the number of contacts.
    last_activity_at TEXT NOT NULL,
    contacts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    digest          TEXT,            -- kept by the digest triggers (see contact_digests)
    opened_given    TEXT             -- the opened date as given; opened_at is the earlier of it
                                     -- and the first contact
);
-- One index per list (filter x sort) so every page is a keyset range scan; the partial ones
-- serve the "active" (open + waiting) lists, the home screen's default.
CREATE INDEX cases_status_activity ON cases(status, last_activity_at, id);
CREATE INDEX cases_status_opened ON cases(status, opened_at, id);
CREATE INDEX cases_activity ON cases(last_activity_at, id);
CREATE INDEX cases_opened ON cases(opened_at, id);
CREATE INDEX cases_company ON cases(company_id, last_activity_at, id);
CREATE INDEX cases_company_opened ON cases(company_id, opened_at, id);
CREATE INDEX cases_active_activity ON cases(last_activity_at, id)
    WHERE status IN ('open', 'waiting');
CREATE INDEX cases_active_opened ON cases(opened_at, id) WHERE status IN ('open', 'waiting');
CREATE INDEX cases_active ON cases(id) WHERE status IN ('open', 'waiting');  -- advice's pages

CREATE TABLE case_refs (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('order', 'ticket', 'claim', 'return', 'chat', 'other')),
    value   TEXT NOT NULL CHECK (length(trim(value)) > 0),
    UNIQUE (case_id, kind, value)
);

CREATE TABLE interactions (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    case_id        INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    channel        TEXT NOT NULL CHECK (channel IN ('phone', 'chat', 'email', 'copilot', 'forum',
                       'seller', 'social', 'in_person', 'letter', 'other')),
    direction      TEXT NOT NULL DEFAULT 'out' CHECK (direction IN ('in', 'out')),
    agent          TEXT,
    agent_id       TEXT,
    started_at     TEXT NOT NULL,
    ended_at       TEXT CHECK (ended_at IS NULL OR ended_at >= started_at),
    hold_seconds   INTEGER NOT NULL DEFAULT 0 CHECK (hold_seconds >= 0),
    -- NULL while the contact is live (in progress in the app); set when it ends.
    outcome        TEXT CHECK (outcome IS NULL OR outcome IN ('resolved', 'promised', 'escalated',
                       'info', 'transferred', 'no_progress', 'disconnected', 'refused',
                       'restarted')),
    reference      TEXT,            -- the reference number they gave
    transcript_ref TEXT,            -- a file path, URL, Message-ID, ticket or chat ID
    notes          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
-- Covering indexes: timelines read (case_id, started_at) in order, and the per-case and
-- per-channel aggregates (advice, stats) never touch the wide rows with their notes.
CREATE INDEX interactions_case ON interactions(case_id, started_at, outcome, channel,
    hold_seconds);
CREATE INDEX interactions_channel ON interactions(channel, case_id, outcome, hold_seconds);
CREATE INDEX interactions_live ON interactions(case_id) WHERE outcome IS NULL;

-- Imported transcript text, kept apart so timelines never read it.
CREATE TABLE transcripts (
    interaction_id INTEGER PRIMARY KEY REFERENCES interactions(id) ON DELETE CASCADE,
    text           TEXT NOT NULL
);

CREATE TABLE promises (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    case_id        INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    text           TEXT NOT NULL CHECK (length(trim(text)) > 0),
    due_at         TEXT,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'kept', 'broken')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX promises_case ON promises(case_id, due_at);
CREATE INDEX promises_pending_due ON promises(due_at) WHERE status = 'pending';
CREATE INDEX promises_pending ON promises(case_id, due_at) WHERE status = 'pending';
CREATE INDEX promises_interaction ON promises(interaction_id);

-- A status set by hand (resolve, abandon, reopen) is an event on the case's timeline: it
-- stands until a later contact, and a back-dated contact older than it does not undo it.
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

-- Key/value state of the notebook itself (e.g. when the app last started).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

-- Full-text search. One row per case (rowid = -case id) and per interaction
-- (rowid = interaction id), so one bm25 ranking covers both.
CREATE VIRTUAL TABLE search_index USING fts5(
    case_id UNINDEXED,
    title,      -- case title, company, seller
    refs,       -- case references; the interaction's reference and transcript reference
    people,     -- agent name and agent id
    body,       -- case notes; interaction notes and transcript text
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER cases_ai AFTER INSERT ON cases BEGIN
    INSERT INTO search_index (rowid, case_id, title, refs, people, body) VALUES (-new.id, new.id,
        new.title || ' ' || (SELECT name FROM companies WHERE id = new.company_id)
            || ' ' || coalesce(new.seller, ''),
        (SELECT group_concat(value, ' ') FROM case_refs WHERE case_id = new.id),
        '', coalesce(new.notes, ''));
END;
CREATE TRIGGER cases_opened_au AFTER UPDATE OF opened_at ON cases BEGIN
    UPDATE cases SET last_activity_at = max(new.opened_at, coalesce((SELECT max(started_at)
        FROM interactions WHERE case_id = new.id), '')) WHERE id = new.id;
END;
CREATE TRIGGER cases_au AFTER UPDATE OF title, company_id, seller, notes ON cases BEGIN
    UPDATE search_index SET
        title = new.title || ' ' || (SELECT name FROM companies WHERE id = new.company_id)
            || ' ' || coalesce(new.seller, ''),
        body = coalesce(new.notes, '')
    WHERE rowid = -new.id;
END;
CREATE TRIGGER cases_ad AFTER DELETE ON cases BEGIN
    DELETE FROM search_index WHERE rowid = -old.id;
END;

CREATE TRIGGER case_refs_ai AFTER INSERT ON case_refs BEGIN
    UPDATE search_index SET refs = (SELECT group_concat(value, ' ') FROM case_refs
        WHERE case_id = new.case_id) WHERE rowid = -new.case_id;
END;
CREATE TRIGGER case_refs_ad AFTER DELETE ON case_refs BEGIN
    UPDATE search_index SET refs = coalesce((SELECT group_concat(value, ' ') FROM case_refs
        WHERE case_id = old.case_id), '') WHERE rowid = -old.case_id;
END;

CREATE TRIGGER companies_au AFTER UPDATE OF name ON companies BEGIN
    UPDATE search_index SET title = (SELECT c.title || ' ' || new.name || ' '
        || coalesce(c.seller, '') FROM cases c WHERE c.id = -search_index.rowid)
    WHERE rowid IN (SELECT -id FROM cases WHERE company_id = new.id);
END;

CREATE TRIGGER interactions_ai AFTER INSERT ON interactions BEGIN
    INSERT INTO search_index (rowid, case_id, title, refs, people, body) VALUES (new.id,
        new.case_id, '',
        coalesce(new.reference, '') || ' ' || coalesce(new.transcript_ref, ''),
        coalesce(new.agent, '') || ' ' || coalesce(new.agent_id, ''),
        coalesce(new.notes, ''));
    UPDATE cases SET contacts = contacts + 1,
        last_activity_at = max(last_activity_at, new.started_at)
    WHERE id = new.case_id;
END;
CREATE TRIGGER interactions_au AFTER UPDATE ON interactions BEGIN
    UPDATE search_index SET
        refs = coalesce(new.reference, '') || ' ' || coalesce(new.transcript_ref, ''),
        people = coalesce(new.agent, '') || ' ' || coalesce(new.agent_id, ''),
        body = coalesce(new.notes, '') || ' ' || coalesce((SELECT text FROM transcripts
            WHERE interaction_id = new.id), '')
    WHERE rowid = new.id;
    UPDATE cases SET last_activity_at = max(opened_at, coalesce((SELECT max(started_at)
        FROM interactions WHERE case_id = cases.id), ''))
    WHERE id = new.case_id AND old.started_at IS NOT new.started_at;
END;
CREATE TRIGGER interactions_ad AFTER DELETE ON interactions BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
    UPDATE cases SET contacts = contacts - 1,
        last_activity_at = max(opened_at, coalesce((SELECT max(started_at) FROM interactions
            WHERE case_id = old.case_id), ''))
    WHERE id = old.case_id;
END;

CREATE TRIGGER transcripts_ai AFTER INSERT ON transcripts BEGIN
    UPDATE search_index SET body = coalesce((SELECT notes FROM interactions
        WHERE id = new.interaction_id), '') || ' ' || new.text
    WHERE rowid = new.interaction_id;
END;
CREATE TRIGGER transcripts_au AFTER UPDATE ON transcripts BEGIN
    UPDATE search_index SET body = coalesce((SELECT notes FROM interactions
        WHERE id = new.interaction_id), '') || ' ' || new.text
    WHERE rowid = new.interaction_id;
END;
CREATE TRIGGER transcripts_ad AFTER DELETE ON transcripts BEGIN
    UPDATE search_index SET body = coalesce((SELECT notes FROM interactions
        WHERE id = old.interaction_id), '')
    WHERE rowid = old.interaction_id;
END;

-- What the stall rules read of a case's finished contacts, oldest first (ties by id), in one
-- string: "count|hold total|longest hold|contacts held|first start|last start|ids|channels|
-- outcomes" ("3|780|720|2|2026-11-20T10:00:00Z|...|4,9,12|phone chat phone|info
-- transferred refused"); NULL when there are none. cases.digest keeps it up to date, so
-- ranking every active case reads one row per case instead of every contact. A `promised`
-- contact with no promise recorded committed nobody to anything: it reads as no_progress.
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

-- How each channel has gone with each company: finished contacts over every case, and how
-- many made progress. Kept by the triggers below, so the advice can name the channel that
-- works best with a company without reading its history (50 ms for a big one at 1M).
-- Progress is resolved, escalated, info, and promised when a promise was recorded with it.
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
-- Before the delete: its promises are unlinked (ON DELETE SET NULL) before AFTER triggers run.
CREATE TRIGGER interactions_channels_bd BEFORE DELETE ON interactions
WHEN old.outcome IS NOT NULL BEGIN
    UPDATE company_channels SET contacts = contacts - 1,
        progress = progress - (old.outcome IN ('resolved', 'escalated', 'info')
            OR (old.outcome = 'promised' AND EXISTS (SELECT 1 FROM promises
                WHERE interaction_id = old.id)))
    WHERE channel = old.channel
        AND company_id = (SELECT company_id FROM cases WHERE id = old.case_id);
END;
-- A promised contact's first promise makes it progress; its last one unlinked undoes that.
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
