"""The Dagster example (orchestration/definitions.py): its definitions load,
and its one job runs the steps of make daily, in order, under the
warehouse's lock, on a demo warehouse."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from with_lock import hold  # noqa: E402


def load_module():
    path = REPO / "orchestration" / "definitions.py"
    spec = importlib.util.spec_from_file_location("lead_scoring_definitions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_definitions():
    return load_module().defs


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return load_definitions()


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo data of make run: it ends today, so the sources are fresh."""
    path = tmp_path / "lead_scoring.duckdb"
    subprocess.run(
        [sys.executable, REPO / "scripts" / "generate_demo_data.py", "--quiet"]
        + ["--warehouse", str(path)],
        check=True,
    )
    monkeypatch.setenv("LEAD_SCORING_DUCKDB", str(path))
    monkeypatch.delenv("LEAD_SCORING_ALERT_WEBHOOK", raising=False)
    return path


def test_the_definitions_load_with_every_dbt_node_and_the_schedule(defs) -> None:
    dg.Definitions.validate_loadable(defs)
    keys = {
        key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()
    }
    assert {"marts/fct_lead_scores", "scoring_model/activity_rules"} <= keys
    assert {"published_marts", "sales_alerts"} <= keys
    job = defs.resolve_job_def("lead_scoring_daily")
    (schedule,) = defs.schedules
    assert schedule.job_name == job.name
    assert schedule.cron_schedule == "15 6 * * *"


def test_a_manifest_older_than_a_model_is_parsed_again() -> None:
    """A checkout whose models changed after the last parse parses again on
    load, so the job's assets are the project's models."""
    module = load_module()
    assert not module.manifest_is_stale()
    manifest = module.project.manifest_path
    os.utime(manifest, (0, 0))
    assert module.manifest_is_stale()
    load_module()
    assert manifest.stat().st_mtime > 0


def test_the_job_builds_and_publishes_under_the_lock(defs, warehouse: Path) -> None:
    result = defs.resolve_job_def("lead_scoring_daily").execute_in_process(
        instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    built = {
        event.asset_key.to_user_string()
        for event in result.get_asset_materialization_events()
    }
    assert {"marts/fct_lead_scores", "marts/rpt_scoring_runs"} <= built
    assert {"published_marts", "sales_alerts"} <= built
    published = warehouse.with_name("lead_scoring_published.duckdb")
    con = duckdb.connect(str(published), read_only=True)
    try:
        (leads,) = con.execute(
            "select count(distinct lead_id) from marts.fct_lead_scores"
        ).fetchone()
    finally:
        con.close()
    # Every lead of the demo, which holds the leads created by now.
    source = duckdb.connect(str(warehouse), read_only=True)
    try:
        (created,) = source.execute("select count(*) from marketing.leads").fetchone()
    finally:
        source.close()
    assert leads == created > 2900


def test_a_locked_warehouse_stops_the_job_before_any_step(
    defs, warehouse: Path
) -> None:
    with hold(warehouse, 0, "another run") as held:
        assert held
        result = defs.resolve_job_def("lead_scoring_daily").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
        )
    assert not result.success
    assert not result.get_asset_materialization_events()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        schemas = {
            row[0]
            for row in con.execute(
                "select schema_name from information_schema.schemata"
            ).fetchall()
        }
    finally:
        con.close()
    assert "marts" not in schemas
