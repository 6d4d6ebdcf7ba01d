-- What head office found in tills' syncs (issue 12) and did not silently accept:
--   held_change:   changes not merged (a till writing what it may not, a change by another or a
--                  revoked device carried without proof); the changes are kept, for a manager
--                  to accept or reject, never lost;
--   misfiled_sale: a sale whose record names another store or till than the ledger it came in
--                  (it is filed by the ledger);
--   sale_total:    a sale whose amounts do not add up (kept, flagged).
-- One row per (kind, document, subject); a finding seen again refreshes last_at and the changes.
CREATE TABLE sync_findings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('held_change', 'misfiled_sale', 'sale_total')),
    store TEXT NOT NULL,
    device_id INTEGER,
    doc_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    changes BLOB,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    decision TEXT CHECK (decision IN ('accepted', 'rejected')),
    decided_by TEXT,
    decided_at TEXT,
    UNIQUE (kind, doc_id, subject)
);
