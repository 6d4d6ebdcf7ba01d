-- Each till's last contact with head office (issue 14): when, the software it runs, and what it
-- reported as not yet confirmed by head office. One row per device, written in the sync's own
-- transaction; the console shows tills online or offline from it.
CREATE TABLE till_contacts (
    device_id      bigint PRIMARY KEY,
    store          text COLLATE "C" NOT NULL,
    till_no        integer NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    app_version    text,
    pending_sales  bigint,
    pending_amount bigint,
    pending_other  bigint
);
