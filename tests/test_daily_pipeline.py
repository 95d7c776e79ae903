"""The daily runner: stages in order, one log file, meta.pipeline_runs rows, single instance, the demo."""
import datetime as dt
import socket

import psycopg2

from lake import db as lake_db
from lake.settings import get_settings
from scripts import daily_pipeline
from tests.fixtures.pipedrive_sim import PIPEDRIVE_SIM_TOKEN


def configure(monkeypatch, tmp_path, pg_url, sim):
    for name in ("PIPEDRIVE_SCOPES", "LAKE_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("LAKE_ROOT", str(tmp_path / "lake"))
    monkeypatch.setenv("LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", PIPEDRIVE_SIM_TOKEN)
    monkeypatch.setenv("PIPEDRIVE_BASE_URL", sim.base_url)
    get_settings.cache_clear()


def test_runs_every_stage_into_one_log_and_records_runs(monkeypatch, tmp_path, pg_url, pipedrive_sim):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim)
    assert daily_pipeline.main([]) == 0
    log = (tmp_path / "logs" / f"daily_pipeline_{dt.date.today():%Y-%m-%d}.log").read_text()
    assert "pipedrive.deals scope=default status=success" in log and "normalize rows_in=" in log
    assert PIPEDRIVE_SIM_TOKEN not in log
    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("select stage, status, count(*) from meta.pipeline_runs group by 1, 2 order by 1")
        assert cur.fetchall() == [("extract", "success", 11), ("load", "success", 11), ("normalize", "success", 11)]
        cur.execute("select rows_out, watermark_after from meta.pipeline_runs where stage = 'extract' "
                    "and entity = 'deals'")
        assert cur.fetchone() == (len(pipedrive_sim.truth("deals")), max(d["update_time"] for d in pipedrive_sim.truth("deals")))
    get_settings.cache_clear()


def test_a_second_instance_refuses_to_start(monkeypatch, tmp_path, pg_url, pipedrive_sim):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim)
    with psycopg2.connect(pg_url) as holder, holder.cursor() as cur:
        cur.execute("select pg_advisory_lock(hashtext(%s))", (daily_pipeline.LOCK_NAME,))
        assert daily_pipeline.main([]) == 1
        assert pipedrive_sim.request_count == 0
    get_settings.cache_clear()


def test_a_failing_stage_makes_the_run_fail_but_later_stages_still_run(monkeypatch, tmp_path, pg_url, pipedrive_sim):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim)
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "revoked-token-1234")
    get_settings.cache_clear()
    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("select coalesce(max(run_id), 0) from meta.pipeline_runs")
        before = cur.fetchone()[0]
    assert daily_pipeline.main([]) == 1
    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("select stage, status from meta.pipeline_runs where entity = 'deals' and run_id > %s "
                    "order by run_id", (before,))
        assert cur.fetchall() == [("extract", "failed"), ("load", "success"), ("normalize", "success")]
    get_settings.cache_clear()


def test_demo_needs_no_configuration(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "PGHOST", "PGDATABASE", "LAKE_ROOT", "LOG_DIR", "PIPEDRIVE_API_TOKEN",
                 "ZENDESK_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    assert daily_pipeline.main(["--demo"]) == 0
    log = next((tmp_path / "logs").glob("daily_pipeline_*.log")).read_text()
    assert "core.pd_deals rows=" in log and "core.zd_tickets rows=" in log and "every stage succeeded" in log
    for source in ("pipedrive", "zendesk"):
        assert (tmp_path / "data" / "demo" / "lake" / "bronze" / source / "scope=demo").is_dir()
    get_settings.cache_clear()


def test_only_configured_sources_run_and_none_configured_is_a_configuration_error(monkeypatch, tmp_path, pg_url,
                                                                                  pipedrive_sim, capsys):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim)
    assert daily_pipeline.main([]) == 0  # ZENDESK_* unset: a Pipedrive-only team gets a green run
    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("select distinct source from meta.pipeline_runs")
        assert cur.fetchall() == [("pipedrive",)]
    assert daily_pipeline.main(["--source", "zendesk"]) == 2  # named explicitly, its missing settings: exit 2
    for name in ("PIPEDRIVE_API_TOKEN", "PIPEDRIVE_BASE_URL"):
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    assert daily_pipeline.main([]) == 2
    assert "no source is configured" in capsys.readouterr().err
    get_settings.cache_clear()


