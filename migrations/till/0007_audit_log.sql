-- This till's audit trail: append-only and hash-chained (see kassa_replica::audit). `entry` is the
-- sealed entry's JSON, `hash` its hash again, so `kassa audit verify` can tell an edited row.
-- The same entries travel in the till's ledger documents to head office.
CREATE TABLE audit_log (
    seq   INTEGER PRIMARY KEY CHECK (seq > 0),
    id    TEXT NOT NULL UNIQUE,
    hash  TEXT NOT NULL,
    entry TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
