"""scripts/send_alerts.py against a webhook on 127.0.0.1: dry by default,
retries with backoff, and exactly once across a crash and a restart.

The published copy of the warehouse (scripts/publish.py's file beside it)
holds the three marts the sender reads, written by hand: four route_to_sales
actions of the last seven days (a1-a4), one older (old) and one nurture
action (n1), as of 2026-03-20. The warehouse itself holds a later run that
the job's guard stopped before publish: one more action (bad) that no alert
may come from. The journal is beside the warehouse."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
SENDER = REPO / "scripts" / "send_alerts.py"


ACTIONS = [
    ("a1", "L1", "route_to_sales", "2026-03-19"),
    ("a2", "L2", "route_to_sales", "2026-03-19"),
    ("a3", "L3", "route_to_sales", "2026-03-20"),
    ("a4", "L4", "route_to_sales", "2026-03-20"),
    ("old", "L5", "route_to_sales", "2026-03-10"),
    ("n1", "L6", "add_to_nurture", "2026-03-20"),
]


def write_marts(
    path: Path, actions: list[tuple[str, str, str, str]], as_of: str = "2026-03-20"
) -> None:
    """The three marts the sender reads, in a new file or replacing them:
    `actions` are (routing_action_id, lead_id, action, transition_date) of
    model m, group hot, target sdr; the scores are as of `as_of`."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.fct_lead_scores as select 'L1' as lead_id,"
            " 'm' as model_id, ?::date as scored_as_of",
            [as_of],
        )
        con.execute(
            "create or replace table marts.fct_routing_actions ("
            " routing_action_id varchar, lead_id varchar, action varchar,"
            " transition_date date)"
        )
        con.executemany(
            "insert into marts.fct_routing_actions values (?, ?, ?, ?)", actions
        )
        con.execute(
            """
            create or replace table marts.fct_routing_actions as
            select * from marts.fct_routing_actions as actions,
            lateral (
                select
                    'm' as model_id,
                    'hot' as group_name,
                    'sdr' as target,
                    'activity' as cause,
                    61.5::double as lead_score,
                    24 as sla_hours,
                    cast(transition_date + 1 as timestamp) as triggered_at,
                    cast(transition_date + 2 as timestamp) as due_at
            )
            """
        )
        con.execute(
            "create or replace table marts.fct_crm_lead_scores as select 'L1' as"
            " lead_id, 'm' as model_id, 'l1@acme.com' as email, 'Requested a demo:"
            " +40' as top_reason_1, null as top_reason_2, null as top_reason_3"
        )
    finally:
        con.close()


def published_of(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.stem}_published.duckdb")


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    write_marts(published_of(path), ACTIONS)
    write_marts(path, [*ACTIONS, ("bad", "L9", "route_to_sales", "2026-03-20")])
    return path


