"""scripts/publish.py: the published copy swapped in whole, beside the
warehouse by default, and no temporary left behind by a publish that was
killed (SIGKILL gives it no chance to remove its own).

The warehouse is written by hand: marts.fct_lead_scores with two rows,
scoring_model.score_groups with one, and the two marts the guards read
(guards.py, run by publish first), empty: nothing to stop; the schema
`staging` is not published."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
PUBLISH = REPO / "scripts" / "publish.py"


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create schema scoring_model")
    con.execute("create schema staging")
    con.execute(
        "create table marts.fct_lead_scores as"
        " select * from (values ('L1', 10.5), ('L2', 3.0)) as t(lead_id, lead_score)"
    )
    con.execute("create table scoring_model.score_groups as select 'hot' as group_name")
    con.execute("create table staging.stg_leads as select 'L1' as lead_id")
    con.execute(
        "create table marts.rpt_data_quality (source_table varchar, issue varchar,"
        " row_count bigint, is_quarantined boolean, run_started_at timestamp)"
    )
    con.execute(
        "create table marts.rpt_seed_gaps (gap_type varchar, model_id varchar,"
        " subject varchar, row_count bigint)"
    )
    con.close()
    return path


@pytest.fixture
def running() -> Iterator[int]:
    """The id of a process that is running (a publish still writing)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process.pid
    process.kill()
    process.wait()


def dead_pid() -> int:
    """The id of a process that has ended (a publish killed)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def publish(warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PUBLISH), "--warehouse", str(warehouse), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_publish_copies_the_marts_beside_the_warehouse(warehouse: Path) -> None:
    result = publish(warehouse)
    assert result.returncode == 0, result.stderr
    published = warehouse.with_name("warehouse_published.duckdb")
    assert "Published 4 tables" in result.stdout
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute(
        "select lead_id, lead_score from marts.fct_lead_scores order by 1"
    ).fetchall() == [("L1", 10.5), ("L2", 3.0)]
    assert con.execute(
        "select count(*) from information_schema.tables where table_schema = 'staging'"
    ).fetchone() == (0,)
    con.close()
    assert [path.name for path in warehouse.parent.glob(".*")] == []


def test_a_killed_publish_leaves_no_temporary_for_good(
    warehouse: Path, tmp_path: Path, running: int
) -> None:
    """The temporaries of two killed publishes (with the WAL one left) go at
    the next publish's start; the one of a publish still running stays, and
    so do the files that are not a publish's temporary of this copy."""
    published = tmp_path / "published.duckdb"
    killed = [dead_pid(), dead_pid()]
    stale = [
        tmp_path / f".published.duckdb.{killed[0]}.tmp",
        tmp_path / f".published.duckdb.{killed[0]}.tmp.wal",
        tmp_path / f".published.duckdb.{killed[1]}.tmp",
    ]
    kept = [
        tmp_path / f".published.duckdb.{running}.tmp",
        tmp_path / f".published.duckdb.{running}.tmp.wal",
        tmp_path / f".other.duckdb.{killed[0]}.tmp",
        tmp_path / ".published.duckdb.backup.tmp",
    ]
    for path in stale + kept:
        path.write_bytes(b"half a database")
    result = publish(warehouse, "--to", str(published))
    assert result.returncode == 0, result.stderr
    assert [path for path in stale if path.exists()] == []
    assert [path for path in kept if path.exists()] == kept
    assert sorted(path.name for path in tmp_path.glob(".*")) == sorted(
        path.name for path in kept
    )
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select count(*) from marts.fct_lead_scores").fetchone() == (2,)
    con.close()


def test_a_publish_killed_while_writing_is_cleaned_up_by_the_next(
    warehouse: Path, tmp_path: Path
) -> None:
    """A publish SIGKILLed once it has written to its temporary leaves it
    and its WAL (nothing published); the next publish removes them and
    publishes."""
    published = tmp_path / "published.duckdb"
    killer = f"""
import os, signal, sys
sys.path.insert(0, {str(PUBLISH.parent)!r})
import duckdb, publish
connect = duckdb.connect
def connect_then_die(*args, **kwargs):
    connection = connect(*args, **kwargs)
    connection.execute("create table half as select 1 as written")
    os.kill(os.getpid(), signal.SIGKILL)
duckdb.connect = connect_then_die
publish.publish(publish.Path({str(warehouse)!r}), publish.Path({str(published)!r}))
"""
    killed = subprocess.run([sys.executable, "-c", killer], timeout=60)
    assert killed.returncode == -9
    left = sorted(tmp_path.glob(".published.duckdb.*.tmp*"))
    assert [path.name.split(".", 4)[4] for path in left] == ["tmp", "tmp.wal"]
    assert not published.exists()
    result = publish(warehouse, "--to", str(published))
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob(".*")) == []
    assert published.exists()
