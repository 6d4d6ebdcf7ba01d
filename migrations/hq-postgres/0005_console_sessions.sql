-- Signed-in console sessions (issue 14): kept in the database, not in a node's memory, so any
-- node behind one address knows them and signing out ends them everywhere. Only a hash of the
-- cookie's token is kept; the CSRF token every form of the session carries is kept as is (it
-- is no credential on its own).
CREATE TABLE console_sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES console_users (name),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);