def test_a_sweep_is_due_weekly_but_never_on_the_first_run(monkeypatch, tmp_path, pg_url, pipedrive_sim):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim)
    stages = ("select stage, count(*) from meta.pipeline_runs where source = 'pipedrive' and run_id > %s "
              "group by 1 order by 1")
    assert daily_pipeline.main([]) == 0  # first run: its extract reads everything, no sweep on top
    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("select coalesce(max(run_id), 0) from meta.pipeline_runs")
        before = cur.fetchone()[0]
    assert daily_pipeline.main([]) == 0  # no sweep yet on record: the second run sweeps
    monkeypatch.setenv("SWEEP_DELETIONS_EVERY_DAYS", "7")
    get_settings.cache_clear()
    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute(stages, (before,))
        assert dict(cur.fetchall())["sweep"] == 4  # deals, persons, organizations, activities
        cur.execute("select coalesce(max(run_id), 0) from meta.pipeline_runs")
        before = cur.fetchone()[0]
    assert daily_pipeline.main([]) == 0  # swept yesterday: not due for a week
    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute(stages, (before,))
        assert "sweep" not in dict(cur.fetchall())
    get_settings.cache_clear()


def test_the_run_ends_with_a_health_check_and_its_alert_and_a_dead_webhook_changes_nothing(
        monkeypatch, tmp_path, pg_url, pipedrive_sim, webhook):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim)
    monkeypatch.setenv("ALERT_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("ALERT_WEBHOOK_KIND", "slack")
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "revoked-token-1234")
    get_settings.cache_clear()
    assert daily_pipeline.main([]) == 1
    log = (tmp_path / "logs" / f"daily_pipeline_{dt.date.today():%Y-%m-%d}.log").read_text()
    assert "health check:" in log and "FAIL    did_it_run" in log
    [(_, _, payload)] = webhook.received
    assert "did_it_run" in payload["text"] and "401" in payload["text"]
    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from meta.health_checks where status = 'fail'")
        assert cur.fetchone()[0] > 0
    webhook.shutdown()
    webhook.server_close()  # the channel is gone: the run's exit code must not change
    get_settings.cache_clear()
    assert daily_pipeline.main([]) == 1
    get_settings.cache_clear()


def test_configuration_and_database_problems_are_one_line_and_the_right_exit_code(monkeypatch, tmp_path, pg_url,
                                                                                   pipedrive_sim, capsys):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim)
    (tmp_path / "a_file").write_text("x")
    cases = [({"LOG_DIR": str(tmp_path / "a_file")}, 2, "LOG_DIR"),
             ({"LAKE_ROOT": str(tmp_path / "a_file")}, 2, "LAKE_ROOT"),
             ({"PIPEDRIVE_BASE_URL": "not-a-url"}, 2, "not-a-url"),
             ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"}, 1,
              "cannot reach the database")]
    for env, code, said in cases:
        with monkeypatch.context() as mp:
            for name, value in env.items():
                mp.setenv(name, value)
            get_settings.cache_clear()
            assert daily_pipeline.main([]) == code, env
            err = capsys.readouterr().err
            assert said in err and "Traceback" not in err, err[-2000:]
    get_settings.cache_clear()


def test_a_killed_runs_running_rows_are_closed_as_abandoned_when_the_next_run_takes_the_lock(
        monkeypatch, tmp_path, pg_url, pipedrive_sim):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim)
    lake_db.connect(get_settings()).close()  # migrated, as after any earlier run
    host = socket.gethostname()
    insert = ("insert into meta.pipeline_runs (stage, source, scope, entity, status, started_at, host, pid) "
              "values (%s, 'pipedrive', 'default', 'deals', 'running', now() - interval '5 minutes', %s, %s) "
              "returning run_id")
    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        dead = []
        for stage in ("extract", "load", "normalize"):  # a killed run: its process (pid 2**22 + 1) is gone
            cur.execute(insert, (stage, host, 2 ** 22 + 1))
            dead.append(cur.fetchone()[0])
    # a normalize somebody runs by hand right now: its session holds the stage lock, so its row is alive
    with psycopg2.connect(pg_url) as manual, manual.cursor() as cur:
        cur.execute("select pg_advisory_lock(hashtext('load:zendesk'))")
        cur.execute(insert.replace("'pipedrive'", "'zendesk'"), ("normalize", "elsewhere", 1))
        alive = cur.fetchone()[0]
        manual.commit()
        assert daily_pipeline.main(["--source", "pipedrive"]) == 0
        with psycopg2.connect(pg_url) as conn, conn.cursor() as check:
            check.execute("select run_id, status, error from meta.pipeline_runs where run_id = any(%s) "
                          "order by run_id", (dead + [alive],))
            rows = check.fetchall()
    assert [r[1] for r in rows] == ["abandoned"] * 3 + ["running"]
    assert all("next daily run took the lock" in r[2] for r in rows[:3])
    get_settings.cache_clear()
