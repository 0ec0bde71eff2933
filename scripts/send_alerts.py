"""Post every new route_to_sales action to a webhook, once.

Reads marts.fct_routing_actions (with the lead's email and top reasons from
marts.fct_crm_lead_scores) of the published copy (scripts/publish.py's file
beside the warehouse, or --published), never the warehouse: a run that the
job's guard stopped before publish sends no alert, and alerts stay at the
last good run like the CRM sync and BI. It posts each route_to_sales action
of the last --max-age-days (7) up to the copy's as_of as one JSON object
(older actions of a long history are never sent). Every action is posted
once: a lead that enters a sales-ready group, leaves and enters again gets
one alert each time. Late events can move a transition to another day within
the lookback, which changes the action's id: an alert sent for an action
that is gone (superseded) stands for the new action of the same lead, model,
group and target nearest to it within --max-age-days, one new action at most,
so that move is not posted again. One sender runs at a time (a lock on the
journal).
Dry by default: it prints what it would send; --send posts.

Exactly once. A journal (SQLite, next to the warehouse) records each action
as `sending` before its request goes out and as `sent` when the webhook
answers 2xx, each step committed. So:
- a sent action is never posted again;
- a definite failure (connection refused, HTTP 429 or 5xx) is retried with
  exponential backoff, and by the next run if it still fails; another 4xx,
  and a redirect (3xx), fail at once and are tried again by the next run. A
  redirect is never followed: urllib would turn a redirected POST into a GET
  without its body, and the 2xx of that GET would count as a delivery. The
  same URL answers the same redirect, so retrying it within the run is of no
  use: the run lists it with the Location, exits 1, and --url needs fixing;
- an action whose request was under way when the sender was killed, or
  timed out, may or may not have arrived. It stays `sending` and is not
  posted again by itself: the run lists it and exits 1. After checking the
  receiving side, --resend-unconfirmed posts it again with the same
  Idempotency-Key header.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
from publish import published_path

DEFAULT_WAREHOUSE = "data/lead_scoring.duckdb"
RETRIED_STATUSES = {429, 500, 502, 503, 504}

ACTIONS_SQL = """
    select
        actions.routing_action_id,
        actions.lead_id,
        actions.model_id,
        actions.group_name,
        actions.target,
        actions.cause,
        actions.lead_score,
        actions.sla_hours,
        actions.transition_date,
        actions.triggered_at,
        actions.due_at,
        crm.email,
        crm.top_reason_1,
        crm.top_reason_2,
        crm.top_reason_3
    from marts.fct_routing_actions as actions
    left join marts.fct_crm_lead_scores as crm
        on actions.lead_id = crm.lead_id
        and actions.model_id = crm.model_id
    where actions.action = 'route_to_sales'
        and actions.transition_date > (
            select max(scored_as_of) from marts.fct_lead_scores
        ) - ?::integer
    order by actions.triggered_at, actions.routing_action_id
"""


# Every route_to_sales action, of any day, of the leads and models with one
# in the window: what the alerts sent for them may have been superseded by.
CURRENT_SQL = """
    with recent as (
        select distinct lead_id, model_id
        from marts.fct_routing_actions
        where action = 'route_to_sales'
            and transition_date > (
                select max(scored_as_of) from marts.fct_lead_scores
            ) - ?::integer
    )
    select
        actions.routing_action_id,
        actions.lead_id,
        actions.model_id,
        actions.group_name,
        actions.target,
        actions.transition_date
    from marts.fct_routing_actions as actions
    inner join recent
        on actions.lead_id = recent.lead_id
        and actions.model_id = recent.model_id
    where actions.action = 'route_to_sales'
