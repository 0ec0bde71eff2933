"""What staging makes of the shapes a loader may write: text timestamps with
an offset are converted to UTC, unreadable ones quarantined; ids are
trimmed and a blank one is missing; a negative duration is dropped; a load
time in the future is quarantined and cannot stall the incremental runs;
a re-sent row replaces the earlier one and rescores its lead.

Data: the hand-made dataset of test_hand_scored.py (docs/loading_data.md
lists the accepted formats)."""

from __future__ import annotations

import datetime as dt

from conftest import Project, SharedBuilds, assert_same_marts
from test_hand_scored import hand_built, load_hand_data, web, write_hand_model

AS_OF = "{as_of: '2026-03-20'}"


def as_text(project: Project, table: str, *columns: str) -> None:
    """Make columns of a source table text, as a loader that writes every
    column as text does."""
    for column in columns:
        project.query(
            f"alter table marketing.{table} alter column {column} type varchar"
        )


def test_text_timestamps_with_an_offset_are_read_as_utc(project: Project) -> None:
    """Each text timestamp against its UTC value by hand, and a timestamp
    with time zone; US-format text cannot be read and quarantines its row."""
    write_hand_model(project)
    load_hand_data(project)
    as_text(project, "web_events", "occurred_at", "_loaded_at")
    as_text(project, "leads", "created_at")
    written = {
        "tz1": ("2026-03-10T21:30:00-05:00", dt.datetime(2026, 3, 11, 2, 30)),
        "tz2": ("2026-03-11T00:30:00+01:00", dt.datetime(2026, 3, 10, 23, 30)),
        "tz3": ("2026-03-10T08:00:00Z", dt.datetime(2026, 3, 10, 8, 0)),
        "tz4": (
            "2026-03-10 08:00:00.250+05:30",
            dt.datetime(2026, 3, 10, 2, 30, 0, 250000),
        ),
        "tz5": ("2026-03-10 08:00:00", dt.datetime(2026, 3, 10, 8, 0)),
        "tz6": ("2026-03-10", dt.datetime(2026, 3, 10, 0, 0)),
        "tz7": ("2026-03-10T21:30:00-0500", dt.datetime(2026, 3, 11, 2, 30)),
    }
    project.append(
        "web_events",
        [
            web(event_id, "vZ", None, "/tz", 5, text)
            for event_id, (text, _) in written.items()
        ]
        + [
            web("us", "vZ", None, "/tz", 5, "03/10/2026 09:00 AM"),
        ],
    )
    project.append(
        "leads",
        [
            {
                "lead_id": "T",
                "created_at": "2026-03-02T01:00:00+02:00",
                "updated_at": "2026-03-02 00:00:00",
            }
        ],
    )
    # A loader that writes timestamps with time zone.
    project.query(
        "alter table marketing.visitor_identities"
        " alter column identified_at type timestamptz"
    )
    project.append(
        "visitor_identities",
        [
            {
                "visitor_id": "vZ",
                "lead_id": "B",
                "identified_at": "2026-03-10 21:30:00-05:00",
            }
        ],
    )
    project.build("--vars", AS_OF)

    assert project.query(
        "select identified_at from staging.base_marketing__visitor_identities"
        " where visitor_id = 'vZ'"
    ) == [(dt.datetime(2026, 3, 11, 2, 30),)]
    rows = dict(
        project.query(
            "select event_id, occurred_at from staging.base_marketing__web_events"
            " where quarantine_reason is null and event_id like 'tz%'"
        )
    )
    assert rows == {event_id: utc for event_id, (_, utc) in written.items()}
    assert project.query(
        "select quarantine_reason from staging.base_marketing__web_events"
        " where event_id = 'us'"
    ) == [("uncastable_occurred_at",)]
    # 01:00 at +02:00 is the day before in UTC: the lead's first day.
    assert project.query(
        "select created_date from marts.dim_leads where lead_id = 'T'"
    ) == [(dt.date(2026, 3, 1),)]


def test_ids_are_trimmed_blank_ids_missing_and_negative_durations_dropped(
    project: Project,
) -> None:
    """' C ' is lead C (its /blog view scores as C's), a blank event_id is
    missing, and a negative duration is dropped from a kept event and
    counted."""
    write_hand_model(project)
    load_hand_data(project)
    project.append(
        "web_events",
        [
            web("p1", " vC ", " C ", "/blog", 30, "2026-03-12 08:00:00"),
            web("  ", "vC", "C", "/blog", 30, "2026-03-12 08:00:00"),
            web("n1", "vZ", None, "/blog", -30, "2026-03-12 08:00:00"),
        ],
    )
    project.build("--vars", AS_OF)

    assert project.query(
        "select event_id, visitor_id, lead_id, quarantine_reason, duration_seconds,"
        " has_negative_duration_seconds from staging.base_marketing__web_events"
        " where event_id in ('p1', 'n1') or event_id is null order by event_id"
    ) == [
        ("n1", "vZ", None, None, None, True),
        ("p1", "vC", "C", None, 30, False),
        (None, "vC", "C", "missing_required_field", 30, False),
    ]
    assert project.query(
        "select count(*) from marts.fct_points_ledger"
        " where activity_id like '%p1%' and lead_id = 'C'"
    ) != [(0,)]
    assert project.query(
        "select row_count from marts.rpt_data_quality"
        " where issue = 'negative_duration_seconds'"
    ) == [(1,)]


def test_a_load_time_in_the_future_is_quarantined_and_later_loads_still_count(
    project: Project, shared_builds: SharedBuilds
) -> None:
    """One row loaded 'in 2099' is quarantined (future_loaded_at) and the run
    log's loaded_through stays at the real loads; an old event re-sent the
    next day (same key, later load time, another page) replaces the first
    one and rescores its lead, as a full refresh does."""
    hand_built(shared_builds, project.root, "2026-03-10")

    project.append(
        "web_events",
        [
            {
                **web("f1", "vC", "C", "/blog", 10, "2026-03-11 08:00:00"),
                "_loaded_at": "2099-01-01 00:00:00",
            }
        ],
    )
    project.build("--vars", "{as_of: '2026-03-11'}")
    assert project.query(
        "select quarantine_reason from staging.base_marketing__web_events"
        " where event_id = 'f1'"
    ) == [("future_loaded_at",)]
    (loaded_through,) = project.query(
        "select max(loaded_through) from marts.rpt_scoring_runs"
    )[0]
    assert loaded_through < dt.datetime(2027, 1, 1)

    # w1, A's 300 s pricing view of 02-28, before any lookback, re-sent as a
    # view of /about: A loses the pricing points.
    pricing_before = project.query(
        "select count(*) from marts.fct_points_ledger"
        " where lead_id = 'A' and rule_id = 'pricing'"
    )[0][0]
    project.append(
        "web_events",
        [
            {
                **web("w1", "vA", None, "/about", 300, "2026-02-28 10:00:00"),
                "_loaded_at": "2026-03-12 06:00:00",
            }
        ],
    )
    project.build("--vars", "{as_of: '2026-03-12'}")
    assert (
        project.query(
            "select count(*) from marts.fct_points_ledger"
            " where lead_id = 'A' and rule_id = 'pricing'"
        )[0][0]
        == pricing_before - 1
    )
    carried = project.marts()
    project.build("--full-refresh", "--vars", "{as_of: '2026-03-12'}")
    assert_same_marts(project.marts(), carried)
