"""The source contract checked on the warehouse before a build (dbt
run-operation check_source_contract, macros/check_source_contract.sql):
every table and column there, each of a type that casts to the contract's,
one line per problem naming the table and the column; text that does not
cast is staging's to quarantine, not a contract failure; the load time
column is the one the vars name; optional tables and columns may be
missing. Warehouses are hand-made: the contract's tables, then altered."""

from __future__ import annotations

import duckdb
import pytest
import yaml
from conftest import CONTRACT, REPO, Project, load_sources


def alter(project: Project, *statements: str) -> None:
    con = duckdb.connect(str(project.warehouse))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def check(project: Project, capsys: pytest.CaptureFixture, *args: str) -> list[str]:
    """The lines the check printed (not dbt's log lines); asserts that it
    fails, counting them, exactly when it names a problem."""
    capsys.readouterr()
    result = project.dbt("run-operation", "check_source_contract", *args)
    output = capsys.readouterr().out
    lines = [
        line
        for line in output.splitlines()
        if line and not line.startswith(("\x1b", " "))
    ]
    passed = len(lines) == 1 and lines[0].startswith("The source tables match")
    assert result.success == passed, output
    if not passed:
        count = f"{len(lines)} problem{'s' if len(lines) > 1 else ''}"
        assert f"{count} with the source tables (above)" in output
    return lines


def test_the_sources_yml_declare_the_contract_of_the_docs_and_the_tests() -> None:
    declared = {}
    for source in ("marketing", "crm"):
        path = REPO / "models" / "staging" / source / f"_{source}__sources.yml"
        for table in yaml.safe_load(path.read_text())["sources"][0]["tables"]:
            declared[(source, table["name"])] = {
                column["name"]: column["data_type"] for column in table["columns"]
            }
    assert declared == {
        key: {**columns, "_loaded_at": "timestamp"} for key, columns in CONTRACT.items()
    }
    docs = (REPO / "docs" / "loading_data.md").read_text()
    for (schema, table), columns in CONTRACT.items():
        assert f"`{schema}.{table}`" in docs
        for column, kind in columns.items():
            assert f"| {column} | {kind} |" in docs, (table, column)


def test_a_warehouse_as_the_contract_says_passes(
    project: Project, capsys: pytest.CaptureFixture
) -> None:
    load_sources(project.warehouse, {})
    assert check(project, capsys) == [
        "The source tables match the contract (8 tables)."
    ]


def test_columns_loaded_as_text_pass_even_with_values_that_do_not_cast(
    project: Project, capsys: pytest.CaptureFixture
) -> None:
    """Staging quarantines the rows whose values do not cast: the type is
    text, which can hold a valid value, so the contract holds."""
    load_sources(project.warehouse, {})
    alter(
        project,
        "alter table marketing.web_events alter occurred_at type varchar",
        "alter table marketing.web_events alter duration_seconds type varchar",
        "alter table marketing.leads alter _loaded_at type varchar",
        "alter table crm.lead_stage_changes alter amount type varchar",
        "insert into marketing.web_events (event_id, occurred_at, duration_seconds)"
        " values ('E1', 'yesterday', 'long')",
        # Other types that cast: a date for a timestamp, a double and a
        # bigint for numbers, a time zone aware timestamp, a number as an id.
        "alter table marketing.leads alter created_at type date",
        "alter table marketing.leads alter company_size type double",
        "alter table crm.lead_stage_changes alter amount type bigint",
        "alter table crm.lead_stage_changes alter changed_at type timestamptz",
        "alter table marketing.social_events alter lead_id type bigint using null",
    )
    assert check(project, capsys) == [
        "The source tables match the contract (8 tables)."
    ]


