-- Each till's last contact with head office (issue 14): when, the software it runs, and what it
-- reported as not yet confirmed by head office. One row per device, written in the sync's own
-- transaction; the console shows tills online or offline from it.
CREATE TABLE till_contacts (
    device_id      INTEGER PRIMARY KEY,
    store          TEXT NOT NULL,
    till_no        INTEGER NOT NULL,
    last_seen_at   TEXT NOT NULL,
    app_version    TEXT,
    pending_sales  INTEGER,
    pending_amount INTEGER,
    pending_other  INTEGER
);
