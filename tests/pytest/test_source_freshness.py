"""Source freshness counts the rows loaded up to now: a row whose load time
is in the future (a loader's broken clock) does not make a table look
fresh for ever. Hand-made rows of marketing.leads, one freshness check
each (warn after 24 h, error after 72 h)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Project, load_sources

HOUR = dt.timedelta(hours=1)


def lead(lead_id: str, loaded_at: str | dt.timedelta) -> dict:
    """A lead loaded at a time, or that far from now (the test's now)."""
    if isinstance(loaded_at, dt.timedelta):
        loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) + loaded_at
    return {
        "lead_id": lead_id,
        "created_at": "2026-01-01 00:00:00",
        "updated_at": "2026-01-01 00:00:00",
        "_loaded_at": str(loaded_at),
    }


def freshness(project: Project, *args: str) -> str:
    result = project.dbt("source", "freshness", "-s", "source:marketing.leads", *args)
    (checked,) = result.result.results
    return str(checked.status)


@pytest.mark.parametrize(
    ("loaded_at", "status"),
    [
        # The only recent row is in 2099: stale since 2020.
        (["2020-01-01 00:00:00", "2099-01-01 00:00:00"], "error"),
        # A row an hour old makes it fresh, a future row beside it or not.
        ([-HOUR, "2099-01-01 00:00:00"], "pass"),
        # Two days old, and a row an hour in the future: a warning.
        ([-48 * HOUR, HOUR], "warn"),
    ],
)
def test_rows_loaded_in_the_future_do_not_count(
    project: Project, loaded_at: list, status: str
) -> None:
    load_sources(
        project.warehouse,
        {"leads": [lead(f"L{i}", at) for i, at in enumerate(loaded_at)]},
    )
    assert freshness(project) == status


def test_a_table_whose_only_row_is_in_the_future_is_not_fresh(
    project: Project,
) -> None:
    load_sources(project.warehouse, {"leads": [lead("L1", "2099-01-01 00:00:00")]})
    assert freshness(project) != "pass"


def test_a_load_time_loaded_as_text_is_filtered_too(project: Project) -> None:
    """Loaders that write every column as text, and another column named by
    the var: the same filter."""
    load_sources(
        project.warehouse,
        {"leads": [lead("L1", "2020-01-01 00:00:00"), lead("L2", "2099-01-01")]},
    )
    project.query("alter table marketing.leads alter _loaded_at type varchar")
    project.query("alter table marketing.leads rename _loaded_at to _fivetran_synced")
    assert (
        freshness(
            project,
            "--vars",
            "{lead_scoring_marketing_loaded_at_column: _fivetran_synced}",
        )
        == "error"
    )
