-- A store's documents are numbered as they change (the store's counter, taken in the write's
-- transaction), so a till is told only about those that changed since its last sync (its
-- cursor), not every document the store ever had (issue 13).
ALTER TABLE stores ADD COLUMN doc_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX documents_store_seq ON documents (store, seq);
