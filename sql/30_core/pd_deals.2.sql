-- core.pd_deals, version 2: deletion_detected_by,
-- how the pipeline learnt that a deal was deleted.
-- 'source': a version from Pipedrive said so (is_deleted); 'sweep': a deletion sweep no longer found it
-- (Pipedrive purges deleted records after 30 days, so a pipeline down longer never hears of it; see
-- normalize/sweeps.py). Rows already flagged came from the source. Grain and key unchanged: one row per
-- deal per scope, key (scope, deal_id). Additive only: Power BI reads this table live.
ALTER TABLE core.pd_deals ADD COLUMN deletion_detected_by text;

UPDATE core.pd_deals SET deletion_detected_by = 'source' WHERE is_deleted;

COMMENT ON COLUMN core.pd_deals.deletion_detected_by IS 'How the deletion was detected: source (Pipedrive reported the deal deleted), sweep (a deletion sweep no longer found it: deleted and purged while the pipeline did not look); null when not deleted.';
COMMENT ON COLUMN core.pd_deals.is_deleted IS 'True when the deal was deleted in Pipedrive (the row is kept); deletion_detected_by says how it was learnt.';
COMMENT ON COLUMN core.pd_deals.deleted_at IS 'When the deal was deleted (UTC): its update_time when Pipedrive reported it deleted; when a deletion sweep found it gone, the time that sweep began (it was gone by then).';
