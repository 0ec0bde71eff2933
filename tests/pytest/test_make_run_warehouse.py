"""make run on your warehouse: the Makefile's WAREHOUSE defaults to
$LEAD_SCORING_DUCKDB, make run checks the source tables before the build,
and the demo data (generate_demo_data.py --if-missing) is written only into
a new or empty warehouse, never over a table a user loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import CONTRACT, REPO, load_sources

GENERATE = REPO / "scripts" / "generate_demo_data.py"


def make(*args: str, env: dict[str, str]) -> str:
    """make's output in the repository, with only the given environment
    (and PATH)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-s", *args],
        cwd=REPO,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize(
    ("environment", "arguments", "warehouse"),
    [
        ({}, [], "data/lead_scoring.duckdb"),
        ({"LEAD_SCORING_DUCKDB": "/srv/env.duckdb"}, [], "/srv/env.duckdb"),
        ({"WAREHOUSE": "/srv/warehouse.duckdb"}, [], "/srv/warehouse.duckdb"),
        (
            {"LEAD_SCORING_DUCKDB": "/srv/env.duckdb"},
            ["WAREHOUSE=/srv/argument.duckdb"],
            "/srv/argument.duckdb",
        ),
    ],
)
def test_the_warehouse_is_the_argument_else_the_environment_s(
    tmp_path: Path, environment: dict, arguments: list, warehouse: str
) -> None:
    daily = make("-n", "daily", *arguments, env=environment)
    assert f"scripts/daily.py --warehouse {warehouse} " in daily
    # The steps of make run see the same warehouse, and check the sources
    # after the demo data and before anything reads them.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    ran = tmp_path / "ran.log"
    for tool in ("python", "dbt"):
        (fake_bin / tool).write_text(
            f'#!/bin/sh\necho "$(basename $0) $* | $LEAD_SCORING_DUCKDB" >> {ran}\n'
        )
        (fake_bin / tool).chmod(0o755)
    make("run-locked", f"BIN={fake_bin}", *arguments, env=environment)
    assert ran.read_text().splitlines() == [
        f"python scripts/generate_demo_data.py --if-missing | {warehouse}",
        f"dbt run-operation check_source_contract --quiet | {warehouse}",
        f"dbt source freshness --quiet | {warehouse}",
        f"dbt build --quiet | {warehouse}",
        f"python scripts/publish.py | {warehouse}",
        f"python scripts/summarize.py | {warehouse}",
    ]


def generate(warehouse: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, GENERATE, "--if-missing", "--quiet"]
        + ["--warehouse", str(warehouse), "--leads", "20", "--days", "10"],
        capture_output=True,
        text=True,
    )


def tables(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            f"{schema}.{table}": con.execute(
                f"select count(*) from {schema}.{table}"
            ).fetchone()[0]
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_schema in ('marketing', 'crm')"
            ).fetchall()
        }
    finally:
        con.close()


@pytest.mark.parametrize("kind", ["no file", "an empty database", "no source table"])
def test_demo_data_goes_into_a_new_or_empty_warehouse(
    tmp_path: Path, kind: str
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    if kind == "an empty database":
        duckdb.connect(str(warehouse)).close()
    if kind == "no source table":
        con = duckdb.connect(str(warehouse))
        con.execute("create schema marts")
        con.execute("create table marts.fct_lead_scores (lead_id varchar)")
        con.close()
    result = generate(warehouse)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {warehouse}" in result.stdout
    written = tables(warehouse)
    assert set(written) == {f"{schema}.{table}" for schema, table in CONTRACT}
    assert written["marketing.leads"] > 0


@pytest.mark.parametrize(
    "loaded",
    [
        ["marketing.web_events"],
        ["crm.lead_stage_changes"],
        ["marketing.email_events", "marketing.form_answers"],
        # Everything but one table other than leads: still never written over.
        [
            f"{schema}.{table}"
            for schema, table in CONTRACT
            if table != "visitor_identities"
        ],
    ],
)
def test_demo_data_never_goes_over_a_user_s_table(
    tmp_path: Path, loaded: list[str]
) -> None:
    """A warehouse with some of the source tables (marketing.leads not
    loaded yet, say) stops with a message; its rows stay as they were."""
    warehouse = tmp_path / "warehouse.duckdb"
    load_sources(warehouse, {"leads": [{"lead_id": "MINE"}]})
    con = duckdb.connect(str(warehouse))
    for schema, table in CONTRACT:
        if f"{schema}.{table}" not in loaded:
            con.execute(f"drop table {schema}.{table}")
    con.close()
    before = tables(warehouse)
    result = generate(warehouse)
    assert result.returncode == 1
    missing = sorted(
        f"{schema}.{table}"
        for schema, table in CONTRACT
        if f"{schema}.{table}" not in loaded
    )
    assert f"but not {', '.join(missing)}." in result.stderr.replace("\n", " ")
    assert "never over your tables" in result.stderr
    assert "Wrote" not in result.stdout
    assert tables(warehouse) == before


def test_a_warehouse_with_every_source_table_is_left_as_it_is(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    load_sources(warehouse, {"leads": [{"lead_id": "MINE"}]})
    result = generate(warehouse)
    assert result.returncode == 0
    assert "already has source data; not generating." in result.stdout
    assert tables(warehouse)["marketing.leads"] == 1
