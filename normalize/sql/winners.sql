-- Temp view winners: the batch versions that the script tables after an entity's first core table
-- (e.g. long custom-field values) are rebuilt from. {won} is, incremental: the versions this run
-- wrote (temp table changed); --full: every batch version that is the stored one, so a full run
-- re-derives everything.
CREATE TEMP TABLE _nz_won AS {won};

CREATE TEMP VIEW winners AS
SELECT b.* FROM batch b JOIN _nz_won w ON w._blob_path = b._blob_path AND w._line_no = b._line_no;
