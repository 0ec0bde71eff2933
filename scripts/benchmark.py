"""Benchmark the project at a named scale and compare it with a floor.

    benchmark.py --scale S        (S: 10,000 leads; M: 100,000; L: 1,000,000)

Generates the demo data for the scale (365 days to --end-date, the two demo
models), or reuses it from --workdir, then measures on a copy of it, each
dbt command in its own process as a scheduler runs it:
1. data generation (recorded when the data was generated);
2. a full build of the day before --end-date: `dbt run --full-refresh`
   (models alone), then `dbt test` (data and unit tests); a `dbt build
   --full-refresh` takes their sum less one start-up;
3. the incremental daily run: the last day's events, held back so far, are
   appended and `dbt build` scores --end-date;
4. the reference floor: scripts/reference_scores.sql, one hand-written
   DuckDB query for the same current scores, timed on the final warehouse
   under the profile's memory limit (LEAD_SCORING_DUCKDB_MEMORY) and
   checked row by row against marts.fct_lead_scores;
5. dbt's fixed start-up (a `dbt run` that selects nothing) and the peak
   memory (largest resident set) of the dbt processes and of the floor
   query, apart.
Prints a table and writes the results to <workdir>/<scale>/results.json,
with the machine's cores and memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from generate_demo_data import generate

REPO = Path(__file__).resolve().parents[1]
SCALES = {"S": 10_000, "M": 100_000, "L": 1_000_000}
DAYS = 365
# DuckDB's memory limit, as the profile reads it (its default there too).
MEMORY_LIMIT = os.environ.get("LEAD_SCORING_DUCKDB_MEMORY", "2500MB")
# Source tables and their time column: the rows of the last day are held
# back and appended before the daily run.
EVENT_TABLES = {
    "marketing.web_events": "occurred_at",
    "marketing.email_events": "occurred_at",
    "marketing.form_submissions": "submitted_at",
    "marketing.social_events": "occurred_at",
    "marketing.visitor_identities": "identified_at",
    "crm.lead_stage_changes": "changed_at",
}


def dbt(target: Path, as_of: dt.date, command: str, *flags: str) -> float:
    """Run one dbt command in its own process; return its wall seconds."""
    started = time.monotonic()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            command,
            "--quiet",
            "--target-path",
            str(target),
            "--vars",
            f"{{as_of: '{as_of}'}}",
            *flags,
        ],
        cwd=REPO,
        check=True,
    )
    return time.monotonic() - started


def hold_back_last_day(warehouse: Path, day: dt.date) -> int:
    """Move the source rows of `day` and later into schema holdback."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema holdback")
        held = 0
        for table, column in EVENT_TABLES.items():
            name = table.split(".")[1]
            con.execute(
                f"create table holdback.{name} as select * from {table}"
                f" where {column} >= date '{day}'"
            )
            con.execute(f"delete from {table} where {column} >= date '{day}'")
            held += con.execute(f"select count(*) from holdback.{name}").fetchone()[0]
        # Answers belong to their submission: held back with it.
        con.execute(
            "create table holdback.form_answers as select * from marketing.form_answers"
            " where submission_id in (select submission_id from holdback.form_submissions)"
        )
        con.execute(
            "delete from marketing.form_answers"
            " where submission_id in (select submission_id from holdback.form_submissions)"
        )
        return held
    finally:
        con.close()


