-- One live device per till number of a store (issue 12): enrolling a till number again revokes
-- the device enrolled before. Before this, a second enrollment left both tokens working; the
-- newest device of each till number stays, the others are revoked (their changes stay valid).
UPDATE devices SET revoked = 1
WHERE revoked = 0
  AND id NOT IN (SELECT max(id) FROM devices WHERE revoked = 0 GROUP BY store, till_no);
CREATE UNIQUE INDEX devices_live_till ON devices (store, till_no) WHERE revoked = 0;
