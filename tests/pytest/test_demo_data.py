"""The demo data generator: deterministic, complete, and shaped like the
source contract."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb
from conftest import CONTRACT, REPO

sys.path.insert(0, str(REPO / "scripts"))
import generate_demo_data  # noqa: E402

END = dt.date(2026, 10, 31)


def table_digest(path: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            f"{schema}.{table}": con.execute(
                f"select count(*), sum(hash(columns(*))) from {schema}.{table}"
            ).fetchone()
            for schema, table in CONTRACT
        }
    finally:
        con.close()


def test_same_seed_gives_the_same_data(tmp_path: Path) -> None:
    first, second, other = (tmp_path / f"{name}.duckdb" for name in "abc")
    generate_demo_data.generate(str(first), 300, 60, 7, END, quiet=True)
    generate_demo_data.generate(str(second), 300, 60, 7, END, quiet=True)
    generate_demo_data.generate(str(other), 300, 60, 8, END, quiet=True)
    assert table_digest(first) == table_digest(second)
    assert table_digest(first) != table_digest(other)


def test_every_contract_column_is_written(tmp_path: Path) -> None:
    path = tmp_path / "demo.duckdb"
    counts = generate_demo_data.generate(str(path), 500, 90, 1, END, quiet=True)
    assert counts["leads"] == 500
    con = duckdb.connect(str(path), read_only=True)
    try:
        for (schema, table), columns in CONTRACT.items():
            written = {
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
            }
            assert written == {*columns, "_loaded_at"}, table
            assert counts[table] > 0, table
        last = con.execute(
            "select max(occurred_at) from marketing.web_events"
        ).fetchone()[0]
        assert last < dt.datetime(2026, 11, 1)
        anonymous_after_identification = con.execute(
            """
            select count(*)
            from marketing.web_events as events
            inner join marketing.visitor_identities as identities
                on events.visitor_id = identities.visitor_id
            where events.lead_id is null
                and events.occurred_at >= identities.identified_at
            """
        ).fetchone()[0]
        visits_before_identification = con.execute(
            """
            select count(*)
            from marketing.web_events as events
            inner join marketing.visitor_identities as identities
                on events.visitor_id = identities.visitor_id
            where events.occurred_at < identities.identified_at
            """
        ).fetchone()[0]
    finally:
        con.close()
    assert anonymous_after_identification == 0
    assert visits_before_identification > 0
