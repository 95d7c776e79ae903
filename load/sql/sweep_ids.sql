-- The ids of one sweep part (temp table _sweep_part_ids, COPYed from the loader's line checks) into
-- meta.sweep_ids. A record listed twice (in two parts, or by two listings such as deals and archived
-- deals while it was being archived) is kept once.
INSERT INTO meta.sweep_ids (scope, sweep_id, record_id)
SELECT DISTINCT %(scope)s, %(sweep_id)s::bigint, record_id FROM _sweep_part_ids
ON CONFLICT (scope, sweep_id, record_id) DO NOTHING
