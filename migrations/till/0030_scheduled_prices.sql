-- Prices head office has set to take effect later (issue 14). The till keeps them beside the
-- base price and prices every lookup at its own clock's instant, so it switches on time offline
-- too. Replaced whole whenever head office sends the product again.
CREATE TABLE scheduled_prices (
    product_id INTEGER NOT NULL REFERENCES products(id),
    effective_at INTEGER NOT NULL,
    price INTEGER NOT NULL CHECK (price >= 0),
    PRIMARY KEY (product_id, effective_at)
) WITHOUT ROWID;
