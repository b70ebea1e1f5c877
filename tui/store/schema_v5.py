"""The upgrade step to schema 5 (UPGRADES[4]), frozen as written: the company directory.

Each company's phone, chat URL, e-mail and hours move into company_routes (one source: the
columns go), its policy windows get company_policies, and cases gain the statement and
cancellation dates the clocks run from.
"""

TO_V5 = """
CREATE TABLE company_routes (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('phone', 'callback', 'chat', 'email',
                   'seller_contact', 'postal', 'web', 'other')),
    purpose    TEXT NOT NULL DEFAULT 'support' CHECK (purpose IN ('support', 'complaints',
                   'executive', 'ombudsman', 'regulator')),
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
    unit       TEXT NOT NULL CHECK (unit IN ('days', 'working_days', 'weeks', 'months')),
    starts     TEXT NOT NULL CHECK (starts IN ('purchased', 'delivered', 'opened', 'statement',
                   'cancelled', 'formal_complaint', 'final_response', 'refund_promise', 'due')),
    note       TEXT,
    source     TEXT,
    read_on    TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (company_id, name COLLATE NOCASE)   -- one policy of a name per company
);

-- The old columns become support routes in this order; hours go onto the phone route, else
-- onto the first route there is, else into the notes, so nothing is lost. A uid starting
-- with a letter is never all digits (as new_uid makes them).
INSERT INTO company_routes (uid, company_id, kind, value, position, created_at, updated_at)
SELECT 'a' || substr(lower(hex(randomblob(8))), 2), id, kind, value, position, updated_at,
    updated_at
FROM (SELECT id, 'phone' AS kind, phone AS value, 0 AS position, updated_at FROM companies
      UNION ALL SELECT id, 'chat', chat_url, 1, updated_at FROM companies
      UNION ALL SELECT id, 'email', email, 2, updated_at FROM companies)
WHERE value IS NOT NULL AND trim(value) != ''
ORDER BY id, position;
UPDATE company_routes SET hours = (SELECT hours FROM companies c WHERE c.id = company_id)
WHERE id IN (SELECT min(r.id) FROM company_routes r GROUP BY r.company_id);
UPDATE companies SET notes = CASE WHEN notes IS NULL OR trim(notes) = '' THEN 'Hours: ' || hours
    ELSE notes || char(10) || 'Hours: ' || hours END
WHERE hours IS NOT NULL AND trim(hours) != ''
    AND NOT EXISTS (SELECT 1 FROM company_routes r WHERE r.company_id = companies.id);

DROP TRIGGER companies_advice_au;
ALTER TABLE companies DROP COLUMN phone;
ALTER TABLE companies DROP COLUMN chat_url;
ALTER TABLE companies DROP COLUMN email;
ALTER TABLE companies DROP COLUMN hours;
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

ALTER TABLE cases ADD COLUMN statement_on TEXT;
ALTER TABLE cases ADD COLUMN cancelled_on TEXT;
"""
