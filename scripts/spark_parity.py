"""Build the project on local Apache Spark and on DuckDB from the same demo
data, and check that every mart is equal: every row, numbers within a
tolerance. DuckDB builds the last day in one full refresh; Spark builds the
last days one run at a time, carrying its state forward, so the check also
covers incremental runs on Spark. Marts are discovered from the DuckDB
build, so new marts are compared without changing this script; the run logs
(rpt_scoring_runs, rpt_data_quality) and the time a run changed a CRM sync
row differ by design and are left out."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import shutil
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import duckdb
from dbt.cli.main import dbtRunner
from generate_demo_data import generate

REPO = Path(__file__).resolve().parents[1]
SOURCE_SCHEMAS = ("marketing", "crm")
MART_SCHEMA = "marts"
RUN_LOGS = ("rpt_scoring_runs", "rpt_data_quality")
# Columns that record when a run wrote a row: they differ between any two
# builds by design and are left out.
RUN_TIME_COLUMNS = {"fct_crm_lead_scores": {"changed_at", "sync_version"}}

Row = tuple[object, ...]


def dbt(*args: str) -> None:
    """dbt on the project, its target/ and logs/ in the work folder (set by
    main): the check can run beside other dbt commands on the checkout,
    as in .ci/run, without sharing their manifest or partial parse."""
    result = dbtRunner().invoke(
        [*args, "--project-dir", str(REPO), "--profiles-dir", str(REPO)]
    )
    if not result.success:
        raise SystemExit(f"dbt {args[0]} failed: {result.exception or ''}")


def export_sources(warehouse: Path, root: Path) -> None:
    """Write each source table to <root>/<schema>/<table>/data.parquet."""
    con = duckdb.connect(str(warehouse))
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            f" where table_schema in {SOURCE_SCHEMAS}"
        ).fetchall()
        for schema, table in tables:
            folder = root / schema / table
            folder.mkdir(parents=True)
            con.execute(
                f"copy {schema}.{table} to '{folder / 'data.parquet'}' (format parquet)"
            )
    finally:
        con.close()


def duckdb_marts(warehouse: Path) -> dict[str, tuple[list[str], list[Row]]]:
    con = duckdb.connect(str(warehouse))
    try:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables"
                f" where table_schema = ? and table_name not in {RUN_LOGS}"
                " order by table_name",
                [MART_SCHEMA],
            ).fetchall()
        ]
        marts = {}
        for name in names:
            cursor = con.execute(f"select * from {MART_SCHEMA}.{name}")
            columns = [column[0] for column in cursor.description]
            marts[name] = (columns, cursor.fetchall())
        return marts
    finally:
        con.close()


def spark_marts() -> dict[str, tuple[list[str], list[Row]]]:
    from pyspark.sql import SparkSession  # the session dbt-spark started

    spark = SparkSession.builder.getOrCreate()
    marts = {}
    for table in spark.catalog.listTables(MART_SCHEMA):
        if table.isTemporary or table.name in RUN_LOGS:
            continue
        frame = spark.table(f"{MART_SCHEMA}.{table.name}")
        marts[table.name] = (frame.columns, [tuple(row) for row in frame.collect()])
    return marts


def normalize(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def sort_key(row: Row) -> tuple:
    """Order rows the same way on both engines: floats rounded so that tiny
    differences in the last digits do not reorder them."""
    key = []
    for value in row:
        if isinstance(value, float):
            value = round(value, 6)
        key.append((value is None, str(value)))
    return tuple(key)


def values_equal(left: object, right: object, tolerance: float) -> bool:
    if isinstance(left, float | int) and isinstance(right, float | int):
        if isinstance(left, bool) or isinstance(right, bool):
            return left == right
        return math.isclose(left, right, rel_tol=tolerance, abs_tol=tolerance)
    return left == right


def compare_rows(
    expected: Sequence[Row], actual: Sequence[Row], tolerance: float, limit: int = 5
) -> list[str]:
    """Differences between two sets of rows, as readable lines."""
    if len(expected) != len(actual):
        return [f"{len(expected)} rows on DuckDB, {len(actual)} on Spark"]
    left = sorted((tuple(map(normalize, row)) for row in expected), key=sort_key)
    right = sorted((tuple(map(normalize, row)) for row in actual), key=sort_key)
    problems = []
    for duck_row, spark_row in zip(left, right, strict=True):
        if not all(
            values_equal(a, b, tolerance)
            for a, b in zip(duck_row, spark_row, strict=True)
        ):
            problems.append(f"DuckDB {duck_row} != Spark {spark_row}")
            if len(problems) == limit:
                break
    return problems


def compare_marts(
    duck: dict[str, tuple[list[str], list[Row]]],
    spark: dict[str, tuple[list[str], list[Row]]],
    tolerance: float,
) -> list[str]:
    problems = []
    for name in sorted(set(duck) | set(spark)):
        if name not in spark or name not in duck:
            problems.append(f"{name}: only on {'DuckDB' if name in duck else 'Spark'}")
            continue
        duck_columns, duck_rows = duck[name]
        spark_columns, spark_rows = spark[name]
        duck_names = [c.lower() for c in duck_columns]
        spark_names = [c.lower() for c in spark_columns]
        if sorted(duck_names) != sorted(spark_names):
            problems.append(f"{name}: columns {duck_columns} != {spark_columns}")
            continue
        # Spark moves partition columns last: compare in DuckDB's order.
        compared = [
            i
            for i, column in enumerate(duck_names)
            if column not in RUN_TIME_COLUMNS.get(name, set())
        ]
        order = [spark_names.index(duck_names[i]) for i in compared]
        duck_rows = [tuple(row[i] for i in compared) for row in duck_rows]
        spark_rows = [tuple(row[i] for i in order) for row in spark_rows]
        differences = compare_rows(duck_rows, spark_rows, tolerance)
        problems += [f"{name}: {line}" for line in differences]
        status = "differs" if differences else "equal"
        print(f"  {name:<28}{len(duck_rows):>8} rows  {status}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workdir", type=Path, default=REPO / "target" / "spark-parity"
    )
    parser.add_argument("--leads", type=int, default=300)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 10, 31)
    )
    parser.add_argument(
        "--incremental-days",
        type=int,
        default=3,
        help="Spark scores the last N days one run at a time",
    )
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args(argv)

    workdir = args.workdir.resolve()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    warehouse = workdir / "duckdb.duckdb"
    os.environ["LEAD_SCORING_DUCKDB"] = str(warehouse)
    os.environ["LEAD_SCORING_SPARK_DIR"] = str(workdir / "spark")
    os.environ["DBT_TARGET_PATH"] = str(workdir / "target")
    os.environ["DBT_LOG_PATH"] = str(workdir / "logs")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    variables = f"{{as_of: '{args.as_of}'}}"

    print(f"Demo data: {args.leads} leads over {args.days} days to {args.as_of}")
    generate(str(warehouse), args.leads, args.days, args.seed, args.as_of, quiet=True)
    started = time.monotonic()
    dbt("build", "--quiet", "--target", "duckdb", "--vars", variables)
    print(f"DuckDB build: {time.monotonic() - started:.1f} s")
    export_sources(warehouse, workdir / "parquet")

    started = time.monotonic()
    dbt(
        "run-operation",
        "register_parquet_sources",
        "--quiet",
        "--target",
        "spark",
        "--args",
        f"{{root: '{workdir / 'parquet'}'}}",
    )
    days = [
        args.as_of - dt.timedelta(days=back)
        for back in range(args.incremental_days - 1, -1, -1)
    ]
    for day in days:
        # The first and the last run build and test everything; the runs in
        # between only carry the models forward.
        command = "build" if day in (days[0], days[-1]) else "run"
        dbt(command, "--quiet", "--target", "spark", "--vars", f"{{as_of: '{day}'}}")
        print(f"Spark {command} as of {day}: {time.monotonic() - started:.1f} s")
        started = time.monotonic()

    print("Marts, DuckDB against Spark:")
    problems = compare_marts(duckdb_marts(warehouse), spark_marts(), args.tolerance)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print("Every mart is equal on DuckDB and Spark.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
