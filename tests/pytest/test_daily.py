"""The scheduled job (scripts/daily.py): its steps in order under one lock,
the first failure stopping it with the exit code of its cause, and one
summary line for cron. The steps are stand-ins (--bin points at a folder
whose `python` and `dbt` record what they were asked and who holds the
lock, and fail when told), so nothing is built."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import load_sources

REPO = Path(__file__).resolve().parents[2]
DAILY = REPO / "scripts" / "daily.py"


def stand_ins(
    tmp_path: Path, warehouse: Path, failing: str = "", opening: str = ""
) -> Path:
    """A bin folder whose python and dbt append `<tool> <first argument>
    <with_lock's exit code> <lock holder>` to steps.log and exit 1 when
    their first argument is `failing`; when it is `opening`, they open the
    warehouse with DuckDB for writing, as dbt does, failing as it fails."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    probe = (
        "#!/bin/sh\n"
        f"{sys.executable} {REPO}/scripts/with_lock.py {warehouse} -- true"
        " > /dev/null 2>&1\n"
        f'echo "$(basename $0) $1 $? $(cat {warehouse}.lock)" >> {tmp_path}/steps.log\n'
        f'echo "$@ (as_of: $LEAD_SCORING_AS_OF)" >> {tmp_path}/arguments.log\n'
        f'if [ "$1" = "{failing}" ]; then echo "$1 went wrong"; exit 1; fi\n'
        f'if [ "$1" = "{opening}" ]; then exec {sys.executable} -c'
        f" \"import duckdb; duckdb.connect('{warehouse}').close()\"; fi\n"
    )
    for name in ("python", "dbt"):
        (fake_bin / name).write_text(probe)
        (fake_bin / name).chmod(0o755)
    return fake_bin


def daily(
    tmp_path: Path,
    fake_bin: Path,
    *flags: str,
    webhook: str | None = None,
    warehouse: Path | None = None,
) -> subprocess.CompletedProcess:
    if warehouse is None:
        warehouse = tmp_path / "warehouse.duckdb"
        warehouse.touch()
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "LEAD_SCORING_ALERT_WEBHOOK"
    }
    if webhook:
        env["LEAD_SCORING_ALERT_WEBHOOK"] = webhook
    return subprocess.run(
        [
            sys.executable,
            str(DAILY),
            "--warehouse",
            str(warehouse),
            "--log-dir",
            str(tmp_path / "logs"),
            "--bin",
            str(fake_bin),
            *flags,
        ],
        capture_output=True,
        text=True,
        env=env,
    )


def steps(tmp_path: Path) -> list[list[str]]:
    log = tmp_path / "steps.log"
    return [line.split(" ", 3) for line in log.read_text().splitlines()]


