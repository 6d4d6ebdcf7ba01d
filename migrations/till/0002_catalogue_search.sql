-- Name search: an FTS5 index over the catalogue, case and accent insensitive, with prefix
-- indexes so that typing the start of a word ("choc") finds "Chocolate" quickly.

CREATE VIRTUAL TABLE products_fts USING fts5 (
    name, sku, category,
    content = 'products',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, name, sku, category) VALUES (new.id, new.name, new.sku, new.category);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, sku, category)
    VALUES ('delete', old.id, old.name, old.sku, old.category);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, sku, category)
    VALUES ('delete', old.id, old.name, old.sku, old.category);
    INSERT INTO products_fts (rowid, name, sku, category) VALUES (new.id, new.name, new.sku, new.category);
END;

-- Index what an older database already holds.
INSERT INTO products_fts (products_fts) VALUES ('rebuild');
