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
"""
