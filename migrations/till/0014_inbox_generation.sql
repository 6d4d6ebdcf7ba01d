-- Counts the changes to the kept exceptions inbox (issue 11): a till keeps the inbox it last
-- read in memory and reads it again only when this moved, which any connection to the database
-- (the desktop's selling and syncing tills) does in the transaction that changes the inbox.
CREATE TABLE inbox_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO inbox_generation (id, generation) VALUES (1, 0);
