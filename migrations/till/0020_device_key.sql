-- This till's own Ed25519 key (secret, hex; it never leaves the till) and the certificate its
-- store's key gave it at head office. An enrolled till signs receipt codes with it, so it no
-- longer holds its store's secret key: a stolen till cannot sign for its store's other tills.
ALTER TABLE device ADD COLUMN device_key TEXT;
ALTER TABLE device ADD COLUMN device_certificate TEXT;
ALTER TABLE device ADD COLUMN device_key_at TEXT;
