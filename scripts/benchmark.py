"""Time a daily incremental run against a full refresh on demo data.

Generates a demo warehouse (or reuses one in --workdir), scores it up to the
day before --end-date, then times, as a scheduler would run them:
1. `dbt build` of --end-date, carrying the state forward (the daily run);
2. `dbt build --full-refresh` of the same day.
Each is a separate dbt process, so the times include dbt's start-up. The
table also splits out the models that carry the score state (from dbt's
run_results.json), where incremental runs save their work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from generate_demo_data import generate

REPO = Path(__file__).resolve().parents[1]
STATE_MODELS = (
    "int_score_state",
    "int_late_activities",
    "int_score_segments",
    "int_segment_state",
    "int_decay_turns",
    "int_decay_rising_crossings",
    "int_decay_falling_crossings",
    "int_decay_transitions",
    "fct_group_transitions",
    "fct_score_history",
    "rpt_scoring_runs",
)


def run_dbt(command: str, target: Path, as_of: dt.date, *flags: str) -> float:
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


def dbt(workdir: Path, as_of: dt.date, *flags: str) -> dict[str, float]:
    """Time one dbt build; return wall seconds and dbt's own timings. A
    `dbt parse` with the same vars first, untimed, so that both timed runs
    start from a warm partial parse (changing vars makes dbt parse again)."""
    target = workdir / "target"
    run_dbt("parse", target, as_of)
    wall = run_dbt("build", target, as_of, *flags)
    results = json.loads((target / "run_results.json").read_text())
    timings = {
        result["unique_id"].split(".")[-1]: result["execution_time"]
        for result in results["results"]
    }
    state = sum(timings.get(name, 0.0) for name in STATE_MODELS)
    return {
        "wall": wall,
        "dbt": results["elapsed_time"],
        "state_models": state,
        "models": {name: round(timings.get(name, 0.0), 2) for name in STATE_MODELS},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=3000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument(
        "--end-date", type=dt.date.fromisoformat, default=dt.date(2026, 10, 31)
    )
    parser.add_argument("--workdir", type=Path, default=REPO / "target" / "benchmark")
    args = parser.parse_args(argv)

    workdir = args.workdir.resolve() / f"{args.leads}-{args.days}"
    workdir.mkdir(parents=True, exist_ok=True)
    warehouse = workdir / "demo.duckdb"
    os.environ["LEAD_SCORING_DUCKDB"] = str(warehouse)
    os.environ["DBT_PROFILES_DIR"] = str(REPO)
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    if not warehouse.exists():
        generate(str(warehouse), args.leads, args.days, 42, args.end_date, quiet=True)

    day_before = args.end_date - dt.timedelta(days=1)
    print(f"Demo: {args.leads:,} leads over {args.days} days, {warehouse}")
    dbt(workdir, day_before, "--full-refresh")
    daily = dbt(workdir, args.end_date)
    full = dbt(workdir, args.end_date, "--full-refresh")

    print(
        f"{'dbt build of ' + str(args.end_date):<34}{'wall':>8}{'dbt':>8}{'state models':>14}"
    )
    for name, timing in (("daily run (incremental)", daily), ("full refresh", full)):
        print(
            f"{name:<34}{timing['wall']:>7.1f}s{timing['dbt']:>7.1f}s"
            f"{timing['state_models']:>13.1f}s"
        )
    for name in STATE_MODELS:
        print(
            f"  {name:<32}{daily['models'][name]:>7.2f}s{full['models'][name]:>7.2f}s"
        )
    print(
        f"{'full refresh / daily run':<34}{full['wall'] / daily['wall']:>7.1f}x"
        f"{full['dbt'] / daily['dbt']:>7.1f}x"
        f"{full['state_models'] / daily['state_models']:>13.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
