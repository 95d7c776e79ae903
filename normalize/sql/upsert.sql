-- Upsert the typed batch (_nz_typed) into its core table by primary key, only when the incoming version is
-- not older than the stored one: (_source_updated_at, NULL = oldest), then bronze path and line. Replaying
-- old bronze therefore never regresses a row. A row that would not change is not written, so _updated_at
-- means "last changed by normalize" and a rerun writes nothing. Rows whose key did not cast are skipped
-- (they are in meta.rejected_rows). Keys and lineage of the rows written go to temp table changed.
-- The stored row is looked up first, one index probe per batch row (LATERAL ... LIMIT 1 keeps the
-- planner from hashing the whole table when the batch is small), because ON CONFLICT locks, i.e.
-- writes, every conflicting row even when its WHERE says no. That WHERE stays as the guard. No probe at
-- all when the table was empty as the statement began (first run): without statistics the planner may
-- probe by any index that starts with scope, which walks every row inserted so far: quadratic.
-- Two stg records can share one typed key (ids "7" and "007"); one INSERT cannot write a key twice, so
-- only the newest of them takes part.
WITH upserted AS (
    INSERT INTO {table} AS c ({columns}, _updated_at)
    SELECT {t_columns}, now()
    FROM (SELECT DISTINCT ON ({key}) * FROM _nz_typed
          ORDER BY {key}, coalesce(_source_updated_at, '-infinity') DESC, _blob_path COLLATE "C" DESC, _line_no DESC
         ) AS t
    LEFT JOIN LATERAL (SELECT * FROM {table} s WHERE EXISTS (SELECT FROM {table}) AND {key_match} LIMIT 1) s ON true
    WHERE {key_present}
      AND (s.{first_key} IS NULL
           OR ((coalesce(t._source_updated_at, '-infinity'), t._blob_path COLLATE "C", t._line_no)
                >= (coalesce(s._source_updated_at, '-infinity'), s._blob_path COLLATE "C", s._line_no)
               AND ROW({t_updated}) IS DISTINCT FROM ROW({s_updated})))
    ON CONFLICT ({key}) DO UPDATE SET {assignments}, _updated_at = excluded._updated_at
    WHERE (coalesce(excluded._source_updated_at, '-infinity'), excluded._blob_path COLLATE "C", excluded._line_no)
       >= (coalesce(c._source_updated_at, '-infinity'), c._blob_path COLLATE "C", c._line_no)
      AND ROW({incoming}) IS DISTINCT FROM ROW({stored})
    RETURNING {returned}
)
INSERT INTO changed SELECT * FROM upserted
