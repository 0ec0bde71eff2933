"""Helpers for the pytest suite: a throwaway copy of the dbt project, a
DuckDB warehouse loaded with hand-made rows of the source contract, dbt
driven in-process through dbtRunner, and builds that several tests start
from, made once a run and copied (SharedBuilds)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult

REPO = Path(__file__).resolve().parents[2]
PROJECT_FILES = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds"]

# The source contract (docs/loading_data.md): schema, table, columns with their types.
CONTRACT: dict[tuple[str, str], dict[str, str]] = {
    ("marketing", "leads"): {
        "lead_id": "varchar",
        "email": "varchar",
        "job_title": "varchar",
        "department": "varchar",
        "company_name": "varchar",
        "company_size": "integer",
        "industry": "varchar",
        "country": "varchar",
        "city": "varchar",
        "created_at": "timestamp",
        "updated_at": "timestamp",
    },
    ("marketing", "web_events"): {
        "event_id": "varchar",
        "visitor_id": "varchar",
        "lead_id": "varchar",
        "event_type": "varchar",
        "page_url": "varchar",
        "asset_id": "varchar",
        "duration_seconds": "integer",
        "occurred_at": "timestamp",
    },
    ("marketing", "visitor_identities"): {
        "visitor_id": "varchar",
        "lead_id": "varchar",
        "identified_at": "timestamp",
    },
    ("marketing", "email_events"): {
        "event_id": "varchar",
        "lead_id": "varchar",
        "campaign_id": "varchar",
        "email_id": "varchar",
        "event_type": "varchar",
        "link_url": "varchar",
        "occurred_at": "timestamp",
    },
    ("marketing", "form_submissions"): {
        "submission_id": "varchar",
        "lead_id": "varchar",
        "visitor_id": "varchar",
        "form_id": "varchar",
        "page_url": "varchar",
        "submitted_at": "timestamp",
    },
    ("marketing", "form_answers"): {
        "submission_id": "varchar",
        "question_id": "varchar",
        "answer": "varchar",
    },
    ("marketing", "social_events"): {
        "event_id": "varchar",
        "lead_id": "varchar",
        "network": "varchar",
        "event_type": "varchar",
        "occurred_at": "timestamp",
    },
    ("crm", "lead_stage_changes"): {
        "lead_id": "varchar",
        "stage": "varchar",
        "changed_at": "timestamp",
        "owner_id": "varchar",
        "amount": "decimal(18, 2)",
    },
}

Rows = Sequence[Mapping[str, object]]

RUN_TIME_COLUMNS = {"fct_crm_lead_scores": "exclude (changed_at, sync_version)"}


def rounded(points: float) -> float:
    """A hand-computed number at the scores' precision (docs/scoring.md):
    1e-6, half away from zero, as the macro score_precision rounds it."""
    return float(Decimal(points).quantize(Decimal("1e-6"), ROUND_HALF_UP))


def failures(result: dbtRunnerResult) -> str:
    """The nodes of a dbt invocation that did not pass, with their message."""
    if result.exception is not None:
        return str(result.exception)
    return "; ".join(
        f"{r.node.name}: {r.status} {r.message}"
        for r in result.result.results
        if str(r.status) not in ("success", "pass", "warn")
    )


def load_sources(warehouse: Path, tables: Mapping[str, Rows]) -> None:
    """Create every table of the contract (empty unless given rows); columns a
    row leaves out are null; _loaded_at defaults to 2026-01-01."""
    con = duckdb.connect(str(warehouse))
    try:
        for (schema, table), columns in CONTRACT.items():
            all_columns = {**columns, "_loaded_at": "timestamp"}
            con.execute(f"create schema if not exists {schema}")
            definition = ", ".join(
                f"{name} {kind}" for name, kind in all_columns.items()
            )
            con.execute(f"create or replace table {schema}.{table} ({definition})")
            for row in tables.get(table, []):
                unknown = set(row) - set(all_columns)
                assert not unknown, f"{table} has no columns {unknown}"
                values = {"_loaded_at": "2026-01-01 00:00:00", **row}
                names = list(values)
                placeholders = ", ".join("?" for _ in names)
                con.execute(
                    f"insert into {schema}.{table} ({', '.join(names)}) values ({placeholders})",
                    [values[name] for name in names],
                )
    finally:
        con.close()


def write_seed(project: Path, name: str, header: str, rows: Sequence[str]) -> None:
    (project / "seeds" / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n")


class Project:
    """A copy of the dbt project in a temporary folder, with its own warehouse."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.warehouse = root / "warehouse.duckdb"

    def dbt(self, *args: str, callbacks: Sequence[Callable] = ()) -> dbtRunnerResult:
        os.environ["LEAD_SCORING_DUCKDB"] = str(self.warehouse)
        return dbtRunner(callbacks=list(callbacks)).invoke(
            [
                *args,
                "--project-dir",
                str(self.root),
                "--profiles-dir",
                str(self.root),
                "--quiet",
            ]
        )

    def build(self, *args: str, callbacks: Sequence[Callable] = ()) -> dbtRunnerResult:
        result = self.dbt("build", *args, callbacks=callbacks)
        assert result.success, f"dbt build failed: {failures(result)}"
        return result

    def run(self, *args: str) -> dbtRunnerResult:
        result = self.dbt("run", *args)
        assert result.success, f"dbt run failed: {failures(result)}"
        return result

    def marts(self) -> dict[str, list[tuple]]:
        """Every row of every mart but the run logs (rpt_scoring_runs,
        rpt_data_quality), in a stable order, without the columns that record
        when a run wrote a row."""
        tables = [
            name
            for (name,) in self.query(
                "select table_name from information_schema.tables"
                " where table_schema = 'marts'"
                " and table_name not in ('rpt_scoring_runs', 'rpt_data_quality')"
                " order by table_name"
            )
        ]
        return {
            table: self.query(
                f"select * {RUN_TIME_COLUMNS.get(table, '')} from marts.{table}"
                " order by all"
            )
            for table in tables
        }

    def append(self, table: str, rows: Rows) -> None:
        """Insert rows into a source table (by name, for example
        'email_events'); columns a row leaves out are null."""
        con = duckdb.connect(str(self.warehouse))
        try:
            for row in rows:
                names = list(row)
                schema = next(s for (s, t) in CONTRACT if t == table)
                con.execute(
                    f"insert into {schema}.{table} ({', '.join(names)})"
                    f" values ({', '.join('?' for _ in names)})",
                    [row[name] for name in names],
                )
        finally:
            con.close()

    def publish(self, published: Path) -> Path:
        """scripts/publish.py of a copy of the warehouse (with its WAL, under
        the same name: the views name their catalog after the file), since a
        dbt run in this process still holds the warehouse; returns
        `published`."""
        copy = self.copy(published.parent / "copy")
        script = REPO / "scripts" / "publish.py"
        subprocess.run(
            [sys.executable, script, "--warehouse", copy, "--to", published],
            check=True,
            capture_output=True,
        )
        return published

    def copy(self, folder: Path) -> Path:
        """A copy of the warehouse (with its WAL, under the same name) in
        folder, for a script to open while a dbt run in this process still
        holds the warehouse; returns its path."""
        folder.mkdir(parents=True, exist_ok=True)
        for written in self.root.glob(f"{self.warehouse.name}*"):
            shutil.copy(written, folder / written.name)
        return folder / self.warehouse.name

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse))
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()