def append_held_back(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        for table in [*EVENT_TABLES, "marketing.form_answers"]:
            name = table.split(".")[1]
            con.execute(f"insert into {table} select * from holdback.{name}")
        con.execute("drop schema holdback cascade")
    finally:
        con.close()


def source_rows(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_schema in ('marketing', 'crm') order by 1"
        ).fetchall()
        return {
            name: con.execute(f"select count(*) from {name}").fetchone()[0]
            for (name,) in tables
        }
    finally:
        con.close()


def reference_floor(warehouse: Path, as_of: dt.date) -> tuple[float, int, int]:
    """Time the floor query; return its seconds, its rows and the rows that
    differ from marts.fct_lead_scores (score or exclusion, or missing)."""
    sql = (REPO / "scripts" / "reference_scores.sql").read_text()
    # Side by side with dbt: the profile's memory limit and settings.
    con = duckdb.connect(
        str(warehouse),
        read_only=True,
        config={
            "memory_limit": MEMORY_LIMIT,
            "preserve_insertion_order": False,
        },
    )
    try:
        started = time.monotonic()
        con.execute(f"create temp table reference as {sql.format(as_of=as_of)}")
        seconds = time.monotonic() - started
        rows, differing = con.execute(
            """
            select
                count(*),
                count(*) filter (
                    where scores.lead_id is null or reference.lead_id is null
                    or scores.lead_score <> reference.lead_score
                    or scores.is_excluded <> reference.is_excluded
                )
            from marts.fct_lead_scores as scores
            full join reference using (lead_id, model_id)
            """
        ).fetchone()
        return seconds, rows, differing
    finally:
        con.close()


def slowest(target: Path, count: int | None = 8) -> dict[str, float]:
    """The slowest nodes of the last dbt command, from run_results.json
    (every node when count is None)."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    ranked = sorted(results, key=lambda result: -result["execution_time"])
    return {
        result["unique_id"].split(".", 2)[2]: round(result["execution_time"], 1)
        for result in ranked[:count]
    }


def peak_memory_gib(who: int) -> float:
    """Largest resident set of this process (the floor query) or of every
    finished child (the dbt commands)."""
    return resource.getrusage(who).ru_maxrss / 1024**2


def python_loop_seconds() -> float:
    """Seconds for a fixed pure-Python loop. dbt's start-up and its cost
    per node follow the machine's single-core speed, which can differ from
    one machine or day to another: compare runs through it."""
    started = time.monotonic()
    total = 0
    for number in range(10_000_000):
        total += number
    return round(time.monotonic() - started, 2)


def machine() -> dict[str, object]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "python_loop_seconds": python_loop_seconds(),
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 1024**3, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "duckdb_memory_limit": MEMORY_LIMIT,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="S")
    parser.add_argument(
        "--end-date", type=dt.date.fromisoformat, default=dt.date(2026, 10, 31)
    )
    parser.add_argument("--workdir", type=Path, default=REPO / "target" / "benchmark")
    args = parser.parse_args(argv)

    leads = SCALES[args.scale]
    folder = args.workdir.resolve() / args.scale
    folder.mkdir(parents=True, exist_ok=True)
    demo, generation_file = folder / "demo.duckdb", folder / "generation.json"
    os.environ["DBT_PROFILES_DIR"] = str(REPO)
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"

    if not demo.exists() or not generation_file.exists():
        demo.unlink(missing_ok=True)
        print(f"Generating scale {args.scale}: {leads:,} leads over {DAYS} days ...")
        started = time.monotonic()
        generate(str(demo), leads, DAYS, 42, args.end_date, quiet=False)
        generation_file.write_text(
            json.dumps({"seconds": round(time.monotonic() - started, 1)})
        )
    generation = json.loads(generation_file.read_text())["seconds"]
    rows = source_rows(demo)
    events = sum(count for name, count in rows.items() if name != "marketing.leads")

    warehouse, target = folder / "run.duckdb", folder / "target"
    for stale in (warehouse, Path(f"{warehouse}.wal")):
        stale.unlink(missing_ok=True)
    shutil.copy(demo, warehouse)
    os.environ["LEAD_SCORING_DUCKDB"] = str(warehouse)
    day_before = args.end_date - dt.timedelta(days=1)
    held = hold_back_last_day(warehouse, args.end_date)

    print(f"Scale {args.scale}: {leads:,} leads, {events:,} events; timing ...")
    results: dict = {"scale": args.scale, "seconds": {"generation": generation}}

    def timed(key: str, seconds: float) -> float:
        """Record a step as soon as it ends (a long run keeps what it did)."""
        results["seconds"][key] = round(seconds, 1)
        (folder / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        print(f"  {key}: {seconds:.1f} s", flush=True)
        return seconds

    dbt(target, day_before, "parse")
    dbt(target, day_before, "seed")
    startup = timed(
        "dbt_startup", dbt(target, day_before, "run", "--select", "path:nothing")
    )
    models = timed("full_run_models", dbt(target, day_before, "run", "--full-refresh"))
    results["slowest_models_full"] = slowest(target)
    tests = timed("full_tests", dbt(target, day_before, "test"))
    # A full `dbt build` runs the same models and tests in one process: its
    # time is the two less one start-up (measured apart to save a rebuild).
    timed("full_build_models_and_tests", models + tests - startup)
    append_held_back(warehouse)
    dbt(target, args.end_date, "parse")
    timed("incremental_daily_build", dbt(target, args.end_date, "build"))
    results["slowest_nodes_daily"] = slowest(target)
    results["nodes_daily"] = slowest(target, count=None)
    floor, floor_rows, differing = reference_floor(warehouse, args.end_date)
    timed("reference_floor", floor)

    results |= {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "leads": leads,
        "days": DAYS,
        "events": events,
        "source_rows": rows,
        "held_back_rows": held,
        "floor_rows": floor_rows,
        "floor_rows_differing": differing,
        "peak_memory_gib_dbt": round(peak_memory_gib(resource.RUSAGE_CHILDREN), 2),
        "peak_memory_gib_floor": round(peak_memory_gib(resource.RUSAGE_SELF), 2),
    }
    results["peak_memory_gib"] = max(
        results["peak_memory_gib_dbt"], results["peak_memory_gib_floor"]
    )
    results["daily_over_floor"] = round(
        results["seconds"]["incremental_daily_build"] / floor, 1
    )
    results["models_over_floor"] = round((models - startup) / floor, 1)
    (folder / "results.json").write_text(json.dumps(results, indent=2) + "\n")

    print(f"\n{'scale ' + args.scale:<44}{'seconds':>10}")
    labels = {
        "generation": "data generation",
        "dbt_startup": "dbt start-up (a run that selects nothing)",
        "full_run_models": "full refresh, models (dbt run)",
        "full_tests": "tests of the full build (dbt test)",
        "full_build_models_and_tests": "full build: models and tests",
        "incremental_daily_build": "daily run after one more day (dbt build)",
        "reference_floor": "reference floor (one DuckDB query)",
    }
    for key, label in labels.items():
        print(f"{label:<44}{results['seconds'][key]:>10.1f}")
    print(
        f"{'(models - start-up) / floor':<44}{results['models_over_floor']:>9.1f}x\n"
        f"{'daily run / floor':<44}{results['daily_over_floor']:>9.1f}x\n"
        f"{'peak memory, dbt':<44}{results['peak_memory_gib_dbt']:>7.2f} GiB\n"
        f"{'peak memory, floor query':<44}{results['peak_memory_gib_floor']:>7.2f} GiB\n"
        f"{'a fixed Python loop (machine speed)':<44}"
        f"{results['machine']['python_loop_seconds']:>10.2f}\n"
        f"floor: {floor_rows:,} scores, {differing} differ from fct_lead_scores\n"
        f"results: {folder / 'results.json'}"
    )
    return 0 if differing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
