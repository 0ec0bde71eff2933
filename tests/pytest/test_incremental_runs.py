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
from conftest import Project, SharedBuilds, assert_same_marts, rounded
from test_hand_scored import email, hand_built, transitions, web

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

    opens = rounded(2 * 0.5**3.1 + 2 * 0.5**1.1)
    assert score(carried, "B", "hand") == rounded(
        -10 + opens + 15 - 20 + rounded(30 * 0.5**0.3)
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
    opens = rounded(2 * 0.5**3.1 + 2 * 0.5**1.1)
    assert score(carried, "B", "hand") == rounded(
        -10 + opens + 15 - 20 + rounded(30 * 0.5**0.6)
    )
    assert score(carried, "B", "quiet") == 60
    assert transitions(carried, "B", "quiet") == [
        ("2026-02-01", None, "cold", "first", "activity"),
        ("2026-03-05", "cold", "hot", "up", "activity"),
    ]
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-11'}")
    assert_same_marts(carried.marts(), carried_marts)


def test_max_points_counts_the_points_a_carried_lead_had_before_rescored_from(
    carried: Project,
) -> None:
    """A's pricing views (rule `pricing`: 10 points, max_points 20): w1 on
    2026-02-28, before the lookback, and w4 on 03-10, which reaches 20. The
    run of 03-11 matches A's activities again from 03-07 only: its new view
    of 03-11 gets 0 and w4 keeps 10, since the 10 of 02-28 are counted from
    the row the run kept, not matched again. Every mart then equals a full
    refresh."""
    carried.append(
        "web_events",
        [
            {
                **web("w10", "vA", "A", "/pricing", 100, "2026-03-11 09:00:00"),
                "_loaded_at": LATE,
            }
        ],
    )
    carried.build("--vars", "{as_of: '2026-03-11'}")

    pricing = carried.query(
        "select activity_id, awarded_points from marts.fct_points_ledger"
        " where lead_id = 'A' and rule_id = 'pricing' order by activity_id"
    )
    assert pricing == [("web:w1", 10), ("web:w10", 0), ("web:w4", 10)]
    matched = carried.query(
        "select activity_id, rescored_from"
        " from intermediate.int_activities_matched_to_rules"
        " where lead_id = 'A' and rule_id = 'pricing' order by activity_id"
    )
    assert matched == [
        ("web:w1", None),
        ("web:w10", dt.date(2026, 3, 7)),
        ("web:w4", dt.date(2026, 3, 7)),
    ], "w1 is kept from the first run, the days from 03-07 are matched again"
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-11'}")
    assert_same_marts(carried.marts(), carried_marts)


def test_a_lead_left_with_no_match_under_a_model_loses_its_matched_rows(
    carried: Project,
) -> None:
    """B requests a demo on 2026-03-11, its only activity `quiet` scores:
    60 at the end of that day. The request is then deleted from the source.
    The run of 03-12 rescores B from its first day (one activity fewer than
    its state counted) and matches nothing of B under `quiet`: B's old
    matched row must go with it, and B scores 0 there, as in a full
    refresh."""
    carried.append("form_submissions", demo_request_from_b("2026-03-11 09:00:00"))
    carried.build("--vars", "{as_of: '2026-03-11'}")
    assert score(carried, "B", "quiet") == 60

    carried.query("delete from marketing.form_submissions where submission_id = 'late'")
    carried.build("--vars", "{as_of: '2026-03-12'}")
    assert score(carried, "B", "quiet") == 0
    assert carried.query(
        "select count(*) from intermediate.int_activities_matched_to_rules"
        " where lead_id = 'B' and (model_id = 'quiet' or rule_id = 'demo')"
    ) == [(0,)], "B's demo request is gone from its matches under both models"
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-12'}")
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
    assert engagement == rounded(rounded(2 * 0.5**3.1) + 15 - 20)
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
    # Every lead of `hand` is rescored; no lead of `quiet`, as nothing
    # arrived or is dated after the last run.
    assert runs == [("hand", True, True, 4), ("quiet", False, False, 0)]

    # The causes stay through the next ordinary run.
    carried.build("--vars", "{as_of: '2026-03-21'}")
    assert transitions(carried, "A", "hand")[-1][-1] == "model_change"


def backtest_rows(project: Project) -> list[tuple]:
    return project.query(
        "select lead_id, model_id, cast(backtest_date as varchar), lead_score,"
        " group_name, score_decile, is_converted"
        " from intermediate.int_leads_scored_for_backtest order by all"
    )


def test_the_backtest_scores_new_month_starts_and_rescored_leads_only(
    carried: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B's demo request of 2026-02-20 arrives on 03-11: B is rescored from
    its first day, and so is its score on the month-start 03-01, where it
    was clamped to 0: -10 + opens 2 * 0.5 ^ 2.1 + 2 * 0.5 ^ 0.1 + download
    15 - unsubscribe 20 + demo 30 * 0.5 ^ 0.9 = 3.41 under `hand`, 60 under
    `quiet` (one day without activity). The run writes B's month-starts and
    no other lead's; a run to 04-02 adds the month-start 04-01 for every
    lead. Both equal a full refresh."""
    before = carried.query(
        "select lead_id, model_id, backtest_date, lead_score, scored_at"
        " from intermediate.int_month_start_scores"
    )
    carried.append("form_submissions", demo_request_from_b("2026-02-20 10:00:00"))
    carried.build("--vars", "{as_of: '2026-03-11'}")
    opens = rounded(2 * 0.5**2.1 + 2 * 0.5**0.1)
    hand = rounded(-10 + opens + 15 - 20 + rounded(30 * 0.5**0.9))
    assert carried.query(
        "select model_id, lead_score from intermediate.int_leads_scored_for_backtest"
        " where lead_id = 'B' and backtest_date = '2026-03-01' order by model_id"
    ) == [("hand", hand), ("quiet", 60.0)]
    # The rows the run wrote: the month-starts of the leads it rescored
    # from their first day (rescored_from empty), none of A's (nothing new
    # since the run of 03-10: kept).
    run_started = max(row[4] for row in before)
    rewritten = carried.query(
        "select lead_id, model_id, backtest_date from intermediate.int_month_start_scores"
        " where scored_at > ? order by all",
        [run_started],
    )
    assert rewritten == carried.query(
        "select scores.lead_id, scores.model_id, scores.backtest_date"
        " from intermediate.int_month_start_scores as scores"
        " inner join intermediate.int_leads_rescored as rescored"
        " using (lead_id, model_id)"
        " where rescored.scored_at > ? and rescored.rescored_from is null"
        " order by all",
        [run_started],
    )
    assert ("B", "hand", dt.date(2026, 3, 1)) in rewritten
    assert not [row for row in rewritten if row[0] == "A"]
    kept = {row[:4] for row in before if row[0] != "B"}
    assert kept <= set(
        carried.query(
            "select lead_id, model_id, backtest_date, lead_score"
            " from intermediate.int_month_start_scores"
        )
    )

    # A scheduled run takes the day from the environment.
    monkeypatch.setenv("LEAD_SCORING_AS_OF", "2026-04-02")
    carried.build()
    monkeypatch.delenv("LEAD_SCORING_AS_OF")
    assert carried.query(
        "select count(distinct lead_id) from intermediate.int_month_start_scores"
        " where backtest_date = '2026-04-01'"
    ) == carried.query(
        "select count(*) from marketing.leads where created_at < '2026-04-02'"
    )
    incremental, incremental_marts = backtest_rows(carried), carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-04-02'}")
    assert_same_marts({"backtest": backtest_rows(carried)}, {"backtest": incremental})
    assert_same_marts(carried.marts(), incremental_marts)


def period_rows(project: Project) -> dict[str, tuple]:
    """Each `hand` lead's test-period row: observed_date, score, scored_at."""
    rows = project.query(
        "select lead_id, cast(observed_date as varchar), lead_score, scored_at"
        " from intermediate.int_test_period_scores where model_id = 'hand'"
    )
    return {row[0]: row[1:] for row in rows}


HALF = 0.5**0.5
# A's `hand` score at the end of 2026-03-05, 5 days after its visits of
# 02-28: fit 15, pages 2, time on site 5 and pricing 10, each * 0.5 ^ 0.5.
A_ON_0305 = 15 + rounded(2 * HALF) + rounded(5 * HALF) + rounded(10 * HALF)
# ... with a demo request of 03-04 (30, one day old).
A_ON_0305_WITH_DEMO = A_ON_0305 + rounded(30 * 0.5**0.1)


def crm_change(lead_id: str, stage: str, changed_at: str, loaded_at: str) -> list[dict]:
    return [
        {
            "lead_id": lead_id,
            "stage": stage,
            "changed_at": changed_at,
            "_loaded_at": loaded_at,
        }
    ]


def demo_request_from_a(loaded_at: str) -> list[dict]:
    """A's demo request of 2026-03-04."""
    return [
        {
            "submission_id": "a-late",
            "lead_id": "A",
            "form_id": "demo-request",
            "submitted_at": "2026-03-04 10:00:00",
            "_loaded_at": loaded_at,
        }
    ]


def test_the_test_period_scores_changed_and_rescored_leads_only(
    carried: Project,
) -> None:
    """Both models' test periods run from 2026-01-01. Sales accepts A on
    03-06 (loaded on 03-11): A's score counts on 03-05, 27.020816 (A_ON_0305).
    The run of 03-12 keeps that row and scores B again (observed on as_of).
    A demo request of A on 03-04, loaded on 03-13, rescores A from 03-02
    (lookback_days 10 that run: 03-12 - 10), a day before 03-05: A's row is
    scored again, 55.011806. Every mart then equals a full refresh."""
    carried.append(
        "lead_stage_changes",
        crm_change("A", "Sales Accepted", "2026-03-06 15:00:00", LATE),
    )
    carried.build("--vars", "{as_of: '2026-03-11'}")
    first = period_rows(carried)
    assert first["A"][:2] == ("2026-03-05", rounded(A_ON_0305))
    assert first["B"][0] == "2026-03-11"

    carried.build("--vars", "{as_of: '2026-03-12'}")
    kept = period_rows(carried)
    assert kept["A"] == first["A"], "A's observed day is unchanged: its row is kept"
    assert kept["B"][0] == "2026-03-12" and kept["B"][2] > first["B"][2]

    carried.append("form_submissions", demo_request_from_a("2026-03-13 08:00:00"))
    week_back = "{as_of: '2026-03-13', lookback_days: 10}"
    carried.build("--vars", week_back)
    assert rescored(carried)[("A", "hand")] == "2026-03-02"
    rescored_rows = period_rows(carried)
    assert rescored_rows["A"][0] == "2026-03-05"
    assert rescored_rows["A"][2] > kept["A"][2]
    assert rescored_rows["A"][1] == rounded(A_ON_0305_WITH_DEMO)
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", week_back)
    assert_same_marts(carried.marts(), carried_marts)


def test_a_lead_back_in_its_test_period_has_the_score_of_its_rescored_past(
    carried: Project,
) -> None:
    """Sales accepts A on 03-06: its score counts on 03-05. A CRM row of
    2025-12-20, before the period, takes A out of it on 03-12, the run that
    also rescores A for a late demo request of 03-04. The CRM row is then
    deleted: on 03-13 A is back, on 03-05 again, with the demo request's
    points (55.011806, A_ON_0305_WITH_DEMO), as in a full refresh."""
    carried.append(
        "lead_stage_changes",
        crm_change("A", "Sales Accepted", "2026-03-06 15:00:00", LATE),
    )
    carried.build("--vars", "{as_of: '2026-03-11'}")
    assert period_rows(carried)["A"][:2] == ("2026-03-05", rounded(A_ON_0305))

    loaded = "2026-03-12 08:00:00"
    carried.append(
        "lead_stage_changes",
        crm_change("A", "Sales Accepted", "2025-12-20 15:00:00", loaded),
    )
    carried.append("form_submissions", demo_request_from_a(loaded))
    carried.build("--vars", "{as_of: '2026-03-12'}")
    observed = carried.query(
        "select count(*) from intermediate.int_leads_scored_for_test_period"
        " where lead_id = 'A'"
    )
    assert observed == [(0,)], "A was in the CRM before the period"

    carried.query(
        "delete from crm.lead_stage_changes"
        " where lead_id = 'A' and changed_at < '2026-01-01'"
    )
    carried.build("--vars", "{as_of: '2026-03-13'}")
    assert period_rows(carried)["A"][:2] == (
        "2026-03-05",
        rounded(A_ON_0305_WITH_DEMO),
    )
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-13'}")
    assert_same_marts(carried.marts(), carried_marts)


def test_an_activity_dated_after_as_of_is_matched_once_as_of_reaches_it(
    carried: Project,
) -> None:
    """B's email open dated 2026-03-12 arrives before the run of 03-11, with
    a late open of 03-01 that rescores B from its first day that run: the
    03-12 open is not matched yet. It is deleted before its day; the run of
    03-12 does not rescore B (nothing new in the lookback, as many
    activities by 03-12 as the last run counted by 03-11), and nothing of
    the open is left, in the matched activities or the ledger, as in a
    full refresh."""
    carried.append(
        "email_events",
        [
            {**email("e-next", "B", "open", "2026-03-12 09:00:00"), "_loaded_at": LATE},
            {**email("e-late", "B", "open", "2026-03-01 09:00:00"), "_loaded_at": LATE},
        ],
    )
    carried.build("--vars", "{as_of: '2026-03-11'}")
    matched = "select count(*) from intermediate.int_activities_matched_to_rules"
    assert rescored(carried)[("B", "hand")] is None, "B is matched again whole"
    assert carried.query(matched + " where activity_date > '2026-03-11'") == [(0,)]

    carried.query("delete from marketing.email_events where event_id = 'e-next'")
    carried.build("--vars", "{as_of: '2026-03-12'}")
    assert ("B", "hand") not in rescored(carried)
    assert carried.query(matched + " where activity_id like '%e-next'") == [(0,)]
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-12'}")
    assert_same_marts(carried.marts(), carried_marts)


def test_an_incremental_build_tests_the_keys_the_run_wrote(carried: Project) -> None:
    """The uniqueness tests of the incremental tables check the keys of the
    rows the last run wrote (the largest scored_at), against every row. As
    if the last run had rescored A alone: a repeat of one of B's older rows
    passes (a full refresh checks it), a kept copy of a key of A's fails."""

    def passes() -> bool:
        result = carried.dbt(
            "test",
            "--select",
            "int_score_state,test_name:unique_combination_of_columns",
        )
        assert len(result.result.results) == 1, "the state's key test ran"
        return result.success

    carried.query(
        "update intermediate.int_score_state set scored_at = case lead_id"
        " when 'A' then timestamp '2026-03-11 06:00' else timestamp '2026-03-10 06:00' end"
    )
    assert passes()
    carried.query(
        "insert into intermediate.int_score_state select * from"
        " intermediate.int_score_state where lead_id = 'B' and component = '_fit'"
        " order by valid_from limit 1"
    )
    assert passes(), "an older row repeated: not a key the last run wrote"
    carried.query(
        "insert into intermediate.int_score_state select * replace"
        " (timestamp '2026-03-10 06:00' as scored_at) from intermediate.int_score_state"
        " where lead_id = 'A' and component = '_fit' order by valid_from limit 1"
    )
    assert not passes(), "a kept copy of a key the last run wrote"


def rescored(project: Project) -> dict[tuple[str, str], str | None]:
    """The rows of int_leads_rescored the last run wrote (none when it
    rescored nobody): (lead, model) -> rescored_from as text, None for a
    lead rescored from its first day."""
    return {
        (lead_id, model_id): rescored_from
        for lead_id, model_id, rescored_from in project.query(
            "select lead_id, model_id, cast(rescored_from as varchar)"
            " from intermediate.int_leads_rescored"
            " where scored_at = (select max(run_started_at)"
            " from marts.rpt_scoring_runs)"
        )
    }


def both_models(rows: dict[str, str | None]) -> dict[tuple[str, str], str | None]:
    return {
        (lead_id, model_id): rescored_from
        for lead_id, rescored_from in rows.items()
        for model_id in ("hand", "quiet")
    }


def test_a_lead_with_only_new_activity_is_rescored_from_rescore_from(
    carried: Project,
) -> None:
    """Nothing of A's or C's past changes, so neither is rescored from its
    first day; only a lead with activity the last run did not score is
    rescored at all.

    Run of 03-11 (rescore_from 03-07): A's email open of 03-10 20:00 arrives
    at 03-11 01:00, after the run of 03-10 (its as_of) but inside the
    lookback: A from 03-07. C's activities of 03-10 inside the lookback
    were all scored by the run of 03-10: kept. D, created on 03-11, is new:
    from its first day. B has nothing since 02-28: kept.
    Run of 03-12 (rescore_from 03-08): nothing arrived or is dated after
    03-11, so every lead is kept, D too (created inside the lookback,
    scored already).

    A under `hand` on 03-11 (r = 0.5 ^ 0.1): fit 15; engagement
    (1 + 1 + 5) * 0.5 ^ 1.1 + 1 * r = 3.2657 + 0.9330 = 4.1987; intent
    10 * 0.5 ^ 1.1 + 50 * r = 51.30, capped at 40; email 2 * r = 1.8661:
    61.0648. Every mart then equals a full refresh."""
    carried.append(
        "email_events",
        [
            {
                "event_id": "e4",
                "lead_id": "A",
                "campaign_id": "c1",
                "email_id": "m1",
                "event_type": "open",
                "occurred_at": "2026-03-10 20:00:00",
                "_loaded_at": "2026-03-11 01:00:00",
            }
        ],
    )
    carried.build("--vars", "{as_of: '2026-03-11'}")
    assert rescored(carried) == both_models({"A": "2026-03-07", "D": None})
    r = 0.5**0.1
    # Page views 2 (02-28) + 1 (03-10), time on site 5, the open 2 (03-10),
    # intent capped at 40; each rule rounded, then the score.
    assert score(carried, "A", "hand") == rounded(
        15 + rounded(2 * 0.5**1.1 + r) + rounded(5 * 0.5**1.1) + rounded(2 * r) + 40
    )

    carried.build("--vars", "{as_of: '2026-03-12'}")
    assert rescored(carried) == {}
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-12'}")
    assert_same_marts(carried.marts(), carried_marts)


def test_a_lead_whose_past_changed_is_rescored_from_its_first_day(
    carried: Project,
) -> None:
    """Run of 03-11 (rescore_from 03-07), one change in the past of each of
    A, B and C, each loaded after the run of 03-10:
    - B: the cookie vY, whose demo request of 03-01 was anonymous, is
      identified as B. `quiet` (60 for a demo request, halved every full 7
      days without activity): B cold from 02-01, hot from 03-01, warm from
      03-08 (30). `hand` on 03-11: -10 + opens 2 * 0.5 ^ 3.1 + 2 * 0.5 ^ 1.1
      + 15 - 20 + demo 30 * 0.5 = 1.1663.
    - A: its /home view of 02-28 (400 s) is deleted. The /about view takes
      its page point and the day's 350 s miss the 600 s rule: A on 03-11
      under `hand` is 15 + 2 * 0.5 ^ 1.1 + 1 * r + 40 = 56.8661 (r = 0.5 ^
      0.1; intent 10 * 0.5 ^ 1.1 + 50 * r is over its cap of 40).
    - C: an email open of 03-05 arrives late. `hand` on 03-11: 10 + 1 * r +
      15 + 30 * r + 2 * 0.5 ^ 0.6 = 55.2434.
    Each is rescored from its first day; D is new. Run of 03-12
    (rescore_from 03-08): nothing arrived since, so every lead is kept, B
    too (identified within the lookback). Every mart then equals a full
    refresh."""
    carried.append(
        "form_submissions",
        [
            {
                "submission_id": "s3",
                "visitor_id": "vY",
                "form_id": "demo-request",
                "submitted_at": "2026-03-01 10:00:00",
                "_loaded_at": "2026-03-01 10:02:00",
            }
        ],
    )
    carried.append(
        "visitor_identities",
        [
            {
                "visitor_id": "vY",
                "lead_id": "B",
                "identified_at": "2026-03-11 08:00:00",
                "_loaded_at": LATE,
            }
        ],
    )
    carried.query("delete from marketing.web_events where event_id = 'w2'")
    carried.append(
        "email_events",
        [
            {
                "event_id": "e5",
                "lead_id": "C",
                "campaign_id": "c1",
                "email_id": "m1",
                "event_type": "open",
                "occurred_at": "2026-03-05 10:00:00",
                "_loaded_at": LATE,
            }
        ],
    )
    carried.build("--vars", "{as_of: '2026-03-11'}")
    assert rescored(carried) == both_models(
        {"A": None, "B": None, "C": None, "D": None}
    )
    r = 0.5**0.1
    opens = rounded(2 * 0.5**3.1 + 2 * 0.5**1.1)
    assert score(carried, "B", "hand") == rounded(-10 + opens + 15 - 20 + 15)
    assert transitions(carried, "B", "quiet") == [
        ("2026-02-01", None, "cold", "first", "activity"),
        ("2026-03-01", "cold", "hot", "up", "activity"),
        ("2026-03-08", "hot", "warm", "down", "decay"),
    ]
    assert score(carried, "A", "hand") == rounded(15 + rounded(2 * 0.5**1.1 + r) + 40)
    assert score(carried, "C", "hand") == rounded(
        10 + rounded(r) + 15 + rounded(30 * r) + rounded(2 * 0.5**0.6)
    )

    carried.build("--vars", "{as_of: '2026-03-12'}")
    assert rescored(carried) == {}
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-12'}")
    assert_same_marts(carried.marts(), carried_marts)


def page_rows(project: Project) -> list[tuple[str, int]]:
    """A's rows of the page rule under `hand`: (valid_from, activities)."""
    return project.query(
        "select cast(valid_from as varchar), awarded_activities"
        " from intermediate.int_score_state"
        " where lead_id = 'A' and model_id = 'hand' and component = 'page'"
        " order by valid_from"
    )


def test_an_activity_sent_again_out_of_order_rescores_its_lead_from_its_first_day(
    carried: Project,
) -> None:
    """A run of 03-10 again sees A's open loaded at 03-10 12:00 (the latest
    load it saw). Then C's /blog view of 03-10 08:00 (w6) arrives sent again
    as a /pricing view, loaded at 11:00: later than the first version, so
    it replaces it, but before 12:00, so not new to the run of 03-11, and
    C has as many activities as before. Its fingerprint changed: C is
    rescored from its first day. `hand` on 03-11 (r = 0.5 ^ 0.1): fit 10 +
    page r + download 15 + intent (demo 30 r + pricing 10 r) = 63.254353; a
    run that kept C would leave its /blog view."""
    carried.append(
        "email_events",
        [
            {
                **email("e-a", "A", "open", "2026-03-10 06:00:00"),
                "_loaded_at": "2026-03-10 12:00:00",
            }
        ],
    )
    carried.build("--vars", "{as_of: '2026-03-10'}")
    carried.append(
        "web_events",
        [
            {
                **web("w6", "vC", "C", "/pricing", 20, "2026-03-10 08:00:00"),
                "_loaded_at": "2026-03-10 11:00:00",
            }
        ],
    )
    carried.build("--vars", "{as_of: '2026-03-11'}")
    assert rescored(carried)[("C", "hand")] is None
    r = 0.5**0.1
    assert score(carried, "C", "hand") == rounded(
        10 + rounded(r) + 15 + rounded(30 * r) + rounded(10 * r)
    )
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-11'}")
    assert_same_marts(carried.marts(), carried_marts)


def open_from_a() -> dict:
    """An email open of A on 2026-03-11, loaded after the run of 03-10."""
    return {**email("e-a", "A", "open", "2026-03-11 09:00:00"), "_loaded_at": LATE}


def test_an_activity_loaded_before_its_day_rescores_its_lead_when_as_of_reaches_it(
    carried: Project,
) -> None:
    """B's demo request of 2026-03-11 10:00 is loaded at 12:00, before a run
    that scores 03-10 again: not scored yet (after as_of). The run of 03-11
    has nothing loaded since, but the request is dated after the last
    run's as_of: B is rescored from 03-07, and `quiet` gives it 60, as a
    full refresh does; kept, B would stay at 0."""
    carried.append("form_submissions", demo_request_from_b("2026-03-11 10:00:00"))
    carried.build("--vars", "{as_of: '2026-03-10'}")
    assert score(carried, "B", "quiet") == 0

    carried.build("--vars", "{as_of: '2026-03-11'}")
    assert rescored(carried)[("B", "quiet")] == "2026-03-07"
    assert score(carried, "B", "quiet") == 60
    carried_marts = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-11'}")
    assert_same_marts(carried.marts(), carried_marts)


def test_a_lead_rescored_from_a_day_adds_its_new_points_to_the_rows_it_carries(
    carried: Project,
) -> None:
    """The run of 03-11 rescores A from 03-07 (an email open of 03-11 is
    new): it keeps A's rows before 03-07 and adds the
    points from 03-07 on to the row that held on 03-06, instead of
    summing A's history again. A's page rule: 2 views on 02-28 (counted
    from A's first day, 03-01), 1 on 03-10. Marking the carried row of
    03-01 with 100 more activities shows the path: the row of 03-10 counts 102 + 1, where a rescore from the
    first day counts 3; a full refresh counts 3 again."""
    assert page_rows(carried) == [("2026-03-01", 2), ("2026-03-10", 3)]
    carried.query(
        "update intermediate.int_score_state"
        " set awarded_activities = awarded_activities + 100"
        " where lead_id = 'A' and model_id = 'hand' and component = 'page'"
        " and valid_from = date '2026-03-01'"
    )
    carried.append("email_events", [open_from_a()])
    carried.build("--vars", "{as_of: '2026-03-11'}")
    assert rescored(carried)[("A", "hand")] == "2026-03-07"
    assert page_rows(carried) == [("2026-03-01", 102), ("2026-03-10", 103)]

    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-11'}")
    assert page_rows(carried) == [("2026-03-01", 2), ("2026-03-10", 3)]


def test_the_state_rebuilt_alone_rescores_every_lead_from_its_first_day(
    carried: Project,
) -> None:
    """The run of 03-11 carries A from 03-07 for an email open of 03-11
    (int_leads_rescored keeps that rescored_from). A full refresh of the
    state and what follows it, without int_leads_rescored, must score A
    from its first day, not from 03-07 on without its earlier points: its
    marts equal a full refresh of everything."""
    carried.append("email_events", [open_from_a()])
    carried.build("--vars", "{as_of: '2026-03-11'}")
    assert rescored(carried)[("A", "hand")] == "2026-03-07"
    carried.build(
        "--full-refresh",
        "--select",
        "int_score_state+",
        "--vars",
        "{as_of: '2026-03-11'}",
    )
    rebuilt = carried.marts()
    carried.build("--full-refresh", "--vars", "{as_of: '2026-03-11'}")
    assert_same_marts(carried.marts(), rebuilt)
