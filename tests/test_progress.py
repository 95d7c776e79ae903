"""Progress lines: how often, what they say, live on a terminal; the heartbeat of a long statement."""
import io
import logging
import time

from lake.progress import Progress, heartbeat


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_scheduled_run_logs_at_most_every_interval_with_rate_and_time_left(caplog):
    clock = Clock()
    p = Progress("zendesk.tickets load", 1000, every=30, live=False, clock=clock)
    with caplog.at_level(logging.INFO, logger="lake.progress"):
        for _ in range(10):
            clock.now += 10
            p.add(50)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3  # at 30, 60, 90 s
    assert lines[0] == "zendesk.tickets load: 150 of 1,000 rows (15 %), 5/s, 30s, ~2m50s left"


def test_without_a_total_it_says_rows_and_rate_only(caplog):
    clock = Clock()
    p = Progress("pipedrive.deals extract", every=1, live=False, clock=clock, unit="records")
    with caplog.at_level(logging.INFO, logger="lake.progress"):
        clock.now = 120
        p.add(6000)
    assert [r.getMessage() for r in caplog.records] == ["pipedrive.deals extract: 6,000 records, 50/s, 2m00s"]


def test_on_a_terminal_the_line_is_redrawn_in_place_and_nothing_is_logged(caplog):
    clock, out = Clock(), io.StringIO()
    p = Progress("load", 100, live=True, clock=clock, out=out)
    with caplog.at_level(logging.INFO, logger="lake.progress"):
        for _ in range(4):
            clock.now += 1
            p.add(10)
        p.close()
    assert not caplog.records
    text = out.getvalue()
    assert text.count("\r") >= 5 and "load: 40 of 100 rows (40 %)" in text and text.endswith("\r")


def test_a_heartbeat_says_a_long_statement_is_still_running(caplog):
    with caplog.at_level(logging.INFO, logger="lake.progress"):
        with heartbeat("normalize zendesk.tickets zd_tickets", every=0.05, live=False):
            time.sleep(0.18)
    lines = [r.getMessage() for r in caplog.records]
    assert 2 <= len(lines) <= 4 and all(line.startswith("normalize zendesk.tickets zd_tickets: still running")
                                        for line in lines)
