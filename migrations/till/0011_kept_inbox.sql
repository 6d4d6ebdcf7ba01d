-- The exceptions inbox kept up to date as records arrive (issue 11): opening it reads these rows
-- instead of running every rule over everything the till holds.
--
-- `inbox_exceptions` holds what the rules found, per rule and subject (an order, a returned sale
-- or order, a store credit code, a SKU, a conflicting record), without resolutions (attached when
-- read). `inbox_dirty` lists the subjects whose records changed since: they are worked out again,
-- from their own records only, the next time the inbox is read. ('all', '*') means every subject,
-- ('stock', '*') every SKU.
CREATE TABLE inbox_exceptions (
    id        TEXT PRIMARY KEY,
    rule      TEXT NOT NULL,
    subject   TEXT NOT NULL,
    exception TEXT NOT NULL
);
CREATE INDEX inbox_exceptions_subject ON inbox_exceptions (rule, subject);

CREATE TABLE inbox_dirty (
    rule    TEXT NOT NULL,
    subject TEXT NOT NULL,
    PRIMARY KEY (rule, subject)
) WITHOUT ROWID;

-- A till upgraded to this version works its inbox out once from everything it holds.
INSERT INTO inbox_dirty (rule, subject) VALUES ('all', '*');

CREATE INDEX resolutions_exception ON resolutions (exception_id);
