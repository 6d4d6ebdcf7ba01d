-- Staff, sent by head office like the catalogue (one writer, a version per change). PINs are
-- only ever held as argon2 hashes.
CREATE TABLE staff (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager')),
    pin_hash TEXT NOT NULL,
    active   INTEGER NOT NULL CHECK (active IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX staff_name ON staff (name COLLATE NOCASE);

ALTER TABLE device ADD COLUMN staff_version INTEGER NOT NULL DEFAULT 0;

-- Wrong secrets in a row per subject (`staff:{id}` for a PIN, `order:{number}` for a pickup
-- code), and until when that prompt is locked. Kept on disk so that restarting the app does not
-- reset the count.
CREATE TABLE failed_attempts (
    subject      TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL CHECK (failures >= 0),
    locked_until TEXT
) WITHOUT ROWID;

-- Discounts and price overrides together past this share of a sale's gross need a supervisor
-- (basis points; 1000 = 10%).
ALTER TABLE store_config ADD COLUMN discount_limit_bp INTEGER NOT NULL DEFAULT 1000
    CHECK (discount_limit_bp BETWEEN 0 AND 10000);

-- Who rang a sale and who approved its discounts, for the receipt and the reports.
ALTER TABLE sales ADD COLUMN cashier_id TEXT;
ALTER TABLE sales ADD COLUMN cashier_name TEXT;
ALTER TABLE sales ADD COLUMN approved_by_name TEXT;
