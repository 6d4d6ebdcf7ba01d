-- A catalogue file uploaded in the console and waiting for its preview to be confirmed (issue 14).
-- Kept in the database, not in one node's memory, so the confirmation may reach any node; an
-- import not confirmed within the hour is dropped with the next upload.
CREATE TABLE catalogue_imports (
    id         TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    format     TEXT NOT NULL,
    file       BLOB NOT NULL,
    created_at TEXT NOT NULL
);