def test_every_step_runs_in_order_under_one_lock(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    result = daily(tmp_path, stand_ins(tmp_path, warehouse), "--as-of", "2026-10-31")
    assert result.returncode == 0, result.stderr
    ran = steps(tmp_path)
    assert [step[:2] for step in ran] == [
        ["python", "scripts/validate_seeds.py"],
        ["dbt", "run-operation"],
        ["dbt", "source"],
        ["dbt", "build"],
        ["python", "scripts/guards.py"],
        ["python", "scripts/publish.py"],
    ]
    # Each step found the warehouse locked (75) by the one daily.py.
    assert {step[2] for step in ran} == {"75"}
    assert {step[3].split(" (")[1].split(",")[0] for step in ran} == {
        "scripts/daily.py"
    }
    # The day reaches dbt through the environment, not its vars (a change
    # of vars makes dbt parse the project again); no unit tests.
    arguments = (tmp_path / "arguments.log").read_text()
    assert "build --exclude-resource-type unit_test (as_of: 2026-10-31)" in arguments
    assert "--vars" not in arguments
    line = result.stdout.strip()
    assert " ok in " in line
    assert "alerts skipped (no $LEAD_SCORING_ALERT_WEBHOOK)" in line
    assert (tmp_path / "logs" / "daily.log").read_text().strip() == line
    (run_log,) = (tmp_path / "logs").glob("daily-*.log")
    assert "== " in run_log.read_text()


@pytest.mark.parametrize(
    ("name", "failing", "code", "ran"),
    [
        ("validate", "scripts/validate_seeds.py", 2, 1),
        ("sources", "run-operation", 7, 2),
        ("freshness", "source", 3, 3),
        ("build", "build", 4, 4),
        ("guards", "scripts/guards.py", 8, 5),
        ("publish", "scripts/publish.py", 5, 6),
        ("alerts", "scripts/send_alerts.py", 6, 7),
    ],
)
def test_the_first_failure_stops_the_job_with_its_own_exit_code(
    tmp_path: Path, name: str, failing: str, code: int, ran: int
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    result = daily(
        tmp_path,
        stand_ins(tmp_path, warehouse, failing),
        webhook="http://127.0.0.1:9/alerts",
    )
    assert result.returncode == code
    assert [step[1] for step in steps(tmp_path)][-1] == failing
    assert len(steps(tmp_path)) == ran
    assert f"daily: {name} failed (exit 1); nothing after it ran." in result.stderr
    # What the guards say (which table, why, the share) reaches the terminal.
    assert ("scripts/guards.py went wrong" in result.stderr) == (name == "guards")
    (run_log,) = (tmp_path / "logs").glob("daily-*.log")
    assert f"See {run_log}." in result.stderr
    assert f"{failing} went wrong" in run_log.read_text()
    line = (tmp_path / "logs" / "daily.log").read_text().strip()
    assert f" failed (exit {code}) in " in line


def test_a_job_that_finds_the_warehouse_locked_runs_nothing(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    fake_bin = stand_ins(tmp_path, warehouse)
    holder = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "with_lock.py"), str(warehouse)]
        + ["--", "sleep", "30"]
    )
    try:
        lock = Path(f"{warehouse}.lock")
        deadline = time.monotonic() + 30
        while "sleep 30" not in (lock.read_text() if lock.exists() else ""):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        result = daily(tmp_path, fake_bin)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 75
    assert not (tmp_path / "steps.log").exists()
    assert "is being written by pid" in result.stderr
    assert " busy in " in result.stdout
    assert "nothing ran, the warehouse is locked" in result.stdout


