"""The model Power BI sees (docs/powerbi.md): relationships on one column of one type that lose no fact, member
keys, inferred members, custom fields as typed columns, a description on every column.

Data flow: a --demo run of the daily pipeline (both simulators, an embedded PostgreSQL in a temporary folder)
           -> the relationships listed in docs/powerbi.md, checked one by one against core;
           stg rows written by tests/fixtures/stg.py -> normalize -> core, for the behaviours in between runs.
Run standalone: python -m pytest tests/test_powerbi_model.py -q

The relationship list is read from the docs themselves, so the docs cannot promise a join the data breaks,
and it is checked against the declared model (CoreTable.refs, Pivot), so they cannot leave one out.
"""
from __future__ import annotations

import contextlib
import re
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from lake import db as lake_db
from lake.settings import get_settings
from lake.sources import SOURCES, source_entities
from scripts import daily_pipeline, health_check
from tests.fixtures.stg import empty_tables, one, query
from tests.test_normalize_pipedrive import (ENTITIES, ENUM, MONEY, SCOPE, SOURCE, activity, deal, field, load,
                                            normalize)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "powerbi.md"
ROW = re.compile(r"^\| `core\.(\w+)\.(\w+)` \| `core\.(\w+)\.(\w+)` \| (many to one|one to one) \| (yes|no) \| (yes|no) \|$")
# custom field type -> the column type the docs promise (docs/powerbi.md, "Custom fields as columns")
PD_TYPES = {"double": "numeric", "monetary": "numeric", "date": "date", "daterange": "date", "user": "bigint",
            "org": "bigint", "people": "bigint"}
ZD_TYPES = {"integer": "numeric", "decimal": "numeric", "date": "date", "checkbox": "boolean", "lookup": "bigint"}


def documented() -> list[tuple]:
    rows = [m.groups() for m in map(ROW.match, DOCS.read_text(encoding="utf-8").splitlines()) if m]
    assert len(rows) >= 30, "the relationships table of docs/powerbi.md was not found"
    return rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A connection to the database of a finished --demo run (both sources)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("demo"))
        for name in ("DATABASE_URL", "PGHOST", "PGDATABASE", "LAKE_ROOT", "LOG_DIR"):
            mp.delenv(name, raising=False)
        get_settings.cache_clear()
        assert daily_pipeline.main(["--demo"]) == 0
        with health_check.demo_environment():
            url = lake_db.database_url(health_check.demo_settings())
        get_settings.cache_clear()
        with contextlib.closing(psycopg2.connect(url)) as conn:
            conn.autocommit = True
            yield conn


@pytest.fixture
def pg(db):
    empty_tables(db, SOURCE, ENTITIES)
    yield db
    db.rollback()


def column_type(conn, table: str, column: str) -> str | None:
    rows = query(conn, "SELECT data_type FROM information_schema.columns WHERE table_schema = 'core' "
                       "AND table_name = %s AND column_name = %s", (table, column))
    return rows[0][0] if rows else None


# -- the demo, as Power BI sees it ---------------------------------------------------------------------------