def make_project(root: Path) -> Project:
    """Copy the dbt project (and its dbt tests) into root."""
    root.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    shutil.copytree(REPO / "tests" / "dbt", root / "tests" / "dbt")
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return Project(root)


class SharedBuilds:
    """Builds that several tests start from, each made once a run and copied
    into the tests' projects.

    A test that starts from the same seeds, sources and dbt invocations as
    others gets a copy of the project folder (seeds, warehouse with its WAL,
    target/) that the first of them built, instead of building it again:
    the copy holds what its own build would have left. Under pytest-xdist
    the workers share the builds: the first worker to ask builds, under a
    lock; the others wait for it and copy. A build that fails is not kept,
    so every test that asks for it fails with dbt's message."""

    def __init__(self, root: Path, scratch: pytest.TempPathFactory) -> None:
        self.root = root
        self.scratch = scratch

    def project(
        self, name: str, setup: Callable[[Project], object], root: Path
    ) -> Project:
        """The project that setup(project) leaves, built once under name (one
        name, one setup), copied into root (emptied first; a test's working
        directory in it stays valid)."""
        built = self.built(name, setup)
        root.mkdir(parents=True, exist_ok=True)
        for item in root.iterdir():
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
        shutil.copytree(built, root, dirs_exist_ok=True)
        return Project(root)

    def built(self, name: str, setup: Callable[[Project], object]) -> Path:
        folder = self.root / name
        with (self.root / f"{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "done").exists():
                shutil.rmtree(folder, ignore_errors=True)
                building = make_project(self.scratch.mktemp(name) / "project")
                previous = os.environ.get("LEAD_SCORING_DUCKDB")
                try:
                    setup(building)
                finally:
                    if previous is None:
                        os.environ.pop("LEAD_SCORING_DUCKDB", None)
                    else:
                        os.environ["LEAD_SCORING_DUCKDB"] = previous
                # A copy that no DuckDB ever opens, taken as Project.copy
                # does (the dbt run in this process still holds the file).
                shutil.copytree(
                    building.root,
                    folder / "project",
                    ignore=shutil.ignore_patterns("logs"),
                )
                (folder / "done").touch()
        return folder / "project"


# The files that take longest (make pytest's durations), run first: a file
# runs on one worker (--dist loadfile, --no-loadscope-reorder), so a long
# one that starts last keeps the run waiting on one core.
SLOWEST_FILES = [
    "test_incremental_parity.py",
    "test_bad_input.py",
    "test_calibrate.py",
    "test_incremental_runs.py",
    "test_guards.py",
    "test_routing_and_feedback.py",
    "test_orchestration.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest files first, each file's tests in their own order."""

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return (
            SLOWEST_FILES.index(name) if name in SLOWEST_FILES else len(SLOWEST_FILES)
        )

    items.sort(key=rank)


@pytest.fixture(scope="session")
def shared_builds(tmp_path_factory: pytest.TempPathFactory) -> SharedBuilds:
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the folder of this run, shared by its workers
    root = base / "shared-builds"
    root.mkdir(exist_ok=True)
    return SharedBuilds(root, tmp_path_factory)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    root = tmp_path / "project"
    monkeypatch.setenv("LEAD_SCORING_DUCKDB", str(root / "warehouse.duckdb"))
    made = make_project(root)
    monkeypatch.chdir(root)
    yield made


def assert_same_marts(
    actual: Mapping[str, list[tuple]], expected: Mapping[str, list[tuple]]
) -> None:
    """Same tables, same rows in the same order; numbers equal within 1e-9."""
    assert sorted(actual) == sorted(expected)
    for table, rows in expected.items():
        assert len(actual[table]) == len(rows), table
        for got, want in zip(actual[table], rows, strict=True):
            same = all(
                abs(a - b) <= 1e-9
                if isinstance(a, float) and isinstance(b, float)
                else a == b
                for a, b in zip(got, want, strict=True)
            )
            assert same, f"{table}: {got} != {want}"
