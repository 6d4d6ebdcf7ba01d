-- New pickup codes head office gave orders (issue 14): the newest by id is an order's code from
-- then on; the order record keeps the code it was taken with.
CREATE TABLE pickup_code_resets (
    id       TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    record   TEXT NOT NULL
);
CREATE INDEX pickup_code_resets_order ON pickup_code_resets (order_id, id);
