-- Documents kept as appended change chunks: a sync appends what changed instead of rewriting
-- the whole document; head office compacts a document's chunks into one in the background.
CREATE TABLE document_chunks (
    doc_id   text COLLATE "C" NOT NULL,
    chunk_no integer NOT NULL,
    bytes    bytea NOT NULL,
    PRIMARY KEY (doc_id, chunk_no)
);
INSERT INTO document_chunks (doc_id, chunk_no, bytes) SELECT doc_id, 0, bytes FROM documents;
ALTER TABLE documents DROP COLUMN bytes;
ALTER TABLE documents ADD COLUMN chunks integer NOT NULL DEFAULT 1;
CREATE INDEX documents_by_chunks ON documents (chunks);
