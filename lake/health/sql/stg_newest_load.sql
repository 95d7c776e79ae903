-- reconciliation: the newest load id in one stg table ({stg}); a backward scan of its _load_id index.
SELECT max(_load_id) FROM {stg}
