-- People who sign in to the head office console (issue 14): separate from till staff and their
-- PINs. Only argon2id hashes of passwords are kept. Wrong passwords are counted here, not in a
-- node's memory, so every node behind one address locks a name alike.
CREATE TABLE console_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'store_manager', 'analyst')),
    -- The stores a store manager runs, comma-separated codes; empty for the other roles.
    stores TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
    locked_until TEXT,
    created_at TEXT NOT NULL
);
