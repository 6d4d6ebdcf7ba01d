-- Order numbers are typed and scanned in any case: looked up with NOCASE, which needs its own index.
CREATE INDEX orders_order_no_nocase ON orders (order_no COLLATE NOCASE);