def test_each_problem_is_one_line_naming_its_table_and_column(
    project: Project, capsys: pytest.CaptureFixture
) -> None:
    load_sources(project.warehouse, {})
    alter(
        project,
        "alter table marketing.leads drop column created_at",
        "alter table marketing.leads drop column updated_at",
        "alter table marketing.web_events alter occurred_at type boolean using null",
        "alter table marketing.email_events alter occurred_at type integer using 1",
        "alter table crm.lead_stage_changes alter amount type date using null",
        "alter table marketing.web_events alter duration_seconds type timestamp"
        " using null",
        "alter table marketing.form_submissions alter submitted_at type time"
        " using null",
        "drop table marketing.social_events",
    )
    assert sorted(check(project, capsys)) == [
        "crm.lead_stage_changes, column amount: DATE never casts to"
        " decimal(18, 2). Load it as decimal(18, 2) or as text.",
        "marketing.email_events, column occurred_at: INTEGER never casts to"
        " timestamp. Load it as timestamp or as text.",
        "marketing.form_submissions, column submitted_at: TIME never casts to"
        " timestamp. Load it as timestamp or as text.",
        "marketing.leads, column created_at: missing (the contract has it as"
        " timestamp, docs/loading_data.md).",
        "marketing.leads, column updated_at: missing (the contract has it as"
        " timestamp, docs/loading_data.md).",
        "marketing.social_events: no such table. Load it (docs/loading_data.md).",
        "marketing.web_events, column duration_seconds: TIMESTAMP never casts"
        " to integer. Load it as integer or as text.",
        "marketing.web_events, column occurred_at: BOOLEAN never casts to"
        " timestamp. Load it as timestamp or as text.",
    ]


def test_an_empty_warehouse_names_every_table(
    project: Project, capsys: pytest.CaptureFixture
) -> None:
    duckdb.connect(str(project.warehouse)).close()
    lines = check(project, capsys)
    assert sorted(lines) == sorted(
        f"{schema}.{table}: no such table. Load it (docs/loading_data.md)."
        for schema, table in CONTRACT
    )


def test_the_load_time_column_is_the_one_the_vars_name(
    project: Project, capsys: pytest.CaptureFixture
) -> None:
    load_sources(project.warehouse, {})
    alter(
        project,
        *(
            f"alter table {schema}.{table} rename _loaded_at to _fivetran_synced"
            for schema, table in CONTRACT
        ),
    )
    lines = check(project, capsys)
    assert len(lines) == len(CONTRACT)
    assert (
        "marketing.leads, column _loaded_at: missing. It is the time the loader"
        " wrote each row, for freshness and late events: if your loader writes"
        " it to another column (Fivetran: _fivetran_synced), set the var"
        " lead_scoring_marketing_loaded_at_column to that name."
    ) in lines
    assert any(
        line.startswith("crm.lead_stage_changes, column _loaded_at: missing.")
        and "set the var lead_scoring_crm_loaded_at_column" in line
        for line in lines
    )
    fivetran = (
        "{lead_scoring_marketing_loaded_at_column: _fivetran_synced,"
        " lead_scoring_crm_loaded_at_column: _fivetran_synced}"
    )
    assert check(project, capsys, "--vars", fivetran) == [
        "The source tables match the contract (8 tables)."
    ]
    # The var's column is checked like any other: present, of a type that
    # casts to a timestamp.
    alter(
        project,
        "alter table crm.lead_stage_changes alter _fivetran_synced type boolean"
        " using null",
    )
    assert check(project, capsys, "--vars", fivetran) == [
        "crm.lead_stage_changes, column _fivetran_synced: BOOLEAN never casts"
        " to timestamp. Load it as timestamp or as text (or set the var"
        " lead_scoring_crm_loaded_at_column to the column that holds the load"
        " time)."
    ]


def test_optional_tables_and_columns_may_be_missing_but_not_mistyped(
    project: Project, capsys: pytest.CaptureFixture
) -> None:
    """A table or column declared with meta {optional: true}, as the
    contract's optional additions are."""
    sources = project.root / "models" / "staging" / "crm" / "_crm__sources.yml"
    declared = yaml.safe_load(sources.read_text())
    crm = declared["sources"][0]
    crm["tables"][0]["columns"].append(
        {"name": "currency", "data_type": "varchar", "meta": {"optional": True}}
    )
    crm["tables"][0]["columns"].append(
        {"name": "probability", "data_type": "integer", "meta": {"optional": True}}
    )
    crm["tables"].append(
        {
            "name": "accounts",
            "meta": {"optional": True},
            "columns": [{"name": "account_id", "data_type": "varchar"}],
        }
    )
    sources.write_text(yaml.safe_dump(declared, sort_keys=False))
    load_sources(project.warehouse, {})
    assert check(project, capsys) == [
        "The source tables match the contract (9 tables)."
    ]
    alter(project, "alter table crm.lead_stage_changes add column probability date")
    assert check(project, capsys) == [
        "crm.lead_stage_changes, column probability: DATE never casts to"
        " integer. Load it as integer or as text."
    ]
