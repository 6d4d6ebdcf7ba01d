-- Staff belong to stores: a till receives only the people who may work in its store, so a stolen
-- till gives up no other store's PIN hashes. Leaving a store is a row kept with the staff list
-- version of the change (`left_version`), so that store's tills learn to drop the person.
CREATE TABLE staff_stores (
    staff_id     TEXT NOT NULL REFERENCES staff (id),
    store        TEXT NOT NULL REFERENCES stores (code),
    left_version INTEGER,
    PRIMARY KEY (staff_id, store)
);
CREATE INDEX staff_stores_by_store ON staff_stores (store, staff_id);
-- Staff were chain-wide until now: they keep every store they could already work in.
INSERT INTO staff_stores (staff_id, store) SELECT staff.id, stores.code FROM staff, stores;
