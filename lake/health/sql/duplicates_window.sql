-- duplicates: how many rows of {stg} were loaded from load id %(from_load)s on, counted up to %(cap)s (an
-- index range on _load_id): beyond that (e.g. after a --rebuild) one scan of the table is cheaper.
SELECT count(*) FROM (SELECT 1 FROM {stg} WHERE _load_id >= %(from_load)s LIMIT %(cap)s) AS new_rows
