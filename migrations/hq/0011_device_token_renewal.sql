-- A till renews its own device token (issue 12): the token it renewed with stays valid as
-- previous_token_hash until the new one is first used, so an answer lost on the way never locks
-- a till out; the first request with the new token forgets the old one. `kassa-hq till rotate`
-- and revocation end both at once.
ALTER TABLE devices ADD COLUMN previous_token_hash TEXT;
CREATE UNIQUE INDEX devices_previous_token ON devices (previous_token_hash)
    WHERE previous_token_hash IS NOT NULL;