def hold_lock(warehouse: Path) -> subprocess.Popen:
    """with_lock.py holding the warehouse's lock (given this path) until
    killed."""
    holder = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "with_lock.py"), str(warehouse)]
        + ["--", "sleep", "30"]
    )
    # The lock file is named after the file's real path (with_lock.hold).
    locks = {Path(f"{warehouse}.lock"), Path(f"{os.path.realpath(warehouse)}.lock")}
    deadline = time.monotonic() + 30
    while not any(
        "sleep 30" in (lock.read_text() if lock.exists() else "") for lock in locks
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return holder


@pytest.mark.parametrize(
    ("run_on", "held_on"),
    [
        ("link.duckdb", "data/warehouse.duckdb"),
        ("data/warehouse.duckdb", "link.duckdb"),
        ("linked/warehouse.duckdb", "data/warehouse.duckdb"),
        ("link.duckdb", "linked/warehouse.duckdb"),
    ],
)
def test_a_warehouse_reached_through_a_symlink_has_the_lock_of_its_file(
    tmp_path: Path, run_on: str, held_on: str
) -> None:
    """One file is one lock, whether named through a symlink to it or a
    symlinked folder: the second run stops (75) instead of writing it at
    the same time."""
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "warehouse.duckdb"
    real.touch()
    (tmp_path / "link.duckdb").symlink_to(real)
    (tmp_path / "linked").symlink_to(tmp_path / "data")
    fake_bin = stand_ins(tmp_path, real)
    holder = hold_lock(tmp_path / held_on)
    try:
        result = daily(tmp_path, fake_bin, warehouse=tmp_path / run_on)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 75, result.stdout
    assert not (tmp_path / "steps.log").exists()
    assert "is being written by pid" in result.stderr


@pytest.mark.parametrize(
    ("step", "opening"), [("sources", "run-operation"), ("build", "build")]
)
def test_a_process_with_the_duckdb_file_open_makes_the_job_busy(
    tmp_path: Path, step: str, opening: str
) -> None:
    """A process that opened the warehouse with DuckDB without taking our
    lock (a notebook, a BI tool): the step that cannot open it stops the job
    with 75 and names that process, not with the step's own exit code."""
    warehouse = tmp_path / "warehouse.duckdb"
    fake_bin = stand_ins(tmp_path, warehouse, opening=opening)
    holder = subprocess.Popen(
        [sys.executable, "-c"]
        + [
            f"import duckdb, sys, time; con = duckdb.connect({str(warehouse)!r});"
            " print('open', flush=True); time.sleep(30)"
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        result = daily(tmp_path, fake_bin, warehouse=warehouse)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 75, result.stderr
    assert [line[1] for line in steps(tmp_path)][-1] == opening
    assert (
        f"daily: {step} could not open {warehouse}: " in result.stderr
        and f"(pid {holder.pid}) has it open" in result.stderr
    ), result.stderr
    assert " busy in " in result.stdout
    assert f"{step} " in result.stdout


def test_a_step_that_fails_for_another_reason_keeps_its_exit_code(
    tmp_path: Path,
) -> None:
    """Only DuckDB's lock error is busy: a step whose output merely talks
    of locks fails with its own code."""
    warehouse = tmp_path / "warehouse.duckdb"
    fake_bin = stand_ins(tmp_path, warehouse, failing="build")
    for name in ("python", "dbt"):
        probe = (fake_bin / name).read_text()
        (fake_bin / name).write_text(
            probe.replace("went wrong", "went wrong: could not set a lock")
        )
    assert daily(tmp_path, fake_bin).returncode == 4


def test_a_missing_warehouse_is_named_before_anything_runs(tmp_path: Path) -> None:
    fake_bin = stand_ins(tmp_path, tmp_path / "elsewhere.duckdb")
    result = subprocess.run(
        [sys.executable, str(DAILY), "--warehouse", str(tmp_path / "nowhere.duckdb")]
        + ["--log-dir", str(tmp_path / "logs"), "--bin", str(fake_bin)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"daily: no warehouse at {tmp_path / 'nowhere.duckdb'}." in result.stderr
    assert not (tmp_path / "steps.log").exists()


def test_the_daily_job_stops_at_the_sources_with_its_own_exit_code(
    tmp_path: Path,
) -> None:
    """A missing load time column used to pass the seeds and fail the
    freshness step (exit 3); the check names it first (exit 7)."""
    warehouse = tmp_path / "warehouse.duckdb"
    load_sources(warehouse, {})
    con = duckdb.connect(str(warehouse))
    con.execute("alter table marketing.leads rename _loaded_at to _fivetran_synced")
    con.close()
    result = subprocess.run(
        [sys.executable, str(DAILY), "--warehouse", str(warehouse)]
        + ["--log-dir", str(tmp_path / "logs")],
        capture_output=True,
        text=True,
        env={**os.environ, "DBT_PROFILES_DIR": str(REPO)},
    )
    assert result.returncode == 7, result.stderr
    assert "daily: sources failed (exit 1); nothing after it ran." in result.stderr
    (run_log,) = (tmp_path / "logs").glob("daily-*.log")
    assert "marketing.leads, column _loaded_at: missing." in run_log.read_text()
    assert "lead_scoring_marketing_loaded_at_column" in run_log.read_text()


def test_allow_mass_change_reaches_the_guards_and_publish_only(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    result = daily(tmp_path, stand_ins(tmp_path, warehouse), "--allow-mass-change")
    assert result.returncode == 0, result.stderr
    flagged = [
        line.split()[0]
        for line in (tmp_path / "arguments.log").read_text().splitlines()
        if "--allow-mass-change" in line
    ]
    assert flagged == ["scripts/guards.py", "scripts/publish.py"]
