-- supportlog schema, version 11: the one source of the schema.
-- Applied in one BEGIN IMMEDIATE transaction to a new notebook. Upgrades from older versions
-- live in tui/store/schema.py, one version step per transaction.
-- Times are ISO 8601 UTC text ("2026-11-25T14:03:00Z"); calendar dates are "YYYY-MM-DD".
-- Every row users create has a stable text uid so export/import merges by it.
-- The vocabulary (channels, outcomes, statuses, kinds...) lives in tui/store/vocab.py alone:
-- every write path checks it there, so a new word needs no table rebuild here.

PRAGMA application_id = 1399876711;  -- 0x53706C67, "Splg": marks the file as a supportlog notebook
PRAGMA user_version = 11;

CREATE TABLE companies (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    notes      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- Bumped by the triggers below whenever what the advice reads of the company changes
    -- (its name, routes and notes, its channel counts): kept assessments made from an older
    -- revision are stale (case_advice.company_rev).
    advice_rev INTEGER NOT NULL DEFAULT 0,
    account    TEXT                 -- your account or customer number with them
);

-- The company directory: each company's ways in (its support lines, then the escalation
-- contacts above them, by purpose) in the order shown, and its own policy windows, each a
-- number of days (or working days, weeks, months) from a named date of the case.
CREATE TABLE company_routes (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    purpose    TEXT NOT NULL DEFAULT 'support',
    label      TEXT,
    value      TEXT NOT NULL CHECK (length(trim(value)) > 0),
    hours      TEXT,
    note       TEXT,
    position   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX company_routes_company ON company_routes(company_id, position, id);

CREATE TABLE company_policies (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    days       INTEGER NOT NULL CHECK (days > 0),
    unit       TEXT NOT NULL,
    starts     TEXT NOT NULL,
    note       TEXT,
    source     TEXT,            -- a URL or where it was read
    read_on    TEXT,            -- YYYY-MM-DD
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (company_id, name COLLATE NOCASE)   -- one policy of a name per company
);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    company_id      INTEGER NOT NULL REFERENCES companies(id),
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    category        TEXT NOT NULL DEFAULT 'other',
    want            TEXT NOT NULL DEFAULT 'other',
    status          TEXT NOT NULL DEFAULT 'open',
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
    opened_given    TEXT,            -- the opened date as given; opened_at is the earlier of it
                                     -- and the first contact
    statement_on    TEXT,            -- the card statement the charge appeared on
    cancelled_on    TEXT             -- when the order, flight or service was cancelled
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
-- Each company's open or waiting cases (the company list reads their count from
-- company_figures.active).
CREATE INDEX cases_active_company ON cases(company_id) WHERE status IN ('open', 'waiting');

CREATE TABLE case_refs (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    value   TEXT NOT NULL CHECK (length(trim(value)) > 0),
    UNIQUE (case_id, kind, value)
);

