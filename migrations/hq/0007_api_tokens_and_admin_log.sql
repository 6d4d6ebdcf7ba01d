-- Scoped API tokens (issue 12): instead of one admin token for everything, tokens with a scope
-- (admin, orders for the web shop, read for reports), each with a name; only hashes are kept.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('admin', 'orders', 'read')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- Who did what at head office, when: every change made with an API token or the command line.
-- Append only; bodies (PINs, codes) are never written here.
CREATE TABLE admin_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL
);
