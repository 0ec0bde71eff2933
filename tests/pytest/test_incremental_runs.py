"""Runs that carry the score state forward, on the hand-made data of
test_hand_scored (model `hand`: half life 10 days, bands cold < 20 <= warm
< 50 <= hot; model `quiet`: a demo request is worth 60, halved every full
7 days without activity). The first run scores up to 2026-03-10, so the
next one, with lookback_days 3, rescores leads active since 2026-03-07.

Lead B (fit -10) was last active on 2026-02-28. At the end of 2026-03-11,
without anything new, under `hand`: opens 2 * 0.5 ^ 3.1 + 2 * 0.5 ^ 1.1,
download 15, unsubscribe -20: -13.83, clamped to 0; under `quiet`: 0."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Project, SharedBuilds, assert_same_marts
from test_hand_scored import hand_built, transitions

LATE = "2026-03-11 12:00:00"


@pytest.fixture
def carried(project: Project, shared_builds: SharedBuilds) -> Project:
    """The hand data built as of 2026-03-10 (one build, copied: hand_built)."""
    return hand_built(shared_builds, project.root, "2026-03-10")


def demo_request_from_b(submitted_at: str) -> list[dict]:
    return [
        {
            "submission_id": "late",
            "lead_id": "B",
            "form_id": "demo-request",
            "submitted_at": submitted_at,
            "_loaded_at": LATE,
        }
    ]


def score(project: Project, lead_id: str, model_id: str) -> float:
    return project.query(
        "select lead_score from marts.fct_lead_scores where lead_id = ? and model_id = ?",
        [lead_id, model_id],
    )[0][0]


def test_a_late_event_inside_the_lookback_is_scored(carried: Project) -> None:
    """B's demo request of 2026-03-08 arrives on 03-11, after the run of
    03-10 but inside its lookback. `hand` at 03-11: -10 + 1.1663 + 15 - 20 +
    30 * 0.5 ^ 0.3 = 10.53 (cold); `quiet`: 60, hot from 03-08."""
    carried.append("form_submissions", demo_request_from_b("2026-03-08 10:00:00"))
    carried.build("--vars", "{as_of: '2026-03-11'}")

    opens = 2 * 0.5**3.1 + 2 * 0.5**1.1
    assert score(carried, "B", "hand") == pytest.approx(
        -10 + opens + 15 - 20 + 30 * 0.5**0.3, rel=1e-12
    )
    assert score(carried, "B", "quiet") == 60
    assert transitions(carried, "B", "quiet") == [
        ("2026-02-01", None, "cold", "first", "activity"),
        ("2026-03-08", "cold", "hot", "up", "activity"),
    ]


def test_a_late_event_before_the_lookback_rescores_its_lead_from_its_first_day(
    carried: Project,
) -> None:
    """B's demo request of 2026-03-05 arrives on 03-11: before the lookback,
    and B has nothing else new. It was loaded after B was last scored, so
    B is rescored from its first day, as a full refresh would: `hand` -10 +
    1.1663 + 15 - 20 + 30 * 0.5 ^ 0.6 = 5.96; `quiet` 60 (6 days without
    activity: no step yet), hot from 03-05 in the history too."""
    carried.append("form_submissions", demo_request_from_b("2026-03-05 10:00:00"))
    carried.build("--vars", "{as_of: '2026-03-11'}")
    opens = 2 * 0.5**3.1 + 2 * 0.5**1.1
    assert score(carried, "B", "hand") == pytest.approx(
        -10 + opens + 15 - 20 + 30 * 0.5**0.6, rel=1e-12
    )
    assert score(carried, "B", "quiet") == 60
    assert transitions(carried, "B", "quiet") == [
        ("2026-02-01", None, "cold", "first", "activity"),
        ("2026-03-05", "cold", "hot", "up", "activity"),
    ]
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-11'}")
    assert_same_marts(carried.marts(), carried_marts)


def test_an_activity_moved_to_another_lead_rescores_both(carried: Project) -> None:
    """B's email open of 2026-02-28 (before the lookback) is reloaded on
    03-11 as A's. A is rescored for the late load; B, which has nothing new,
    is rescored because it now has one activity fewer than its state
    counted. `hand` engagement of B on 03-11: opens 2 * 0.5 ^ 3.1 (the
    02-28 one is gone), download 15, unsubscribe -20: -4.77. Every mart
    then equals a full refresh."""
    carried.query(
        "update marketing.email_events set lead_id = 'A', _loaded_at = ?"
        " where event_id = 'e2'",
        [LATE],
    )
    carried.build("--vars", "{as_of: '2026-03-11'}")
    engagement = carried.query(
        "select engagement_points from marts.fct_lead_scores"
        " where lead_id = 'B' and model_id = 'hand'"
    )[0][0]
    assert engagement == pytest.approx(2 * 0.5**3.1 + 15 - 20, rel=1e-12)
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-11'}")
    assert_same_marts(carried.marts(), carried_marts)


def test_a_run_that_stopped_before_the_run_log_is_repeated_cleanly(
    carried: Project,
) -> None:
    """After a run to 2026-03-14, a run to 03-20 writes the state and the
    transitions, then stops before the run log (here: not selected). A was
    last active on 03-10, so neither run rescores it; the next run still
    looks back from 03-14 and must not count A's decay out of hot on 03-18
    twice."""
    carried.build("--vars", "{as_of: '2026-03-14'}")
    carried.run("--vars", "{as_of: '2026-03-20'}", "--exclude", "rpt_scoring_runs")
    assert carried.query("select max(as_of) from marts.rpt_scoring_runs") == [
        (dt.date(2026, 3, 14),)
    ]
    carried.build("--vars", "{as_of: '2026-03-20'}")
    assert transitions(carried, "A", "hand") == [
        ("2026-03-01", None, "warm", "first", "activity"),
        ("2026-03-10", "warm", "hot", "up", "activity"),
        ("2026-03-18", "hot", "warm", "down", "decay"),
    ]


def test_a_seed_edit_rescores_the_model_and_marks_what_it_changed(
    carried: Project,
) -> None:
    """Raising `hand`'s hot band from 50 to 58. A (59.5 on 03-10, then
    15 + 4.5 r^t + min(40, 55 r^t) with r = 0.5 ^ 0.1) stays hot until t = 4
    (58.41) and is 57.07 at t = 5: it leaves hot on 03-15 instead of 03-18.
    C (56 on 03-10) now enters warm, not hot, and stays there. The moves
    that did not exist before the edit get the cause model_change."""
    carried.build("--vars", "{as_of: '2026-03-20'}")
    assert transitions(carried, "A", "hand")[-1][0] == "2026-03-18"
    quiet_before = carried.query(
        "select * from marts.fct_group_transitions where model_id = 'quiet' order by all"
    )

    groups = carried.root / "seeds" / "score_groups.csv"
    groups.write_text(
        groups.read_text()
        .replace("hand,warm,20,50,", "hand,warm,20,58,")
        .replace("hand,hot,50,", "hand,hot,58,")
    )
    carried.build("--vars", "{as_of: '2026-03-20'}")

    assert transitions(carried, "A", "hand") == [
        ("2026-03-01", None, "warm", "first", "activity"),
        ("2026-03-10", "warm", "hot", "up", "activity"),
        ("2026-03-15", "hot", "warm", "down", "model_change"),
    ]
    assert transitions(carried, "C", "hand") == [
        ("2026-03-01", None, "cold", "first", "activity"),
        ("2026-03-10", "cold", "warm", "up", "model_change"),
    ]
    assert (
        carried.query(
            "select * from marts.fct_group_transitions where model_id = 'quiet' order by all"
        )
        == quiet_before
    )
    runs = carried.query(
        "select model_id, is_model_rescored, is_model_changed, rescored_leads"
        " from marts.rpt_scoring_runs"
        " where run_started_at = (select max(run_started_at) from marts.rpt_scoring_runs)"
        " order by model_id"
    )
    # Every lead of `hand` is rescored; no lead of `quiet`, as none was
    # active since 03-17 (the last as_of, 03-20, minus 3 days).
    assert runs == [("hand", True, True, 4), ("quiet", False, False, 0)]

    # The causes stay through the next ordinary run.
    carried.build("--vars", "{as_of: '2026-03-21'}")
    assert transitions(carried, "A", "hand")[-1][-1] == "model_change"