@pytest.mark.parametrize("many, many_col, one_, one_col, cardinality, active, ari", documented(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_a_documented_relationship_joins_one_column_of_one_type_and_loses_no_fact(demo, many, many_col, one_,
                                                                                   one_col, cardinality, active, ari):
    kind = column_type(demo, many, many_col)
    assert kind is not None and kind == column_type(demo, one_, one_col), "one column of the same type both sides"
    ids = {"m": sql.Identifier("core", many), "mc": sql.Identifier(many_col), "o": sql.Identifier("core", one_),
           "oc": sql.Identifier(one_col)}

    def count(text: str) -> int:
        return one(demo, sql.SQL(text).format(**ids))[0]
    rows, one_rows = count("SELECT count(*) FROM {m}"), count("SELECT count(*) FROM {o}")
    assert rows > 0, "the demo fills every table of the model"
    assert count("SELECT count(DISTINCT {oc}) FROM {o}") == one_rows, "the one side is unique"
    assert count("SELECT count(*) FROM {m} WHERE {mc} IS NOT NULL AND NOT EXISTS "
                 "(SELECT FROM {o} WHERE {o}.{oc} = {m}.{mc})") == 0, "every value finds its row"
    if ari == "yes":
        assert count("SELECT count(*) FROM {m} WHERE {mc} IS NULL") == 0, "never null where ARI is on"
        assert count("SELECT count(*) FROM {m} JOIN {o} ON {o}.{oc} = {m}.{mc}") == rows, "an inner join loses no row"
    if cardinality == "one to one":
        assert count("SELECT count(DISTINCT {mc}) FROM {m}") == rows == one_rows, "one row per record each side"


def test_the_docs_list_every_reference_and_custom_field_table_the_model_declares():
    listed = {(m, mc, o, oc) for m, mc, o, oc, *_ in documented()}
    for source in SOURCES:
        for spec in {t.name: t for e in source_entities(source) for t in e.core_tables}.values():
            for fk, target in spec.refs.items():
                target_key = {"pd_users": "user_key", "zd_users": "user_key"}.get(target, target[3:-1] + "_key")
                assert (spec.name, fk.removesuffix("_id") + "_key", target, target_key) in listed, (spec.name, fk)
            for p in spec.pivots:
                key = p.entity + "_key"
                assert (p.table, key, p.records, key) in listed, p.table


def test_custom_field_tables_have_one_typed_column_per_field_holding_the_long_tables_values(demo):
    # (catalog query: scope, field key, name, type; types; the long values of one field, as record -> value)
    sources = (("SELECT scope, field_key, field_name, field_type FROM core.pd_custom_fields "
                "WHERE entity IN ('deal', 'person', 'organization')", PD_TYPES,
                "SELECT record_id, value_text, value_numeric FROM core.pd_custom_field_values "
                "WHERE scope = %s AND field_key = %s"),
               ("SELECT scope, ticket_field_id::text, title, type FROM core.zd_ticket_fields WHERE is_custom", ZD_TYPES,
                "SELECT ticket_id, value_text, value_numeric FROM core.zd_ticket_custom_field_values "
                "WHERE scope = %s AND ticket_field_id::text = %s"))
    published = {(s, k): (t, c, cur) for s, k, t, c, cur in query(
        demo, "SELECT scope, field_key, table_name, column_name, currency_column FROM core.custom_columns")}
    for catalog, types, long_values in sources:
        fields = query(demo, catalog)
        assert len(fields) >= 5, "the demo has custom fields"
        for scope, field_key, field_name, field_type in fields:
            table, column, currency = published[(scope, field_key)]
            expected = types.get(field_type, "text")
            assert column_type(demo, table, column) == expected, (field_name, field_type)
            assert (currency is not None) == (field_type == "monetary")
            assert re.fullmatch(r"[a-z_][a-z0-9_]*", column)
            record_id = [c for c in query(demo, "SELECT column_name FROM information_schema.columns WHERE "
                                                "table_schema = 'core' AND table_name = %s", (table,))
                         if c[0].endswith("_id")][0][0]
            wide = {r: v for r, v in query(demo, sql.SQL("SELECT {}, {} FROM {} WHERE scope = %s").format(
                sql.Identifier(record_id), sql.Identifier(column), sql.Identifier("core", table)), (scope,))
                    if v is not None}
            long = {r: (n if expected == "numeric" else t) for r, t, n in query(demo, long_values, (scope, field_key))}
            assert {r: str(v).lower() for r, v in wide.items()} == {r: str(v).lower() for r, v in long.items()}, (
                table, column)
    for table, records in (("pd_deal_custom_fields", "pd_deals"), ("zd_ticket_custom_fields", "zd_tickets")):
        assert one(demo, f"SELECT count(*) FROM core.{table}")[0] == one(demo, f"SELECT count(*) FROM core.{records}")[0]


def test_every_published_table_and_column_has_a_description(demo):
    missing = query(demo, """
        SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = 'core' AND c.relkind IN ('r', 'v', 'm', 'p')
          AND coalesce(col_description(c.oid, a.attnum), '') = ''
        UNION ALL
        SELECT c.relname, NULL FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'core' AND c.relkind IN ('r', 'v', 'm', 'p') AND coalesce(obj_description(c.oid), '') = ''
    """)
    assert missing == []


# -- between runs --------------------------------------------------------------------------------------------

def test_a_missing_dimension_row_becomes_a_member_that_the_real_record_replaces(pg):
    load(pg, "activities", [activity(1, "2024-05-01T10:00:00Z", deal_id=77, person_id=None)])
    normalize(pg, "activities")
    assert one(pg, "SELECT title, is_inferred, deal_key FROM core.pd_deals WHERE deal_id = 77") == (
        "(unknown 77)", True, 77)
    assert one(pg, "SELECT name, is_inferred FROM core.pd_persons WHERE person_id = 0") == ("(none)", True)
    # the inferred deal points at the (none) members of its own dimensions, and has its custom-field row
    assert one(pg, "SELECT name FROM core.pd_stages s JOIN core.pd_deals d ON d.stage_key = s.stage_key "
                   "WHERE d.deal_id = 77") == ("(none)",)
    assert one(pg, "SELECT count(*) FROM core.pd_deal_custom_fields WHERE deal_id = 77") == (1,)

    load(pg, "deals", [deal(77, "2024-05-02T10:00:00Z", title="Real deal")])
    normalize(pg, "deals")
    assert one(pg, "SELECT title, is_inferred, deal_key FROM core.pd_deals WHERE deal_id = 77") == (
        "Real deal", False, 77)
    assert one(pg, "SELECT count(*) FROM core.pd_deals WHERE NOT is_inferred") == (1,)


def test_member_keys_pack_the_scope_and_stay_the_same_on_a_full_rerun(pg):
    load(pg, "deals", [deal(5, "2024-05-01T10:00:00Z", stage_id=9)])
    load(pg, "deals", [deal(5, "2024-05-01T10:00:00Z", stage_id=9)], scope="other")
    normalize(pg, "deals")
    keys = {r[0]: r[1:] for r in query(pg, "SELECT scope, scope_key, deal_key, stage_key FROM core.pd_deals "
                                            "WHERE deal_id = 5")}
    assert {k[1] - (k[0] << 52) for k in keys.values()} == {5} and len({k[1] for k in keys.values()}) == 2
    assert all(k[2] == (k[0] << 52) + 9 for k in keys.values())
    normalize(pg, "deals", full=True)
    assert {r[0]: r[1:] for r in query(pg, "SELECT scope, scope_key, deal_key, stage_key FROM core.pd_deals "
                                       "WHERE deal_id = 5")} == keys


def test_a_new_field_adds_a_column_and_a_rename_keeps_it(pg):
    load(pg, "deal_fields", [field(ENUM, "Région", "enum", [(1, "North"), (2, "South")])])
    load(pg, "deals", [deal(1, "2024-05-01T10:00:00Z", custom_fields={ENUM: 1})])
    normalize(pg, "deal_fields", "deals")
    assert one(pg, "SELECT region FROM core.pd_deal_custom_fields WHERE deal_id = 1") == ("North",)

    # renamed in Pipedrive, option relabelled, and a second field whose name folds to the same column
    load(pg, "deal_fields", [field(ENUM, "Sales region", "enum", [(1, "Nord"), (2, "South")],
                                   updated="2024-06-01 08:00:00"),
                             field(MONEY, "Region", "monetary")])
    normalize(pg, "deal_fields")
    assert one(pg, "SELECT region, region_2, region_2_currency FROM core.pd_deal_custom_fields WHERE deal_id = 1") == (
        "Nord", None, None), "the label follows the catalog without the deal changing"
    assert dict(query(pg, "SELECT field_key, column_name FROM core.custom_columns")) == {ENUM: "region",
                                                                                       MONEY: "region_2"}
    load(pg, "deals", [deal(1, "2024-06-02T10:00:00Z", custom_fields={ENUM: 2, MONEY: {"value": 12.5, "currency": "EUR"}})])
    normalize(pg, "deals")
    assert one(pg, "SELECT region, region_2, region_2_currency FROM core.pd_deal_custom_fields WHERE deal_id = 1") == (
        "South", 12.5, "EUR")


def test_every_summary_table_equals_its_recomputation_from_the_fact_after_runs_of_changes(demo):
    """The aggregation tables (sql/45_core_powerbi) are kept by statement triggers as normalize writes: after
    the demo's runs (inserts, updates, inferred members, deletions flagged) each must hold exactly what its
    _rebuild() recomputes from the fact table."""
    rebuilds = [r[0] for r in query(demo, "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = "
                                          "p.pronamespace WHERE n.nspname = 'util' AND p.proname LIKE '%%_agg_%%_rebuild'")]
    assert len(rebuilds) >= 4
    with demo.cursor() as cur:
        cur.execute("BEGIN")
        try:  # the statements normalize sends, in every shape: updates that move rows between groups, deletes
            cur.execute("UPDATE core.pd_deals SET status = 'won', won_at = updated_at, value = value + 1 "
                        "WHERE deal_id % 3 = 0")
            cur.execute("UPDATE core.zd_tickets SET status = 'solved', priority = NULL WHERE ticket_id % 4 = 0")
            cur.execute("DELETE FROM core.pd_deals WHERE deal_id % 7 = 0")
            cur.execute("DELETE FROM core.zd_tickets WHERE ticket_id % 5 = 0")
            for rebuild in rebuilds:
                table = sql.Identifier("core", rebuild.removesuffix("_rebuild"))
                cur.execute(sql.SQL("SELECT * FROM {} AS t ORDER BY t::text").format(table))
                kept = cur.fetchall()
                cur.execute(sql.SQL("SELECT {}()").format(sql.Identifier("util", rebuild)))
                cur.execute(sql.SQL("SELECT * FROM {} AS t ORDER BY t::text").format(table))
                assert kept == cur.fetchall() and kept, rebuild
        finally:
            cur.execute("ROLLBACK")
