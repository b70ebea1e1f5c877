"""The upgrade step to schema 6 (UPGRADES[5]), frozen as written: imported mail.

Each imported message keeps its headers beside the contact it became, so a re-import finds
it by Message-ID (or content hash) and a reply finds its thread.
"""

TO_V6 = """
CREATE TABLE messages (
    interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    message_id     TEXT NOT NULL UNIQUE,
    in_reply_to    TEXT,
    refs           TEXT,
    subject        TEXT,
    from_addr      TEXT,
    to_addr        TEXT,
    date           TEXT
);
CREATE INDEX messages_interaction ON messages(interaction_id);
"""
