"""Check the project's rules for its DAG and models (make dag), in the
manner of dbt-project-evaluator, with a file of exceptions.

    check_dag.py [--manifest target/manifest.json] [--compiled DIR ...]
                 [--exceptions dag_exceptions.yml]

Reads the manifest of `dbt compile` and the compiled SQL in each --compiled
folder (a target's `compiled/`; give the compile of a full refresh and the
one of an incremental run, and a query's longer version is measured), and
reports every model that breaks a rule:

- later_layer: the data flows from staging through intermediate to marts;
  no model reads a model of a later layer.
- source_outside_staging: only staging reads the sources.
- too_many_parents: a model reads at most 6 parents (models, seeds and
  sources).
- long_query: a query, as it runs (the compiled SQL, ephemeral parents
  inlined), has at most 250 lines that are not blank.
- model_naming: base_ or stg_ in staging, int_ in intermediate, fct_, dim_
  or rpt_ in marts.
- undocumented_model: a model has a description.
- missing_primary_key_test: a model that is not ephemeral has a unique or
  unique_combination_of_columns test.
- hard_coded_reference: a model reads its relations through ref() and
  source(), never a schema.table written in its SQL.

An exception names the rule, the model and the reason the rule does not
fit it. An exception without a reason, of an unknown rule, or that no
longer matches a problem is a problem itself. Exits 1 with one line per
problem, 0 when there is none.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import yaml

LAYERS = ("staging", "intermediate", "marts")
PREFIXES = {
    "staging": ("base_", "stg_"),
    "intermediate": ("int_",),
    "marts": ("fct_", "dim_", "rpt_"),
}
MAX_PARENTS = 6
MAX_QUERY_LINES = 250
PRIMARY_KEY_TESTS = {"unique", "unique_combination_of_columns"}
RULES = (
    "later_layer",
    "source_outside_staging",
    "too_many_parents",
    "long_query",
    "model_naming",
    "undocumented_model",
    "missing_primary_key_test",
    "hard_coded_reference",
)
COMMENT = re.compile(r"--[^\n]*|\{#.*?#\}|/\*.*?\*/", re.S)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def layer(node: dict) -> int:
    """The node's layer: 0 staging, 1 intermediate, 2 marts; seeds and
    sources come before all."""
    if node["resource_type"] != "model":
        return -1
    return LAYERS.index(Path(node["original_file_path"]).parts[1])


def query_lines(node: dict, compiled: Iterable[Path]) -> int:
    """The most non-blank lines of the model's compiled SQL in any of the
    compiled folders (0 when none has it)."""
    lines = 0
    for folder in compiled:
        path = folder / node["package_name"] / node["original_file_path"]
        if path.exists():
            text = path.read_text()
            lines = max(lines, sum(1 for line in text.splitlines() if line.strip()))
    return lines


def findings(
    manifest: dict, compiled: Iterable[Path] = ()
) -> list[tuple[str, str, str]]:
    """Every (rule, model, message) the project's models break."""
    compiled = list(compiled)
    nodes = {**manifest["nodes"], **manifest["sources"]}
    # A relation of one of the project's schemas (its models', seeds' and
    # sources') written by name after from or join, outside Jinja.
    schemas = sorted(
        {node["schema"] for node in nodes.values() if node.get("schema")}, key=len
    )
    hard_coded = re.compile(
        r"\b(?:from|join)\s+\"?((?:"
        + "|".join(re.escape(schema) for schema in reversed(schemas))
        + r")\"?\.\"?\w+)",
        re.I,
    )
    primary_keys = {
        node["attached_node"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name") in PRIMARY_KEY_TESTS
    }
    found = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["package_name"] != "lead_scoring":
            continue
        name, path = node["name"], node["original_file_path"]
        folder = LAYERS[layer(node)]

        def add(rule: str, message: str, name: str = name, path: str = path) -> None:
            found.append((rule, name, f"{path}: {name} {message}"))

        parents = sorted(
            set(node["depends_on"]["nodes"]) & set(nodes),
            key=lambda parent: nodes[parent]["name"],
        )
        for parent in parents:
            if layer(nodes[parent]) > layer(node):
                add(
                    "later_layer",
                    f"reads {nodes[parent]['name']}, a model of a later layer"
                    f" ({LAYERS[layer(nodes[parent])]}).",
                )
            if nodes[parent]["resource_type"] == "source" and folder != "staging":
                add(
                    "source_outside_staging",
                    f"reads the source {nodes[parent]['source_name']}."
                    f"{nodes[parent]['name']} (only staging reads sources).",
                )
        if len(parents) > MAX_PARENTS:
            add(
                "too_many_parents",
                f"reads {len(parents)} parents (at most {MAX_PARENTS}):"
                f" {', '.join(nodes[p]['name'] for p in parents)}.",
            )
        materialized = node["config"].get("materialized")
        # An ephemeral model is no query of its own: it runs inlined.
        lines = query_lines(node, compiled) if materialized != "ephemeral" else 0
        if lines > MAX_QUERY_LINES:
            add(
                "long_query",
                f"compiles to a query of {lines} lines (at most {MAX_QUERY_LINES}).",
            )
        if not name.startswith(PREFIXES[folder]):
            add(
                "model_naming",
                f"is in {folder}, whose models are named"
                f" {' or '.join(p + '...' for p in PREFIXES[folder])}.",
            )
        if not node.get("description", "").strip():
            add("undocumented_model", "has no description in its YAML.")
        if materialized != "ephemeral" and unique_id not in primary_keys:
            add(
                "missing_primary_key_test",
                "has no unique or unique_combination_of_columns test.",
            )
        sql = JINJA.sub(" ", COMMENT.sub(" ", node.get("raw_code", "")))
        for match in hard_coded.finditer(sql):
            add(
                "hard_coded_reference",
                f"reads {match.group(1)} by name; use ref() or source().",
            )
    return found


def problems(
    manifest: dict, compiled: Iterable[Path] = (), exceptions: list[dict] | None = None
) -> list[str]:
    """The findings no exception covers, then the exceptions that are
    wrong: without a reason, of an unknown rule, or matching nothing."""
    exceptions = exceptions or []
    excepted = {
        (exception.get("rule"), exception.get("model"))
        for exception in exceptions
        if str(exception.get("reason") or "").strip()
    }
    found = findings(manifest, compiled)
    lines = [message for rule, model, message in found if (rule, model) not in excepted]
    matched = {(rule, model) for rule, model, _ in found}
    for number, exception in enumerate(exceptions, start=1):
        rule, model = exception.get("rule"), exception.get("model")
        where = f"exception {number} ({rule}, {model})"
        if rule not in RULES:
            lines.append(
                f"{where}: no rule is called {rule!r}; the rules: {', '.join(RULES)}."
            )
        elif not str(exception.get("reason") or "").strip():
            lines.append(f"{where}: gives no reason.")
        elif (rule, model) not in matched:
            lines.append(
                f"{where}: {model} no longer breaks {rule}; delete the exception."
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=Path("target/manifest.json"))
    parser.add_argument("--compiled", type=Path, action="append", default=[])
    parser.add_argument("--exceptions", type=Path, default=Path("dag_exceptions.yml"))
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())
    exceptions = []
    if args.exceptions.exists():
        exceptions = (yaml.safe_load(args.exceptions.read_text()) or {}).get(
            "exceptions"
        ) or []
    found = problems(manifest, args.compiled, exceptions)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} problem(s) in the DAG and its models.", file=sys.stderr)
        return 1
    print(
        f"Every model keeps the rules ({', '.join(RULES)}),"
        f" with the {len(exceptions)} exception(s) of {args.exceptions}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
