"""The upgrade step to schema 9 (UPGRADES[8]), frozen as written: search tables other tools find.

cases_fts and interactions_fts are external-content FTS5 tables in the form sqlite-utils'
`enable_fts` writes (content="cases"), which its and Datasette's `detect_fts` look for, so
`sqlite-utils search` and Datasette's `?_search=` search the notebook's own tables by rowid.
The triggers are named *_fts_* because cases_ai, cases_au and cases_ad already keep the
app's search_index; an update re-indexes only when an indexed column changes. `rebuild`
fills both tables from the rows already there. A contact moved to another case by any tool
now counts there (its case's count, last activity and search row follow it).
"""

TO_V9 = """
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
INSERT INTO cases_fts (cases_fts) VALUES ('rebuild');
INSERT INTO interactions_fts (interactions_fts) VALUES ('rebuild');
"""