"""


@dataclass(frozen=True)
class Action:
    """What matching alerts to actions needs of an action (or of a sent
    alert: the action it was sent for)."""

    routing_action_id: str
    alert_key: str
    transition_date: dt.date


def new_actions(published: Path, max_age_days: int) -> tuple[list[dict], list[Action]]:
    """The route_to_sales actions of transitions in the last max_age_days
    up to the published copy's as_of, as posted; and every route_to_sales
    action of their leads and models, of any day."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        cursor = con.execute(ACTIONS_SQL, [max_age_days])
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
        current = [
            Action(
                action_id,
                alert_key(
                    {
                        "lead_id": lead_id,
                        "model_id": model_id,
                        "group_name": group_name,
                        "target": target,
                    }
                ),
                transition_date,
            )
            for action_id, lead_id, model_id, group_name, target, transition_date in (
                con.execute(CURRENT_SQL, [max_age_days]).fetchall()
            )
        ]
    finally:
        con.close()
    recent = [
        {
            name: value.isoformat()
            if isinstance(value, dt.date)
            else json_number(value)
            for name, value in zip(names, row, strict=True)
        }
        for row in rows
    ]
    return recent, current


def stand_ins(
    current: list[Action], sent: list[Action], journaled: set[str], within_days: int
) -> dict[str, Action]:
    """Which sent alert stands for which new action: {new action id: sent
    alert}. `current` are the actions now, `sent` the alerts sent and not
    standing for another action yet, `journaled` the ids the journal has.
    Only an alert whose action is no longer current was superseded (late
    data moved its transition); an alert whose action is still current is
    another action's (a re-entry) and stands for nothing. Each superseded
    alert stands for at most one new action of its key within within_days,
    the nearest by transition date (ties: the earlier, then the smaller id),
    and each new action has at most one alert."""
    current_ids = {action.routing_action_id for action in current}
    superseded = [alert for alert in sent if alert.routing_action_id not in current_ids]
    fresh = [action for action in current if action.routing_action_id not in journaled]
    pairs = sorted(
        (
            abs((action.transition_date - alert.transition_date).days),
            action.transition_date,
            action.routing_action_id,
            alert.transition_date,
            alert.routing_action_id,
        )
        for action in fresh
        for alert in superseded
        if action.alert_key == alert.alert_key
        and abs((action.transition_date - alert.transition_date).days) <= within_days
    )
    by_id = {alert.routing_action_id: alert for alert in superseded}
    matched: dict[str, Action] = {}
    used: set[str] = set()
    for _, _, action_id, _, alert_id in pairs:
        if action_id not in matched and alert_id not in used:
            matched[action_id] = by_id[alert_id]
            used.add(alert_id)
    return matched


