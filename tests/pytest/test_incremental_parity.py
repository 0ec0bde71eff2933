"""An incremental run must give exactly what a full refresh gives: the demo
scored day by day for two weeks, each run carrying the state forward, then
every mart compared row by row with one --full-refresh build."""

from __future__ import annotations

import datetime as dt
import sys

from conftest import REPO, Project, assert_same_marts

sys.path.insert(0, str(REPO / "scripts"))
from generate_demo_data import generate  # noqa: E402

AS_OF = dt.date(2026, 10, 31)
DAYS = 14


def test_day_by_day_runs_equal_a_full_refresh(project: Project) -> None:
    generate(str(project.warehouse), 150, 60, 5, AS_OF, quiet=True)
    first = AS_OF - dt.timedelta(days=DAYS - 1)
    project.build("--vars", f"{{as_of: '{first}'}}")
    for day in range(1, DAYS - 1):
        project.run("--vars", f"{{as_of: '{first + dt.timedelta(days=day)}'}}")
    project.build("--vars", f"{{as_of: '{AS_OF}'}}")
    incremental = project.marts()

    runs = project.query(
        "select count(distinct as_of), count(*) filter (where rescore_from is null)"
        " from marts.rpt_scoring_runs"
    )
    assert runs == [(DAYS, 2)], "one full first run (two models), then incremental runs"
    carried = project.query(
        "select min(rescored_leads), max(rescored_leads) from marts.rpt_scoring_runs"
        " where rescore_from is not null"
    )[0]
    assert carried[0] > 0 and carried[1] < 150, (
        "incremental runs rescore some leads, not all"
    )
    moves = project.query(
        "select count(*) filter (where cause = 'decay'),"
        " count(*) filter (where transition_date > ?)"
        " from marts.fct_group_transitions",
        [first],
    )[0]
    assert moves[0] > 10 and moves[1] > 10, (
        "the two weeks should hold decay and new moves"
    )

    project.build("--full-refresh", "--vars", f"{{as_of: '{AS_OF}'}}")
    assert_same_marts(incremental, project.marts())


def test_a_second_run_changes_nothing(project: Project) -> None:
    generate(str(project.warehouse), 60, 30, 9, AS_OF, quiet=True)
    project.build("--vars", f"{{as_of: '{AS_OF}'}}")
    once = project.marts()
    project.build("--vars", f"{{as_of: '{AS_OF}'}}")
    assert_same_marts(project.marts(), once)
