-- A lock after wrong secrets runs on time that really passed, not on the wall clock: setting the
-- clock forward must not lift it, and a restart must not either. lock_left_ms is what is left
-- of it, counted down by the run's elapsed time since lock_seen_ms; a lock seen first by another
-- run (lock_run, the program was restarted) goes on from where that run left it.
ALTER TABLE failed_attempts ADD COLUMN lock_left_ms INTEGER;
ALTER TABLE failed_attempts ADD COLUMN lock_seen_ms INTEGER;
ALTER TABLE failed_attempts ADD COLUMN lock_run TEXT;