def json_number(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


class Journal:
    """What was sent: one row per action, committed at every step."""

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(path, isolation_level=None)
        self.con.execute(
            """
            create table if not exists sent_alerts (
                routing_action_id text primary key,
                alert_key text not null,
                transition_date text not null,
                status text not null check (status in ('sending', 'sent', 'failed')),
                attempts integer not null,
                last_error text,
                first_attempt_at text not null,
                sent_at text,
                moved_from text
            )
            """
        )
        # moved_from: the sent alert this row's action was not posted for
        # (late data moved that alert's transition here). Journals written
        # before it existed get the column.
        columns = {row[1] for row in self.con.execute("pragma table_info(sent_alerts)")}
        if "moved_from" not in columns:
            self.con.execute("alter table sent_alerts add column moved_from text")

    def status(self, action_id: str) -> str | None:
        row = self.con.execute(
            "select status from sent_alerts where routing_action_id = ?", [action_id]
        ).fetchone()
        return row[0] if row else None

    def journaled(self, action_ids: set[str]) -> set[str]:
        """Those of action_ids the journal has, whatever their status."""
        known = {
            row[0]
            for row in self.con.execute("select routing_action_id from sent_alerts")
        }
        return action_ids & known

    def free_sent(self, keys: set[str]) -> list[Action]:
        """The sent alerts of these keys that stand for no other action yet."""
        rows = self.con.execute(
            "select routing_action_id, alert_key, transition_date from sent_alerts"
            " where status = 'sent' and routing_action_id not in ("
            " select moved_from from sent_alerts where moved_from is not null)"
        ).fetchall()
        return [
            Action(action_id, key, dt.date.fromisoformat(day))
            for action_id, key, day in rows
            if key in keys
        ]

    def mark_moved(self, action: Action, alert: Action) -> None:
        """Record `action` as sent: `alert`, sent before, stands for it."""
        self.con.execute(
            "insert into sent_alerts (routing_action_id, alert_key, transition_date,"
            " status, attempts, last_error, first_attempt_at, sent_at, moved_from)"
            " values (?, ?, ?, 'sent', 0, ?, ?, null, ?)",
            [
                action.routing_action_id,
                action.alert_key,
                action.transition_date.isoformat(),
                f"moved by late data: {alert.routing_action_id} was sent",
                now(),
                alert.routing_action_id,
            ],
        )

    def mark_sending(self, action: dict) -> None:
        self.con.execute(
            """
            insert into sent_alerts (routing_action_id, alert_key, transition_date,
                status, attempts, last_error, first_attempt_at, sent_at)
            values (?, ?, ?, 'sending', 1, null, ?, null)
            on conflict (routing_action_id) do update
            set status = 'sending', attempts = attempts + 1
            """,
            [
                action["routing_action_id"],
                alert_key(action),
                action["transition_date"],
                now(),
            ],
        )

    def last_error(self, action_id: str) -> str | None:
        row = self.con.execute(
            "select last_error from sent_alerts where routing_action_id = ?",
            [action_id],
        ).fetchone()
        return row[0] if row else None

    def mark(self, action_id: str, status: str, error: str | None = None) -> None:
        self.con.execute(
            "update sent_alerts set status = ?, last_error = ?,"
            " sent_at = case when ? = 'sent' then ? end where routing_action_id = ?",
            [status, error, status, now(), action_id],
        )

    def close(self) -> None:
        self.con.close()


def alert_key(action: dict) -> str:
    return "|".join(
        str(action[name]) for name in ("model_id", "lead_id", "group_name", "target")
    )


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Unconfirmed(Exception):
    """The request may have reached the webhook: do not send it again."""


class Failed(Exception):
    """The webhook surely did not take the request; http_status is None when
    the connection was refused."""

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status

    @property
    def is_retried(self) -> bool:
        return self.http_status is None or self.http_status in RETRIED_STATUSES


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Follow no redirect: the 3xx reaches post() as an HTTPError."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def post(url: str, action: dict, timeout: float) -> None:
    """POST the action; raise Unconfirmed when it may have arrived, another
    exception when it surely did not. Only a 2xx answer is a delivery."""
    request = urllib.request.Request(
        url,
        data=json.dumps(action).encode(),
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": action["routing_action_id"],
        },
        method="POST",
    )
    try:
        with OPENER.open(request, timeout=timeout):
            return
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            location = error.headers.get("Location") or "no Location"
            raise Failed(
                f"HTTP {error.code} redirect to {location}, not followed", error.code
            ) from error
        raise Failed(f"HTTP {error.code}", error.code) from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, ConnectionRefusedError):
            raise Failed("connection refused") from error
        raise Unconfirmed(str(error.reason)) from error
    except (TimeoutError, ConnectionError) as error:
        raise Unconfirmed(str(error)) from error


