"""scripts/check_dag.py on a hand-made manifest and compiled SQL: each rule
reports the model that breaks it and no other, an exception with a reason
silences one problem, and a wrong exception (no reason, unknown rule, or
matching nothing) is a problem itself."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from check_dag import findings, problems  # noqa: E402


def model(
    name: str,
    folder: str,
    parents: list[str],
    sql: str = "select 1",
    description: str = "A model.",
    materialized: str = "table",
) -> dict:
    return {
        "resource_type": "model",
        "package_name": "lead_scoring",
        "name": name,
        "schema": folder,
        "original_file_path": f"models/{folder}/{name}.sql",
        "depends_on": {"nodes": parents},
        "description": description,
        "raw_code": sql,
        "config": {"materialized": materialized},
    }


def seed(name: str) -> dict:
    return {
        "resource_type": "seed",
        "package_name": "lead_scoring",
        "name": name,
        "schema": "scoring_model",
    }


def unique_test(model_id: str) -> dict:
    return {
        "resource_type": "test",
        "attached_node": model_id,
        "test_metadata": {"name": "unique_combination_of_columns"},
    }


def manifest() -> dict:
    seeds = {f"seed.lead_scoring.s{i}": seed(f"s{i}") for i in range(7)}
    source = {
        "resource_type": "source",
        "name": "leads",
        "source_name": "marketing",
        "schema": "marketing",
    }
    models = {
        "model.lead_scoring.fct_a": model("fct_a", "marts", []),
        "model.lead_scoring.int_b": model(
            "int_b", "intermediate", ["model.lead_scoring.fct_a"]
        ),
        "model.lead_scoring.int_wide": model("int_wide", "intermediate", list(seeds)),
        "model.lead_scoring.int_raw": model(
            "int_raw", "intermediate", ["source.lead_scoring.marketing.leads"]
        ),
        "model.lead_scoring.int_long": model("int_long", "intermediate", []),
        "model.lead_scoring.int_inlined": model(
            "int_inlined", "intermediate", [], materialized="ephemeral"
        ),
        "model.lead_scoring.scores": model("scores", "marts", []),
        "model.lead_scoring.dim_quiet": model(
            "dim_quiet", "marts", [], description=" "
        ),
        "model.lead_scoring.int_named": model(
            "int_named",
            "intermediate",
            [],
            # A comment, Jinja and `extract(... from x.y)` are not relations.
            "-- from marts.fct_a\n{{ ref('fct_a') }} select extract(day from t.d)"
            " from (select 1) as t join marts.fct_a on true",
        ),
        "model.lead_scoring.int_untested": model("int_untested", "intermediate", []),
    }
    tests = {
        f"test.lead_scoring.key_{name.split('.')[-1]}": unique_test(name)
        for name in models
        if not name.endswith("int_untested")
    }
    return {
        "nodes": {**seeds, **models, **tests},
        "sources": {"source.lead_scoring.marketing.leads": source},
    }


def compiled(tmp_path: Path) -> Path:
    """Compiled SQL: int_long and int_inlined over 250 lines that are not
    blank, fct_a at 250 with blank lines between."""
    folder = tmp_path / "compiled"
    for name, layer, text in [
        ("int_long", "intermediate", "select 1\n" * 251),
        ("int_inlined", "intermediate", "select 1\n" * 251),
        ("fct_a", "marts", "select 1\n\n  \n" * 250),
    ]:
        path = folder / "lead_scoring" / "models" / layer / f"{name}.sql"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def test_each_rule_reports_the_model_that_breaks_it(tmp_path: Path) -> None:
    found = sorted(
        (rule, name) for rule, name, _ in findings(manifest(), [compiled(tmp_path)])
    )
    assert found == [
        ("hard_coded_reference", "int_named"),
        ("later_layer", "int_b"),
        ("long_query", "int_long"),
        ("missing_primary_key_test", "int_untested"),
        ("model_naming", "scores"),
        ("source_outside_staging", "int_raw"),
        ("too_many_parents", "int_wide"),
        ("undocumented_model", "dim_quiet"),
    ]
    messages = {message for _, _, message in findings(manifest(), [compiled(tmp_path)])}
    assert (
        "models/intermediate/int_wide.sql: int_wide reads 7 parents (at most 6):"
        " s0, s1, s2, s3, s4, s5, s6." in messages
    )
    assert (
        "models/intermediate/int_long.sql: int_long compiles to a query of 251 lines"
        " (at most 250)." in messages
    )
    assert (
        "models/intermediate/int_named.sql: int_named reads marts.fct_a by name;"
        " use ref() or source()." in messages
    )


def test_an_exception_needs_a_reason_a_rule_and_a_problem(tmp_path: Path) -> None:
    exceptions = [
        {"rule": "too_many_parents", "model": "int_wide", "reason": "A union."},
        {"rule": "later_layer", "model": "int_b", "reason": " "},
        {"rule": "too_wide", "model": "int_raw", "reason": "No such rule."},
        {"rule": "long_query", "model": "fct_a", "reason": "Not long any more."},
    ]
    found = problems(manifest(), [compiled(tmp_path)], exceptions)
    assert not [line for line in found if "int_wide reads 7 parents" in line]
    # An exception without a reason silences nothing.
    assert [line for line in found if "int_b reads fct_a" in line]
    assert found[-3:] == [
        "exception 2 (later_layer, int_b): gives no reason.",
        "exception 3 (too_wide, int_raw): no rule is called 'too_wide'; the rules:"
        " later_layer, source_outside_staging, too_many_parents, long_query,"
        " model_naming, undocumented_model, missing_primary_key_test,"
        " hard_coded_reference.",
        "exception 4 (long_query, fct_a): fct_a no longer breaks long_query;"
        " delete the exception.",
    ]
