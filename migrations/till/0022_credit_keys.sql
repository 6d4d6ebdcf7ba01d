-- Store credit codes are kept as their keys (issue 12): a code is a bearer secret and lives only
-- on the customer's receipt. Rows written before keep the code; they are rewritten here with the
-- functions the upgrade registers (kassa_credit_key, kassa_hide_secrets),
-- lifting the immutability triggers for this one rewrite (the records mean the same after it).
DROP TRIGGER sale_tenders_immutable_update;
UPDATE sale_tenders SET reference = kassa_credit_key(reference)
    WHERE kind = 'credit' AND reference IS NOT NULL;
CREATE TRIGGER sale_tenders_immutable_update BEFORE UPDATE ON sale_tenders
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;

UPDATE credit_issues SET code = kassa_credit_key(code);
UPDATE remote_credit SET code = kassa_credit_key(code);

DROP TRIGGER returns_immutable_update;
UPDATE returns SET record = kassa_hide_secrets(record);
CREATE TRIGGER returns_immutable_update BEFORE UPDATE ON returns
BEGIN SELECT RAISE(ABORT, 'returns are immutable'); END;

DROP TRIGGER pickups_immutable_update;
UPDATE pickups SET record = kassa_hide_secrets(record);
CREATE TRIGGER pickups_immutable_update BEFORE UPDATE ON pickups
BEGIN SELECT RAISE(ABORT, 'pickups are immutable'); END;

DROP TRIGGER resolutions_immutable_update;
UPDATE resolutions SET record = kassa_hide_secrets(record);
UPDATE resolutions SET exception_id = json_extract(record, '$.exception_id');
CREATE TRIGGER resolutions_immutable_update BEFORE UPDATE ON resolutions
BEGIN SELECT RAISE(ABORT, 'resolutions are immutable'); END;

-- Records not yet written into their document are written with keys.
UPDATE document_outbox SET body = kassa_hide_secrets(body) WHERE kind <> 'stock';

-- The kept inbox named over-redeemed credit by its code: it is worked out again from the records.
DELETE FROM inbox_exceptions;
DELETE FROM inbox_dirty;
INSERT INTO inbox_dirty (rule, subject) VALUES ('all', '*');
UPDATE inbox_generation SET generation = generation + 1;
