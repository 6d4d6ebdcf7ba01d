-- Store credit codes are kept as their keys (issue 12): a code is a bearer secret and lives only
-- on the customer's receipt. Records stored before hold the code; they are rewritten here with
-- the function the upgrade registers (kassa_hide_secrets). A resolution's subject is the
-- exception it closes, whose id named the code.
UPDATE sales SET record = kassa_hide_secrets(record) WHERE record LIKE '%"credit"%';
UPDATE records SET record = kassa_hide_secrets(record)
    WHERE kind IN ('pickup', 'return', 'resolution');
UPDATE records SET subject = json_extract(record, '$.exception_id') WHERE kind = 'resolution';
