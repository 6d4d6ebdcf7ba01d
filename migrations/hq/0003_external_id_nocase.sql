-- Tills find orders by number without regard to case, so the web shop's external ids must be
-- unique without regard to case too: `A1` again is the same order, not a second one.
CREATE UNIQUE INDEX order_intake_external_id_nocase ON order_intake (external_id COLLATE NOCASE);
