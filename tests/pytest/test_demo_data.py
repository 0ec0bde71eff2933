"""The demo data generator: deterministic, complete, and shaped like the
source contract."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb
import pytest
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


# The time each table's rows happen at; a form answer happens with its
# submission.
HAPPENED_AT = {
    "leads": "created_at",
    "visitor_identities": "identified_at",
    "web_events": "occurred_at",
    "email_events": "occurred_at",
    "form_submissions": "submitted_at",
    "social_events": "occurred_at",
    "lead_stage_changes": "changed_at",
}


def happened_rows(path: Path, until: dt.datetime | None) -> dict[str, set]:
    """Every row of every table up to `until` (None: all of them), every
    column but the lead's updated_at and _loaded_at: up to now, they are
    the time of the run."""
    con = duckdb.connect(str(path), read_only=True)
    until = until or dt.datetime.max
    try:
        rows = {}
        for schema, table in CONTRACT:
            if table == "form_answers":
                query = (
                    "select answers.* from marketing.form_answers as answers"
                    " inner join marketing.form_submissions using (submission_id)"
                    " where submitted_at <= $until"
                )
            else:
                left_out = (
                    "exclude (updated_at, _loaded_at)" if table == "leads" else ""
                )
                query = (
                    f"select * {left_out} from {schema}.{table}"
                    f" where {HAPPENED_AT[table]} <= $until"
                )
            rows[table] = set(con.execute(query, {"until": until}).fetchall())
        return rows
    finally:
        con.close()


def test_a_demo_ending_today_is_the_part_of_the_whole_day_that_happened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generated at noon of its end date, the demo holds the rows of the
    whole-day demo up to noon, and only those, every column alike (ids
    too): the hour of the run changes no lead, visit, answer or outcome
    before it. 20,000 leads over 60 days have rows of every table in the
    afternoon, form answers and CRM changes among them."""
    whole, at_noon = tmp_path / "whole.duckdb", tmp_path / "noon.duckdb"
    generate_demo_data.generate(str(whole), 20_000, 60, 7, END, quiet=True)
    noon = dt.datetime.combine(END, dt.time(12))
    monkeypatch.setattr(
        generate_demo_data.time,
        "time",
        lambda: noon.replace(tzinfo=dt.UTC).timestamp(),
    )
    generate_demo_data.generate(str(at_noon), 20_000, 60, 7, END, quiet=True)
    everything = happened_rows(whole, None)
    expected, found = happened_rows(whole, noon), happened_rows(at_noon, None)
    for table, rows in expected.items():
        assert rows, table
        assert len(everything[table]) > len(rows), table  # an afternoon
        assert found[table] == rows, table
