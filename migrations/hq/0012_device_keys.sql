-- Each device's own Ed25519 public key (hex), made on the till at enrollment and certified with
-- its store's key; the till's secret never leaves it. NULL: a device enrolled before device keys,
-- until it sends one.
ALTER TABLE devices ADD COLUMN public_key TEXT;
