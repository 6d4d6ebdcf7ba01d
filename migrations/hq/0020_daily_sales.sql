-- Sales per store, business day and channel, kept as sales arrive (issue 14): the console's
-- overview and reports read these rows, never a scan of every sale. Filled here from the sales
-- already held; from now on each sale filed for the first time adds to its day's row in the
-- same transaction, so a sale synced twice counts once.
CREATE TABLE daily_sales (
    store TEXT NOT NULL,
    business_day TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('till', 'web')),
    sales INTEGER NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (store, business_day, channel)
) WITHOUT ROWID;
INSERT INTO daily_sales (store, business_day, channel, sales, total)
    SELECT store, business_day, 'till', count(*), sum(json_extract(record, '$.total'))
    FROM sales GROUP BY store, business_day;
