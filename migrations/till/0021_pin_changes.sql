-- PINs changed at this till (a supervisor's or manager's PIN that was too short, changed at its
-- next use), until head office has taken them. `replaces` is the hash head office had, so a
-- change head office refuses puts it back. Never a PIN, only argon2 hashes.
CREATE TABLE pin_changes (
    staff_id   TEXT PRIMARY KEY,
    replaces   TEXT NOT NULL,
    pin_hash   TEXT NOT NULL,
    changed_at TEXT NOT NULL
) WITHOUT ROWID;
