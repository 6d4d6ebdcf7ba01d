-- The audit log loses its UNIQUE index on entry ids (issue 11): a second B-tree every sale wrote
-- a page of, to guard ids made fresh (UUIDv7) by the only code that appends. The chain itself is
-- what makes the log trustworthy (each entry hashes the one before; head office anchors it), and
-- `kassa audit verify` now reports an id used twice as a break. Measured in docs/BENCHMARKS.md
-- ("Projection after the sale"). The table is rebuilt with its rows unchanged.
CREATE TABLE audit_log_v29 (
    seq   INTEGER PRIMARY KEY CHECK (seq > 0),
    id    TEXT NOT NULL,
    hash  TEXT NOT NULL,
    entry TEXT NOT NULL
);
INSERT INTO audit_log_v29 (seq, id, hash, entry) SELECT seq, id, hash, entry FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_v29 RENAME TO audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
