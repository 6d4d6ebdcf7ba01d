-- A store's documents are numbered as they change (the store's counter, taken under the store's
-- row lock in the write's transaction, so numbers follow commit order), so a till is told only
-- about those that changed since its last sync (its cursor).
ALTER TABLE stores ADD COLUMN doc_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN seq bigint NOT NULL DEFAULT 0;
CREATE INDEX documents_store_seq ON documents (store, seq);
