-- Catalogue rows from head office this till could not apply (a tax class it lacks, a barcode
-- another product still holds): skipped, kept here for staff and head office to see, and the
-- rest of the update applied, so one bad row never stops a till's syncing. A row that applies
-- later (head office fixed it) removes its entry.
CREATE TABLE catalogue_skips (
    sku     TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    message TEXT NOT NULL
) WITHOUT ROWID;
