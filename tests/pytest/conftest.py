"""Helpers for the pytest suite: a throwaway copy of the dbt project, a
DuckDB warehouse loaded with hand-made rows of the source contract, and dbt
driven in-process through dbtRunner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult

REPO = Path(__file__).resolve().parents[2]
PROJECT_FILES = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds"]

# The source contract (design §1): schema, table, columns with their types.
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

    def dbt(self, *args: str) -> dbtRunnerResult:
        os.environ["LEAD_SCORING_DUCKDB"] = str(self.warehouse)
        return dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(self.root),
                "--profiles-dir",
                str(self.root),
                "--quiet",
            ]
        )

    def build(self, *args: str) -> dbtRunnerResult:
        result = self.dbt("build", *args)
        assert result.success, f"dbt build failed: {result.exception or result.result}"
        return result

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse))
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    root = tmp_path / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    shutil.copytree(REPO / "tests" / "dbt", root / "tests" / "dbt")
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    monkeypatch.setenv("LEAD_SCORING_DUCKDB", str(root / "warehouse.duckdb"))
    monkeypatch.chdir(root)
    yield Project(root)
