"""The scheduled job: check the seeds and the sources, build, publish for BI
and send the sales alerts, all under the warehouse's one lock.

    daily.py [--warehouse FILE] [--wait SECONDS] [--log-dir DIR] [--as-of DATE]
             [--allow-mass-change]

Each step runs in its own process, its output appended to one log file per
run (<log-dir>/daily-<UTC time>.log). The first step that fails stops the
job with a message naming it and the log, and the exit code of its cause:

     0  every step passed
     1  there is no warehouse at --warehouse
     2  a seed is wrong (scripts/validate_seeds.py says where)
     7  a source table breaks the contract: a table or column missing, or of
        a type that never casts (dbt run-operation check_source_contract
        names each; docs/loading_data.md)
     3  a source is stale past its error_after (dbt source freshness)
     4  dbt build failed (a model or a test)
     8  a guard stopped the run before anything left the warehouse: a source
        table mostly quarantined, or most of a model's CRM rows removed or
        moved to another group (scripts/guards.py names the table, the
        reason and the share); the published copy, the CRM sync, BI and the
        alerts stay at the last good run. --allow-mass-change passes an
        intended mass change
     5  publishing the marts for BI failed
     6  sending the alerts failed (scripts/send_alerts.py)
    75  another run holds the warehouse (EX_TEMPFAIL: cron tries again later):
        its lock, or, when a step could not open the DuckDB file, the
        process DuckDB names (a notebook or BI tool with the file open)

The guards' warnings that need a person (quarantined rows, CRM stages the
seeds do not map, rules that match nothing) are printed on every run.
The alerts are posted only when $LEAD_SCORING_ALERT_WEBHOOK is set; without
it the step is skipped. Prints one line for cron and appends it to
<log-dir>/daily.log, for example:

    2026-12-01T06:00:03Z ok in 181.2 s: validate 0.5 s, sources 3.1 s, ...
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from guards import add_allow_mass_change
from with_lock import BUSY, hold

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WAREHOUSE = "data/lead_scoring.duckdb"

# DuckDB's words when another process has the file open (it allows one
# writer, or readers only): "Could not set lock on file "<path>": Conflicting
# lock is held in <program> (PID <pid>) ...".
DUCKDB_LOCKED = re.compile(r'Could not set lock on file "(?P<file>[^"]*)"(?P<rest>.*)')
DUCKDB_HOLDER = re.compile(
    r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)"
)


def duckdb_lock_holder(output: str) -> tuple[str, str] | None:
    """The DuckDB file a step could not open and the process holding it,
    as DuckDB names them in the step's output (`another process` when it
    does not); None when the output has no lock error."""
    locked = DUCKDB_LOCKED.search(output)
    if locked is None:
        return None
    holder = DUCKDB_HOLDER.search(locked["rest"])
    if holder is None:
        return locked["file"], "another process"
    return locked["file"], f"{holder['program']} (pid {holder['pid']})"


# Each step: its name, the exit code of its failure, and its command
# ({python} and {dbt} are the environment's).
STEPS = [
    ("validate", 2, ["{python}", "scripts/validate_seeds.py"]),
    ("sources", 7, ["{dbt}", "run-operation", "check_source_contract"]),
    ("freshness", 3, ["{dbt}", "source", "freshness"]),
    # Unit tests check the code, not the day's data: CI runs them.
    ("build", 4, ["{dbt}", "build", "--exclude-resource-type", "unit_test"]),
    ("guards", 8, ["{python}", "scripts/guards.py"]),
    ("publish", 5, ["{python}", "scripts/publish.py"]),
    ("alerts", 6, ["{python}", "scripts/send_alerts.py", "--send"]),
]


def step_command(name: str, tools: dict[str, str]) -> tuple[int, list[str]]:
    """A step's failure exit code and its command, with the environment's
    python and dbt (also the Dagster job's steps, orchestration/)."""
    _, failure, template = next(step for step in STEPS if step[0] == name)
    return failure, [part.format(**tools) for part in template]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def run_steps(args: argparse.Namespace, log_path: Path) -> tuple[int, list[str]]:
    """Run the steps in order into the log; return the exit code and one
    `<step> <seconds>` (or `skipped`) per step that ran."""
    tools = {"python": str(args.bin / "python"), "dbt": str(args.bin / "dbt")}
    done: list[str] = []
    with log_path.open("a") as log:
        for name, _, _ in STEPS:
            if name == "alerts" and not os.environ.get("LEAD_SCORING_ALERT_WEBHOOK"):
                done.append(f"{name} skipped (no $LEAD_SCORING_ALERT_WEBHOOK)")
                continue
            failure, command = step_command(name, tools)
            if name in ("guards", "publish") and args.allow_mass_change:
                command += ["--allow-mass-change"]
            print(f"\n== {now()} {name}: {' '.join(command)}", file=log, flush=True)
            started, output_from = time.monotonic(), os.fstat(log.fileno()).st_size
            code = subprocess.run(
                command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT
            ).returncode
            done.append(f"{name} {time.monotonic() - started:.1f} s")
            output = (
                log_path.read_bytes()[output_from:].decode(errors="replace")
                if code != 0 or name == "guards"
                else ""
            )
            if name == "guards":
                # What needs a person goes to the terminal (cron mails it).
                sys.stderr.write(output)
            locked = duckdb_lock_holder(output)
            if locked is not None:
                # Another process has the file open without our lock: busy,
                # as when another run holds the lock, not the step's failure.
                print(
                    f"daily: {name} could not open {locked[0]}: {locked[1]} has"
                    " it open (DuckDB allows one writer). Nothing after it ran;"
                    " run again when that process has closed the file."
                    f" See {log_path}.",
                    file=sys.stderr,
                )
                return BUSY, done
            if code != 0:
                print(
                    f"daily: {name} failed (exit {code}); nothing after it ran."
                    f" See {log_path}.",
                    file=sys.stderr,
                )
                return failure, done
    return 0, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("LEAD_SCORING_DUCKDB", DEFAULT_WAREHOUSE)),
    )
    parser.add_argument(
        "--wait", type=float, default=0, help="seconds to wait for the lock"
    )
    parser.add_argument("--log-dir", type=Path, default=REPO / "logs")
    parser.add_argument("--as-of", help="score this date (YYYY-MM-DD); default: today")
    add_allow_mass_change(parser)
    parser.add_argument(
        "--bin",
        type=Path,
        default=Path(sys.executable).parent,
        help="the folder of the python and dbt to run (default: this Python's)",
    )
    args = parser.parse_args(argv)
    os.environ["LEAD_SCORING_DUCKDB"] = str(args.warehouse)
    os.environ.setdefault("DBT_PROFILES_DIR", str(REPO))
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    if args.as_of:
        # Read by the macro as_of_text: dbt's vars are unchanged from run to
        # run, so dbt does not parse the project again.
        os.environ["LEAD_SCORING_AS_OF"] = args.as_of
    if not args.warehouse.exists():
        print(
            f"daily: no warehouse at {args.warehouse}. Load the sources into it"
            " (docs/loading_data.md) or run `make run` for the demo.",
            file=sys.stderr,
        )
        return 1
    args.log_dir.mkdir(parents=True, exist_ok=True)
    started_at, started = now(), time.monotonic()
    log_path = args.log_dir / f"daily-{started_at.replace(':', '')}.log"

    with hold(args.warehouse, args.wait, "scripts/daily.py") as held:
        code, done = run_steps(args, log_path) if held else (BUSY, [])
    status = {0: "ok", BUSY: "busy"}.get(code, f"failed (exit {code})")
    line = (
        f"{started_at} {status} in {time.monotonic() - started:.1f} s: "
        + (", ".join(done) or "nothing ran, the warehouse is locked")
        + (f" (log {log_path})" if done else "")
    )
    print(line)
    with (args.log_dir / "daily.log").open("a") as summary:
        print(line, file=summary)
    return code


if __name__ == "__main__":
    sys.exit(main())