class Webhook:
    """A webhook on 127.0.0.1 that records every request it receives; `answer`
    decides the HTTP status of each POST (by its number and action id), with
    a Location header when `location` says one. `requests` holds the method
    and path of every request, GETs included (they are answered 200)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, dict]] = []
        self.requests: list[tuple[str, str]] = []
        self.answer: Callable[[int, str], int] = lambda number, action_id: 200
        self.location: str | None = None
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                webhook.requests.append(("POST", self.path))
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                webhook.received.append(
                    (body["routing_action_id"], self.headers["Idempotency-Key"], body)
                )
                status = webhook.answer(
                    len(webhook.received), body["routing_action_id"]
                )
                self.send_response(status)
                if webhook.location and 300 <= status < 400:
                    self.send_header("Location", webhook.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                webhook.requests.append(("GET", self.path))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self) -> list[str]:
        return [action_id for action_id, _, _ in self.received]


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.server.shutdown()


def sender(warehouse: Path, *args: str) -> list[str]:
    return [sys.executable, str(SENDER), "--warehouse", str(warehouse), *args]


def run(warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        sender(warehouse, *args), capture_output=True, text=True, timeout=60
    )


def test_dry_run_sends_nothing(warehouse: Path, webhook: Webhook) -> None:
    result = run(warehouse, "--url", webhook.url)
    assert result.returncode == 0
    assert "4 route_to_sales action(s)" in result.stdout
    first = json.loads(result.stdout.splitlines()[1])
    assert first["routing_action_id"] == "a1"
    assert first["email"] == "l1@acme.com"
    assert webhook.received == []
    assert not warehouse.with_suffix(".alerts.sqlite").exists()


def test_failures_are_retried_with_backoff_and_sent_once(
    warehouse: Path, webhook: Webhook
) -> None:
    """a2 gets 503 twice, then 200; a4 gets 400 (not retried) until the next
    run, which sends only a4."""
    attempts: dict[str, int] = {}

    def answer(number: int, action_id: str) -> int:
        attempts[action_id] = attempts.get(action_id, 0) + 1
        if action_id == "a2" and attempts[action_id] <= 2:
            return 503
        if action_id == "a4" and attempts[action_id] == 1:
            return 400
        return 200

    webhook.answer = answer
    first = run(warehouse, "--send", "--url", webhook.url, "--backoff", "0.01")
    assert first.returncode == 1
    assert "3 sent, 0 sent before, 1 failed" in first.stdout
    assert webhook.ids() == ["a1", "a2", "a2", "a2", "a3", "a4"]

    second = run(warehouse, "--send", "--url", webhook.url, "--backoff", "0.01")
    assert second.returncode == 0
    assert "1 sent, 3 sent before, 0 failed" in second.stdout
    assert webhook.ids()[6:] == ["a4"]


def test_exactly_once_across_a_crash_and_a_restart(
    warehouse: Path, webhook: Webhook
) -> None:
    """The sender is killed (SIGKILL) while the webhook holds a2's request.
    The restart sends a3 and a4, not a1 (sent) nor a2 (it may have arrived:
    reported, not resent). Every action reaches the webhook once."""
    holding = threading.Event()
    release = threading.Event()

    def answer(number: int, action_id: str) -> int:
        if action_id == "a2":
            holding.set()
            release.wait(30)
        return 200

    webhook.answer = answer
    process = subprocess.Popen(
        sender(warehouse, "--send", "--url", webhook.url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert holding.wait(30), "the sender never posted a2"
    # A second sender meanwhile stops at once: one sender at a time.
    second = run(warehouse, "--send", "--url", webhook.url)
    assert second.returncode == 75
    assert "Another send_alerts.py is running" in second.stderr
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    release.set()

    restart = run(warehouse, "--send", "--url", webhook.url)
    assert restart.returncode == 1
    assert "2 sent, 1 sent before, 0 failed (retried next run), 1 unconfirmed" in (
        restart.stdout
    )
    assert "unconfirmed a2" in restart.stderr
    assert sorted(webhook.ids()) == ["a1", "a2", "a3", "a4"]

    again = run(warehouse, "--send", "--url", webhook.url)
    assert sorted(webhook.ids()) == ["a1", "a2", "a3", "a4"]
    assert again.returncode == 1

    # After checking the webhook, the operator resends a2 under the same key.
    resent = run(warehouse, "--send", "--url", webhook.url, "--resend-unconfirmed")
    assert resent.returncode == 0
    assert webhook.received[-1][:2] == ("a2", "a2")
    assert len(webhook.received) == 5


def test_an_alert_moved_to_another_day_by_late_data_is_not_sent_again(
    warehouse: Path, webhook: Webhook
) -> None:
    """After a1 (L1, 03-19) is sent, late events move L1's transition to
    03-17: the action gets a new id, but the alert for L1 went out already."""
    assert run(warehouse, "--send", "--url", webhook.url).returncode == 0
    con = duckdb.connect(str(published_of(warehouse)))
    con.execute(
        "update marts.fct_routing_actions set routing_action_id = 'a1moved',"
        " transition_date = date '2026-03-17' where routing_action_id = 'a1'"
    )
    con.close()
    again = run(warehouse, "--send", "--url", webhook.url)
    assert again.returncode == 0
    assert "0 sent, 4 sent before" in again.stdout
    assert sorted(webhook.ids()) == ["a1", "a2", "a3", "a4"]


def test_alerts_read_the_published_copy_not_the_warehouse(
    warehouse: Path, webhook: Webhook, tmp_path: Path
) -> None:
    """The action `bad` of the stopped run (in the warehouse only) is neither
    listed nor posted; the journal is beside the warehouse; --published names
    another copy."""
    dry = run(warehouse, "--url", webhook.url)
    assert dry.returncode == 0
    listed = [
        json.loads(line)["routing_action_id"] for line in dry.stdout.splitlines()[1:]
    ]
    assert listed == ["a1", "a2", "a3", "a4"]

    sent = run(warehouse, "--send", "--url", webhook.url)
    assert sent.returncode == 0
    assert sorted(webhook.ids()) == ["a1", "a2", "a3", "a4"]
    assert warehouse.with_suffix(".alerts.sqlite").exists()
    assert not published_of(warehouse).with_suffix(".alerts.sqlite").exists()

    elsewhere = tmp_path / "elsewhere" / "copy.duckdb"
    elsewhere.parent.mkdir()
    write_marts(elsewhere, [("c1", "L8", "route_to_sales", "2026-03-20")])
    other = run(
        warehouse, "--send", "--url", webhook.url, "--published", str(elsewhere)
    )
    assert other.returncode == 0
    assert "1 sent, 0 sent before" in other.stdout
    assert sorted(webhook.ids()) == ["a1", "a2", "a3", "a4", "c1"]


def test_a_missing_published_copy_is_said_plainly(
    warehouse: Path, webhook: Webhook, tmp_path: Path
) -> None:
    """No published copy (beside the warehouse, or where --published says):
    a message naming it, exit 2, nothing posted and no journal."""
    published_of(warehouse).unlink()
    for extra in ([], ["--published", str(tmp_path / "nowhere.duckdb")]):
        for mode in ([], ["--send"]):
            result = run(warehouse, *mode, "--url", webhook.url, *extra)
            assert result.returncode == 2
            missing = extra[1] if extra else str(published_of(warehouse))
            assert f"No published copy at {missing}" in result.stderr
            assert "publish.py" in result.stderr
    assert webhook.received == []
    assert not warehouse.with_suffix(".alerts.sqlite").exists()


def publish_actions(
    warehouse: Path, actions: list[tuple[str, str, str]], as_of: str = "2026-03-20"
) -> None:
    """A new published copy whose route_to_sales actions are `actions`:
    (routing_action_id, lead_id, transition_date)."""
    write_marts(
        published_of(warehouse),
        [(action_id, lead, "route_to_sales", day) for action_id, lead, day in actions],
        as_of,
    )


def send(warehouse: Path, webhook: Webhook) -> str:
    result = run(warehouse, "--send", "--url", webhook.url)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_lead_that_re_enters_its_group_gets_an_alert_each_time(
    warehouse: Path, webhook: Webhook
) -> None:
    """L7 enters hot on 03-14 (e1), leaves, enters again on 03-17 (e2) and
    on 03-20 (e3): three actions, three alerts, although each re-entry is
    within 7 days of the alert before it. L8's first entry (f1, 03-12,
    sent as of 03-14) is outside the window as of 03-20: still an action of
    its own, so its re-entry f2 (03-18) gets an alert too. As of 03-21, e1
    is outside the window as well."""
    publish_actions(
        warehouse,
        [("e1", "L7", "2026-03-14"), ("f1", "L8", "2026-03-12")],
        as_of="2026-03-14",
    )
    assert "2 sent, 0 sent before" in send(warehouse, webhook)
    publish_actions(
        warehouse,
        [
            ("e1", "L7", "2026-03-14"),
            ("e2", "L7", "2026-03-17"),
            ("f1", "L8", "2026-03-12"),
            ("f2", "L8", "2026-03-18"),
        ],
    )
    assert "2 sent, 1 sent before" in send(warehouse, webhook)
    publish_actions(
        warehouse,
        [
            ("e1", "L7", "2026-03-14"),
            ("e2", "L7", "2026-03-17"),
            ("e3", "L7", "2026-03-20"),
            ("f1", "L8", "2026-03-12"),
            ("f2", "L8", "2026-03-18"),
        ],
        as_of="2026-03-21",
    )
    assert "1 sent, 2 sent before" in send(warehouse, webhook)
    assert webhook.ids() == ["f1", "e1", "e2", "f2", "e3"]


def test_moved_transitions_and_re_entries_together(
    warehouse: Path, webhook: Webhook
) -> None:
    """e1 (L7, 03-15) is sent; late events move it to 03-14 (e1m) while L7
    also re-enters on 03-17 (e2): e1 stands for the nearest, e1m, and e2 is
    posted. Next, L7 re-enters on 03-19 (e3): e1 stood for e1m already, so
    e3 is posted. L8's two alerts (f1 03-14, f2 03-18) both move a day
    earlier (f1m, f2m; f1m out of the window from 03-14 on): each stands for
    one, nothing is posted. Windows as of 03-20: from 03-14."""
    publish_actions(
        warehouse,
        [
            ("e1", "L7", "2026-03-15"),
            ("f1", "L8", "2026-03-14"),
            ("f2", "L8", "2026-03-18"),
        ],
    )
    assert "3 sent, 0 sent before" in send(warehouse, webhook)
    publish_actions(
        warehouse,
        [
            ("e1m", "L7", "2026-03-14"),
            ("e2", "L7", "2026-03-17"),
            ("f1m", "L8", "2026-03-13"),
            ("f2m", "L8", "2026-03-17"),
        ],
    )
    assert "1 sent, 2 sent before" in send(warehouse, webhook)
    assert webhook.ids()[3:] == ["e2"]
    publish_actions(
        warehouse,
        [
            ("e1m", "L7", "2026-03-14"),
            ("e2", "L7", "2026-03-17"),
            ("e3", "L7", "2026-03-19"),
            ("f1m", "L8", "2026-03-13"),
            ("f2m", "L8", "2026-03-17"),
        ],
    )
    assert "1 sent, 3 sent before" in send(warehouse, webhook)
    assert webhook.ids() == ["f1", "e1", "f2", "e2", "e3"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_a_delivery(
    warehouse: Path, webhook: Webhook, status: int
) -> None:
    """The webhook answers a1 with a redirect to /moved (which would answer
    200): not followed, a1 is failed, not sent, and not retried within the
    run (the same URL would redirect again); the message names the status
    and the Location. The next run, once the webhook takes it, sends it."""
    webhook.location = f"{webhook.url.rsplit('/', 1)[0]}/moved"
    webhook.answer = lambda number, action_id: status if action_id == "a1" else 200
    first = run(warehouse, "--send", "--url", webhook.url, "--backoff", "0.01")
    assert first.returncode == 1
    assert "3 sent, 0 sent before, 1 failed" in first.stdout
    assert f"a1: HTTP {status} redirect to {webhook.location}" in first.stderr
    assert webhook.requests == [("POST", "/alerts")] * 4
    journal = sqlite3.connect(warehouse.with_suffix(".alerts.sqlite"))
    assert journal.execute(
        "select status, last_error from sent_alerts where routing_action_id = 'a1'"
    ).fetchone() == (
        "failed",
        f"HTTP {status} redirect to {webhook.location}, not followed",
    )
    journal.close()

    webhook.answer = lambda number, action_id: 200
    second = run(warehouse, "--send", "--url", webhook.url)
    assert second.returncode == 0
    assert "1 sent, 3 sent before, 0 failed" in second.stdout
    assert webhook.ids() == ["a1", "a2", "a3", "a4", "a1"]
