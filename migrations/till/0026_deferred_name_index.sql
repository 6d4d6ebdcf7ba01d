-- A catalogue import indexes the names it wrote once, at its end, instead of row by row. FTS5
-- writes out what it holds at every statement savepoint, so a trigger per row left one index
-- segment per product, which FTS5 then kept merging: a 300,000-product first sync spent most of
-- its time there. While an import runs (inside its transaction) `deferred` is 1 and the
-- triggers stand aside; the import deletes and adds the index entries of its rows in one
-- statement each.
CREATE TABLE name_index_deferral (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    deferred INTEGER NOT NULL CHECK (deferred IN (0, 1))
);
INSERT INTO name_index_deferral (id, deferred) VALUES (1, 0);

DROP TRIGGER products_fts_insert;
DROP TRIGGER products_fts_delete;
DROP TRIGGER products_fts_update;

CREATE TRIGGER products_fts_insert AFTER INSERT ON products
WHEN (SELECT deferred FROM name_index_deferral WHERE id = 1) = 0 BEGIN
    INSERT INTO products_fts (rowid, name, sku, category) VALUES (new.id, new.name, new.sku, new.category);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products
WHEN (SELECT deferred FROM name_index_deferral WHERE id = 1) = 0 BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, sku, category)
    VALUES ('delete', old.id, old.name, old.sku, old.category);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE ON products
WHEN (SELECT deferred FROM name_index_deferral WHERE id = 1) = 0 BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, sku, category)
    VALUES ('delete', old.id, old.name, old.sku, old.category);
    INSERT INTO products_fts (rowid, name, sku, category) VALUES (new.id, new.name, new.sku, new.category);
END;
