"""The demo data as this project's loaders would write it: in its own file
(attached as the database raw) and under the loaders' schema names, hubspot
and salesforce instead of marketing and crm, so that the build proves the
package reads its sources where the vars say.

python integration_tests/load_demo_data.py target/raw.duckdb
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

SCHEMAS = {"marketing": "hubspot", "crm": "salesforce"}
GENERATOR = Path(__file__).resolve().parents[1] / "scripts" / "generate_demo_data.py"


def main(warehouse: Path) -> None:
    warehouse.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, GENERATOR, "--quiet", "--end-date", "2026-10-31"]
        + ["--warehouse", str(warehouse)],
        check=True,
    )
    con = duckdb.connect(str(warehouse))
    try:
        for old, new in SCHEMAS.items():
            con.execute(f"create schema {new}")
            tables = con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = ? order by 1",
                [old],
            ).fetchall()
            for (table,) in tables:
                con.execute(f"create table {new}.{table} as from {old}.{table}")
            con.execute(f"drop schema {old} cascade")
    finally:
        con.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
