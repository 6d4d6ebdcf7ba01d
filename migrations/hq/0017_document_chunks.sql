-- Documents kept as appended change chunks (issue 13): a sync appends what changed instead of
-- rewriting the whole document; head office compacts a document's chunks into one in the
-- background. A document is its chunks concatenated, in order.
CREATE TABLE document_chunks (
    doc_id   TEXT    NOT NULL,
    chunk_no INTEGER NOT NULL,
    bytes    BLOB    NOT NULL,
    PRIMARY KEY (doc_id, chunk_no)
) WITHOUT ROWID;
INSERT INTO document_chunks (doc_id, chunk_no, bytes) SELECT doc_id, 0, bytes FROM documents;
ALTER TABLE documents DROP COLUMN bytes;
ALTER TABLE documents ADD COLUMN chunks INTEGER NOT NULL DEFAULT 1;
CREATE INDEX documents_by_chunks ON documents (chunks);
