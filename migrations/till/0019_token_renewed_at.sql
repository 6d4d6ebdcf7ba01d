-- When this till's device token was issued (enrollment) or last renewed: the till renews its
-- own token every 30 days (NULL, a till enrolled before: at its next sync).
ALTER TABLE device ADD COLUMN token_renewed_at TEXT;