CREATE TABLE interactions (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    case_id        INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    channel        TEXT NOT NULL,
    direction      TEXT NOT NULL DEFAULT 'out',
    agent          TEXT,
    agent_id       TEXT,
    started_at     TEXT NOT NULL,
    ended_at       TEXT CHECK (ended_at IS NULL OR ended_at >= started_at),
    hold_seconds   INTEGER NOT NULL DEFAULT 0 CHECK (hold_seconds >= 0),
    -- NULL while the contact is live (in progress in the app); set when it ends.
    outcome        TEXT,
    reference      TEXT,            -- the reference number they gave
    transcript_ref TEXT,            -- a file path, URL, Message-ID, ticket or chat ID
    notes          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    -- The contact was your formal complaint, or the company's final response to one: the
    -- rungs of the escalation ladder the advice climbs.
    milestone      TEXT,
    -- The outcomes that make progress (vocab.PROGRESS_OUTCOMES), written here once for every
    -- trigger and view; NULL while the contact is live.
    progress       INTEGER GENERATED ALWAYS AS (outcome IN ('resolved', 'promised', 'escalated',
                       'info')) VIRTUAL
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

-- Imported mail: a message's headers beside the contact it became; message_id is the
-- Message-ID, or "sha256:" and a content hash for a message without one, so importing it
-- again finds it, and In-Reply-To/References find the thread a reply belongs to.
CREATE TABLE messages (
    interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    message_id     TEXT NOT NULL UNIQUE,
    in_reply_to    TEXT,
    refs           TEXT,       -- the References header's ids, space-separated
    subject        TEXT,
    from_addr      TEXT,
    to_addr        TEXT,
    date           TEXT        -- the Date header as ISO UTC, when it had one
);
CREATE INDEX messages_interaction ON messages(interaction_id);

-- Evidence files kept with a case (and maybe one of its contacts): the bytes live once, by
-- SHA-256, in the evidence folder beside the notebook (<notebook>-evidence/ab/abcd...);
-- origin is 'attached' (by hand), 'mail' (a part of an imported message) or 'original'
-- (an imported message's own file, kept with --keep-original).
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    case_id        INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    size           INTEGER NOT NULL CHECK (size >= 0),
    type           TEXT NOT NULL,      -- a MIME type
    note           TEXT,
    origin         TEXT NOT NULL DEFAULT 'attached',
    added_at       TEXT NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id);
CREATE INDEX attachments_sha256 ON attachments(sha256);
CREATE INDEX attachments_interaction ON attachments(interaction_id);

CREATE TABLE promises (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    case_id        INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    text           TEXT NOT NULL CHECK (length(trim(text)) > 0),
    due_at         TEXT,
    status         TEXT NOT NULL DEFAULT 'pending',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    -- company: what the company promised; me: what the company asked you for (an "ask").
    party          TEXT NOT NULL DEFAULT 'company',
    settled_at     TEXT            -- when it last became kept or broken; NULL while pending
);
CREATE INDEX promises_case ON promises(case_id, due_at);
CREATE INDEX promises_pending_due ON promises(due_at) WHERE status = 'pending';
CREATE INDEX promises_pending ON promises(case_id, due_at) WHERE status = 'pending';
CREATE INDEX promises_interaction ON promises(interaction_id);
-- The commitments the advice reads (pending and broken, of either party), by case.
CREATE INDEX promises_unsettled ON promises(case_id, due_at, id)
    WHERE status IN ('pending', 'broken');

-- A status set by hand (resolve, abandon, reopen) is an event on the case's timeline: it
-- stands until a later contact, and a back-dated contact older than it does not undo it.
CREATE TABLE status_events (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    case_id    INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    status     TEXT NOT NULL,
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
-- A contact moved to another case (no command does it yet; any tool may) counts there.
CREATE TRIGGER interactions_moved_au AFTER UPDATE OF case_id ON interactions
WHEN old.case_id IS NOT new.case_id BEGIN
    UPDATE search_index SET case_id = new.case_id WHERE rowid = new.id;
    UPDATE cases SET contacts = contacts - 1,
        last_activity_at = max(opened_at, coalesce((SELECT max(started_at) FROM interactions
            WHERE case_id = old.case_id), ''))
    WHERE id = old.case_id;
    UPDATE cases SET contacts = contacts + 1,
        last_activity_at = max(last_activity_at, new.started_at)
    WHERE id = new.case_id;
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

-- Search tables in the form sqlite-utils' enable_fts writes and its and Datasette's
-- detect_fts find (content="cases"), so `sqlite-utils search notebook.db cases refund` and
-- Datasette's ?_search= work on the tables themselves; search_index above stays the app's.
-- External content: the rows live in cases and interactions, and a 'delete' gives FTS5 the
-- old values so it can take them out of the index.
CREATE VIRTUAL TABLE "cases_fts" USING FTS5 (
    "title", "seller", "notes",
    tokenize='porter unicode61 remove_diacritics 2',
    content="cases"
);
CREATE TRIGGER cases_fts_ai AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts (rowid, title, seller, notes)
    VALUES (new.id, new.title, new.seller, new.notes);
END;
CREATE TRIGGER cases_fts_ad AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts (cases_fts, rowid, title, seller, notes)
    VALUES ('delete', old.id, old.title, old.seller, old.notes);
END;
-- Only a change to an indexed column re-indexes: the counters the triggers keep on cases
-- change with every contact.
CREATE TRIGGER cases_fts_au AFTER UPDATE OF title, seller, notes ON cases BEGIN
    INSERT INTO cases_fts (cases_fts, rowid, title, seller, notes)
    VALUES ('delete', old.id, old.title, old.seller, old.notes);
    INSERT INTO cases_fts (rowid, title, seller, notes)
    VALUES (new.id, new.title, new.seller, new.notes);
END;
CREATE VIRTUAL TABLE "interactions_fts" USING FTS5 (
    "agent", "reference", "notes",
    tokenize='porter unicode61 remove_diacritics 2',
    content="interactions"
);
CREATE TRIGGER interactions_fts_ai AFTER INSERT ON interactions BEGIN
    INSERT INTO interactions_fts (rowid, agent, reference, notes)
    VALUES (new.id, new.agent, new.reference, new.notes);
END;
CREATE TRIGGER interactions_fts_ad AFTER DELETE ON interactions BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, agent, reference, notes)
    VALUES ('delete', old.id, old.agent, old.reference, old.notes);
END;
CREATE TRIGGER interactions_fts_au AFTER UPDATE OF agent, reference, notes ON interactions BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, agent, reference, notes)
    VALUES ('delete', old.id, old.agent, old.reference, old.notes);
    INSERT INTO interactions_fts (rowid, agent, reference, notes)
    VALUES (new.id, new.agent, new.reference, new.notes);
END;

