-- What head office had not confirmed when the till's last sync round ended (issue 14): sent in
-- the next request, so head office's console shows what is really still waiting at the till
-- rather than what that request itself was carrying. NULL until a round has ended.
ALTER TABLE sync_status ADD COLUMN pending_after_round TEXT;
