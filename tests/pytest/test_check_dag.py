"""scripts/check_dag.py on a hand-made manifest: a mart read by an
intermediate model, seven parents, and a long file are reported; a union of
seven parents marked unions_only and a short model are not."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from check_dag import problems  # noqa: E402


def model(name: str, folder: str, parents: list[str], meta: dict | None = None):
    return {
        "resource_type": "model",
        "package_name": "lead_scoring",
        "name": name,
        "original_file_path": f"models/{folder}/{name}.sql",
        "depends_on": {"nodes": parents},
        "meta": {},
        "config": {"meta": meta or {}},
    }


def seed(name: str) -> dict:
    return {"resource_type": "seed", "package_name": "lead_scoring", "name": name}


def test_each_rule_is_reported_and_unions_may_read_more(tmp_path: Path) -> None:
    seeds = {f"seed.lead_scoring.s{i}": seed(f"s{i}") for i in range(7)}
    nodes = {
        **seeds,
        "model.lead_scoring.fct_a": model("fct_a", "marts", []),
        "model.lead_scoring.int_b": model(
            "int_b", "intermediate", ["model.lead_scoring.fct_a"]
        ),
        "model.lead_scoring.int_wide": model("int_wide", "intermediate", list(seeds)),
        "model.lead_scoring.int_union": model(
            "int_union", "intermediate", list(seeds), {"unions_only": True}
        ),
    }
    for node in nodes.values():
        if node["resource_type"] == "model":
            path = tmp_path / node["original_file_path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            lines = 151 if node["name"] == "fct_a" else 150
            path.write_text("select 1\n" * lines)
    found = problems({"nodes": nodes, "sources": {}}, tmp_path)
    assert found == [
        "models/marts/fct_a.sql: fct_a has 151 lines (at most 150).",
        "models/intermediate/int_b.sql: int_b reads fct_a, a model of a later"
        " layer (marts).",
        "models/intermediate/int_wide.sql: int_wide reads 7 parents (at most 6):"
        " s0, s1, s2, s3, s4, s5, s6.",
    ]