-- What the stall rules read of a case's contacts, in real columns, one row per case that has
-- any contact (finished or live), so ranking every active case reads one row per case and no
-- contacts. Finished contacts are ordered by (started_at, id); a `promised` contact with no
-- promise recorded committed nobody to anything: it reads as no_progress. `streak` counts
-- the trailing dead ends (newest backwards to the last contact that made progress).
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

-- Every case's case_digests row, set-wise (bulk loads and upgrades fill the table from it).
-- The same SELECT, limited to one case, is case_digest_refresh's trigger below: SQLite does
-- not push a case id down through the aggregate and the window, so the triggers cannot use
-- this view (tests/test_facts.py holds the two equal).
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

-- `INSERT INTO case_digest_refresh (case_id) VALUES (n)` makes case n's case_digests row
-- again (or deletes it when the case has no contact left): what every digest trigger does.
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
    SELECT company_id, new.channel, new.progress
        AND (new.outcome IS NOT 'promised' OR EXISTS (SELECT 1 FROM promises
            WHERE interaction_id = new.id)), 1
    FROM cases WHERE id = new.case_id
    ON CONFLICT (company_id, channel) DO UPDATE SET
        progress = progress + excluded.progress, contacts = contacts + 1;
END;
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
-- Before the delete: its promises are unlinked (ON DELETE SET NULL) before AFTER triggers run.
CREATE TRIGGER interactions_channels_bd BEFORE DELETE ON interactions
WHEN old.outcome IS NOT NULL BEGIN
    UPDATE company_channels SET contacts = contacts - 1,
        progress = progress - (old.progress
            AND (old.outcome IS NOT 'promised' OR EXISTS (SELECT 1 FROM promises
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

-- What makes the advice change for a company: its name, routes and notes, and its channel
-- counts (company_channels). Each change deletes its cases' kept assessments (and bumps
-- advice_rev, which the kept rows record).
CREATE TRIGGER companies_advice_au AFTER UPDATE OF name, notes ON companies
WHEN old.name IS NOT new.name OR old.notes IS NOT new.notes BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id = new.id;
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases WHERE company_id = new.id);
END;
CREATE TRIGGER company_routes_advice_ai AFTER INSERT ON company_routes BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id = new.company_id;
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases
        WHERE company_id = new.company_id);
END;
CREATE TRIGGER company_routes_advice_au AFTER UPDATE ON company_routes BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id IN (old.company_id,
        new.company_id);
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases
        WHERE company_id IN (old.company_id, new.company_id));
END;
CREATE TRIGGER company_routes_advice_ad AFTER DELETE ON company_routes BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id = old.company_id;
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases
        WHERE company_id = old.company_id);
END;
CREATE TRIGGER company_policies_advice_ai AFTER INSERT ON company_policies BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id = new.company_id;
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases
        WHERE company_id = new.company_id);
END;
CREATE TRIGGER company_policies_advice_au AFTER UPDATE ON company_policies BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id IN (old.company_id,
        new.company_id);
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases
        WHERE company_id IN (old.company_id, new.company_id));
END;
CREATE TRIGGER company_policies_advice_ad AFTER DELETE ON company_policies BEGIN
    UPDATE companies SET advice_rev = advice_rev + 1 WHERE id = old.company_id;
    DELETE FROM case_advice WHERE case_id IN (SELECT id FROM cases
        WHERE company_id = old.company_id);
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

-- Each active case's kept assessment, so ranking an unchanged notebook is a read: the
-- advice writes a row after assessing the case, and the triggers below delete it whenever
-- anything about the case or its company changes, so it holds active cases only. A row is
-- also stale when the clock alone changes the assessment (changes_at <= now), or when the
-- meta key `advice_engine` names another engine.
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
    pending           INTEGER NOT NULL DEFAULT 0,
    -- Kept from the rows of channel_figures and company_channels, and the open or waiting
    -- cases (channel_totals below).
    active            INTEGER NOT NULL DEFAULT 0,
    contacts          INTEGER NOT NULL DEFAULT 0,
    progress          INTEGER NOT NULL DEFAULT 0,
    hold_total        INTEGER NOT NULL DEFAULT 0,
    hold_max          INTEGER NOT NULL DEFAULT 0
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

-- Views for other tools (sqlite-utils, Datasette, a spreadsheet): plain SQL, read-only.
-- One row per case: its company, what it is about, and where it stands.
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
-- One row per contact, with its case and company, in time order.
CREATE VIEW contact_timeline AS
SELECT i.id, i.uid, i.case_id, c.title AS case_title, co.name AS company, i.started_at,
    i.ended_at, i.channel, i.direction, i.outcome, i.progress, i.milestone, i.agent,
    i.agent_id, i.hold_seconds, i.reference, i.notes
FROM interactions i JOIN cases c ON c.id = i.case_id JOIN companies co ON co.id = c.company_id
ORDER BY i.started_at, i.id;
