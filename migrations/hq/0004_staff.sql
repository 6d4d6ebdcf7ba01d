-- Staff, managed here and sent to every till (PINs as argon2 hashes only). `version` is the staff
-- list version of the person's last change; tills ask for changes since the version they have.
CREATE TABLE staff (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager')),
    pin_hash   TEXT NOT NULL,
    active     INTEGER NOT NULL CHECK (active IN (0, 1)),
    version    INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
-- A name picks one person at the till's sign-in: unique among active staff, in any case.
CREATE UNIQUE INDEX staff_active_name ON staff (name COLLATE NOCASE) WHERE active = 1;
CREATE INDEX staff_version ON staff (version);
