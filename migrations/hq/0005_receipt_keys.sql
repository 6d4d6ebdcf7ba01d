-- Each store's receipt signing key (Ed25519 secret, hex): given to the store's tills when they
-- enroll; its public half goes to every till so any till checks a receipt code offline.
ALTER TABLE stores ADD COLUMN receipt_key TEXT;
