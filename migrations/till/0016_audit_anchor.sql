-- The newest audit entry number head office has anchored for this till (NULL: none yet). Each
-- sync proves the till still holds that entry unchanged by sending its hash; a chain rewritten
-- behind the till's back shows at head office as a fork.
ALTER TABLE device ADD COLUMN audit_anchor_seq INTEGER;