def send_one(
    url: str,
    action: dict,
    journal: Journal,
    retries: int,
    backoff: float,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Send one action, retrying definite failures; return its final status."""
    action_id = action["routing_action_id"]
    for attempt in range(retries + 1):
        journal.mark_sending(action)
        try:
            post(url, action, timeout)
        except Unconfirmed as error:
            journal.mark(action_id, "sending", f"unconfirmed: {error}")
            return "sending"
        except Failed as error:
            journal.mark(action_id, "failed", str(error))
            if not error.is_retried or attempt == retries:
                return "failed"
            sleep(backoff * 2**attempt)
        else:
            journal.mark(action_id, "sent")
            return "sent"
    return "failed"


def send_all(
    actions: list[dict],
    current: list[Action],
    journal: Journal,
    args: argparse.Namespace,
) -> int:
    """Send the actions not sent yet (the sent alerts that stand for a moved
    action recorded first); report; exit status 1 when any failed or is
    unconfirmed."""
    counts = {"sent": 0, "failed": 0, "sending": 0, "already sent": 0}
    unconfirmed = []
    failed: list[tuple[str, str | None]] = []
    try:
        moved = stand_ins(
            current,
            journal.free_sent({action.alert_key for action in current}),
            journal.journaled({action.routing_action_id for action in current}),
            args.max_age_days,
        )
        for action in current:
            if action.routing_action_id in moved:
                journal.mark_moved(action, moved[action.routing_action_id])
        for action in actions:
            status = journal.status(action["routing_action_id"])
            if status == "sent":
                counts["already sent"] += 1
                continue
            if status == "sending" and not args.resend_unconfirmed:
                unconfirmed.append(action["routing_action_id"])
                continue
            result = send_one(
                args.url, action, journal, args.retries, args.backoff, args.timeout
            )
            counts[result] += 1
            if result == "sending":
                unconfirmed.append(action["routing_action_id"])
            if result == "failed":
                action_id = action["routing_action_id"]
                failed.append((action_id, journal.last_error(action_id)))
    finally:
        journal.close()

    print(
        f"Alerts: {counts['sent']} sent, {counts['already sent']} sent before,"
        f" {counts['failed']} failed (retried next run), {len(unconfirmed)} unconfirmed."
    )
    for action_id, error in failed:
        hint = (
            ": the webhook moved; set --url ($LEAD_SCORING_ALERT_WEBHOOK) to the"
            " address it names"
            if error and " redirect to " in error
            else ""
        )
        print(f"  failed {action_id}: {error}{hint}", file=sys.stderr)
    for action_id in unconfirmed:
        print(
            f"  unconfirmed {action_id}: a run stopped while posting it; check the"
            " webhook, then rerun with --resend-unconfirmed if it never arrived.",
            file=sys.stderr,
        )
    return 0 if counts["failed"] == 0 and not unconfirmed else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse", default=os.environ.get("LEAD_SCORING_DUCKDB", DEFAULT_WAREHOUSE)
    )
    parser.add_argument(
        "--published",
        type=Path,
        help="the published copy of the marts to read"
        " (default: <warehouse stem>_published.duckdb beside it, as publish.py writes)",
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("LEAD_SCORING_ALERT_WEBHOOK"),
        help="webhook URL (default: $LEAD_SCORING_ALERT_WEBHOOK)",
    )
    parser.add_argument("--send", action="store_true", help="post (default: dry run)")
    parser.add_argument(
        "--journal",
        type=Path,
        help="default: <warehouse stem>.alerts.sqlite beside the warehouse",
    )
    parser.add_argument(
        "--max-age-days",
        type=int,
        default=7,
        help="send the actions of the last N days (at least lookback_days + 1)",
    )
    parser.add_argument("--retries", type=int, default=4)
    parser.add_argument(
        "--backoff", type=float, default=1.0, help="first retry delay, seconds"
    )
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument(
        "--resend-unconfirmed",
        action="store_true",
        help="post again the actions a killed or timed-out run may have sent",
    )
    args = parser.parse_args(argv)

    published = args.published or published_path(Path(args.warehouse))
    if not published.exists():
        print(
            f"No published copy at {published}: alerts read the copy that"
            " scripts/publish.py writes after a good build (`make run` and the"
            " daily job publish it); publish first, or name it with --published.",
            file=sys.stderr,
        )
        return 2
    actions, current = new_actions(published, args.max_age_days)
    journal_path = args.journal or Path(args.warehouse).with_suffix(".alerts.sqlite")

    if not args.send:
        print(
            f"Dry run: {len(actions)} route_to_sales action(s) of the last"
            f" {args.max_age_days} days; pass --send to post the ones not sent yet."
        )
        for action in actions:
            print(json.dumps(action))
        return 0
    if not args.url:
        print("--send needs --url or $LEAD_SCORING_ALERT_WEBHOOK.", file=sys.stderr)
        return 2

    with Path(f"{journal_path}.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"Another send_alerts.py is running on {journal_path}; this one stops.",
                file=sys.stderr,
            )
            return 75
        return send_all(actions, current, Journal(journal_path), args)


if __name__ == "__main__":
    sys.exit(main())
