-- Shifts and the cash drawer, projected from the ledger records (this till's and, after a sync,
-- the store's other tills'). A shift is open while it has no close.
CREATE TABLE shifts (
    id           TEXT PRIMARY KEY,
    till_no      INTEGER NOT NULL,
    opened_at    TEXT NOT NULL,
    business_day TEXT NOT NULL,
    record       TEXT NOT NULL
);
CREATE INDEX shifts_till ON shifts (till_no, opened_at);

CREATE TABLE shift_closes (
    shift_id  TEXT PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    closed_at TEXT NOT NULL,
    record    TEXT NOT NULL
);

CREATE TABLE cash_movements (
    id           TEXT PRIMARY KEY,
    shift_id     TEXT NOT NULL,
    till_no      INTEGER NOT NULL,
    direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    business_day TEXT NOT NULL,
    record       TEXT NOT NULL
);
CREATE INDEX cash_movements_shift ON cash_movements (shift_id);

-- The shift each sale, void, return and pickup was made in: what a shift's report adds up.
ALTER TABLE sales ADD COLUMN shift_id TEXT;
ALTER TABLE voids ADD COLUMN shift_id TEXT;
ALTER TABLE returns ADD COLUMN shift_id TEXT;
ALTER TABLE pickups ADD COLUMN shift_id TEXT;
CREATE INDEX sales_shift ON sales (shift_id) WHERE shift_id IS NOT NULL;
CREATE INDEX voids_shift ON voids (shift_id) WHERE shift_id IS NOT NULL;
CREATE INDEX returns_shift ON returns (shift_id) WHERE shift_id IS NOT NULL;
CREATE INDEX pickups_shift ON pickups (shift_id) WHERE shift_id IS NOT NULL;

CREATE TRIGGER shifts_immutable_update BEFORE UPDATE ON shifts
BEGIN SELECT RAISE(ABORT, 'shifts are immutable: record a close'); END;
CREATE TRIGGER shift_closes_immutable_update BEFORE UPDATE ON shift_closes
BEGIN SELECT RAISE(ABORT, 'shift closes are immutable'); END;
CREATE TRIGGER cash_movements_immutable_update BEFORE UPDATE ON cash_movements
BEGIN SELECT RAISE(ABORT, 'cash movements are immutable'); END;
