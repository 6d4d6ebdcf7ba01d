-- Shifts are ordered by the instant they opened, not by their text: `opened_at` is the till's
-- local time with its offset, and when the clock falls back an hour (or the till's time zone is
-- changed) a later shift's text sorts before an earlier one's ('02:10+01:00' is after
-- '02:30+02:00'). The index keys each shift on its opening instant in UTC, as sortable text
-- (SQLite reads the offset); queries order by the same expression, so the open shift is still
-- found without a sort. The stored text is unchanged (see docs/adr/0010-times-as-instants.md).
DROP INDEX shifts_till;
CREATE INDEX shifts_till ON shifts (till_no, strftime('%Y-%m-%dT%H:%M:%fZ', opened_at), id);
