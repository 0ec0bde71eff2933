"""Publish the marts to a separate DuckDB file for BI tools, swapped in
atomically.

A scheduled run holds the warehouse for writing, and DuckDB lets no other
process open a file that one process writes. BI tools read the published
copy instead: after each successful run, the marts (and the scoring model
seeds, for labels) are copied into a new file next to it, which then
replaces the published one in a single rename. A dashboard that opens the
published file sees the last good run, whole, never a run half-written.

The guards (guards.py) run first: a run they stop is not published, so
the published copy, the CRM sync, BI and the alerts stay at the last good
run (exit 8; --allow-mass-change passes an intended mass change).

The new file is written as `.<published name>.<pid>.tmp` beside it. A
publish that is killed (SIGKILL, the machine stopping) cannot remove its
own, so each publish first removes the temporaries, and their WAL, of the
processes that no longer run; a publish still running keeps its own.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from pathlib import Path

import duckdb

DEFAULT_WAREHOUSE = "data/lead_scoring.duckdb"
SCHEMAS = ("marts", "scoring_model")


def published_path(warehouse: Path) -> Path:
    """Where the published copy of `warehouse` goes by default:
    `<warehouse stem>_published.duckdb` beside it (what BI, the CRM sync and
    scripts/send_alerts.py read)."""
    return warehouse.with_name(f"{warehouse.stem}_published.duckdb")


def is_running(pid: int) -> bool:
    """Whether a process with this id runs (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def remove_stale_temporaries(published: Path) -> list[Path]:
    """Remove the temporaries of publishes to `published` whose process has
    ended (killed before it could remove them); return them. A temporary of
    a process that runs stays: it may be a publish writing it."""
    removed = []
    prefix = f".{published.name}."
    for path in published.parent.glob(f"{glob.escape(prefix)}*.tmp*"):
        pid, _, rest = path.name.removeprefix(prefix).partition(".")
        is_temporary = rest in ("tmp", "tmp.wal") and pid.isdigit()
        if is_temporary and int(pid) != os.getpid() and not is_running(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def publish(warehouse: Path, published: Path) -> int:
    """Copy the marts into `published`; return the number of tables. A mart
    that is a view (the points ledger, computed when read) is copied as a
    table of its rows."""
    remove_stale_temporaries(published)
    temporary = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.with_name(f"{temporary.name}.wal").unlink(missing_ok=True)
    con = duckdb.connect(str(temporary))
    try:
        # Under its own name: the views dbt wrote name their tables with it.
        catalog = warehouse.stem
        con.execute(f"attach '{warehouse}' as \"{catalog}\" (read_only)")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            f" where table_catalog = '{catalog}' and table_schema in {SCHEMAS}"
            " order by all"
        ).fetchall()
        for schema in SCHEMAS:
            con.execute(f"create schema {schema}")
        for schema, table in tables:
            con.execute(
                f'create table {schema}.{table} as select * from "{catalog}".{schema}.{table}'
            )
        con.execute(f'detach "{catalog}"')
        con.close()
    except BaseException:
        con.close()
        temporary.unlink(missing_ok=True)
        temporary.with_name(f"{temporary.name}.wal").unlink(missing_ok=True)
        raise
    os.replace(temporary, published)
    return len(tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("LEAD_SCORING_DUCKDB", DEFAULT_WAREHOUSE)),
    )
    parser.add_argument(
        "--to", type=Path, help="default: <warehouse>_published.duckdb alongside it"
    )
    import guards  # here: guards.py names the published copy with this module

    guards.add_allow_mass_change(parser)
    args = parser.parse_args(argv)
    published = args.to or published_path(args.warehouse)
    stopped = guards.report(
        guards.check(args.warehouse, published, guards.thresholds()),
        args.allow_mass_change,
    )
    if stopped:
        return stopped
    count = publish(args.warehouse, published)
    print(f"Published {count} tables for BI to {published} (read it read-only).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
