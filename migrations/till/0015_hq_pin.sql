-- The fingerprint of head office's certificate authority, from the enrollment code: the till
-- trusts exactly that head office (NULL: a head office with a public certificate, checked
-- against the system's roots, or one on this machine over plain http).
ALTER TABLE device ADD COLUMN hq_pin TEXT;
