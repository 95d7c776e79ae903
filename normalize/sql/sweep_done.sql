-- A deletion sweep was applied (or refused by the guard), in the transaction of the flags it set.
UPDATE meta.sweeps
SET status = %(status)s, rows_flagged = %(flagged)s, rows_restored = %(restored)s, applied_at = now()
WHERE sweep_id = %(sweep_id)s
