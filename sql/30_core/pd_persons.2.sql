-- core.pd_persons, version 2: deletion_detected_by,
-- how the pipeline learnt that a person was deleted.
-- 'source': a version from Pipedrive said so (is_deleted); 'sweep': a deletion sweep no longer found it
-- (Pipedrive purges deleted records after 30 days, so a pipeline down longer never hears of it; see
-- normalize/sweeps.py). Rows already flagged came from the source. Grain and key unchanged: one row per
-- person per scope, key (scope, person_id). Additive only: Power BI reads this table live.
ALTER TABLE core.pd_persons ADD COLUMN deletion_detected_by text;

UPDATE core.pd_persons SET deletion_detected_by = 'source' WHERE is_deleted;

COMMENT ON COLUMN core.pd_persons.deletion_detected_by IS 'How the deletion was detected: source (Pipedrive reported the person deleted), sweep (a deletion sweep no longer found it: deleted and purged while the pipeline did not look); null when not deleted.';
COMMENT ON COLUMN core.pd_persons.is_deleted IS 'True when the person was deleted in Pipedrive (the row is kept); deletion_detected_by says how it was learnt.';
COMMENT ON COLUMN core.pd_persons.deleted_at IS 'When the person was deleted (UTC): its update_time when Pipedrive reported it deleted; when a deletion sweep found it gone, the time that sweep began (it was gone by then).';
