-- Records that arrived by sync before what they point at (a void before its sale, which came in
-- another till's ledger): kept here and projected again at the end of each sync round, instead
-- of projecting every record of every document after every round (which grew with the till's
-- whole history). The row '*' asks for one full projection: databases kept before this table
-- may hold such records without a row for them.
CREATE TABLE projection_waiting (
    doc_id    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, kind, record_id)
) WITHOUT ROWID;
INSERT INTO projection_waiting (doc_id, kind, record_id) VALUES ('*', '*', '*');
