"""Check that the DAG stays one a newcomer can follow (make dag).

    check_dag.py [--manifest target/manifest.json]

Reads the manifest of `dbt parse` and reports every model that breaks one
of the project's rules:
- the data flows from staging through intermediate to marts: no model
  reads a model of a later layer (a mart feeding an intermediate model);
- a model reads at most six parents (models, seeds and sources), unless it
  only unions what it reads (`config: {meta: {unions_only: true}}` in its
  YAML);
- a model's SQL file has at most 150 lines.
Exits 1 with one line per problem, 0 when there is none.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

LAYERS = ("staging", "intermediate", "marts")
MAX_PARENTS = 6
MAX_LINES = 150


def layer(node: dict) -> int:
    """The node's layer: 0 staging, 1 intermediate, 2 marts; seeds and
    sources come before all."""
    if node["resource_type"] != "model":
        return -1
    return LAYERS.index(Path(node["original_file_path"]).parts[1])


def problems(manifest: dict, root: Path) -> list[str]:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    found = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != "lead_scoring":
            continue
        name, path = node["name"], node["original_file_path"]
        parents = sorted(
            set(node["depends_on"]["nodes"]) & set(nodes),
            key=lambda unique_id: nodes[unique_id]["name"],
        )
        for parent in parents:
            if layer(nodes[parent]) > layer(node):
                found.append(
                    f"{path}: {name} reads {nodes[parent]['name']}, a model of a"
                    f" later layer ({LAYERS[layer(nodes[parent])]})."
                )
        meta = {**node.get("meta", {}), **node["config"].get("meta", {})}
        if len(parents) > MAX_PARENTS and not meta.get("unions_only"):
            found.append(
                f"{path}: {name} reads {len(parents)} parents (at most"
                f" {MAX_PARENTS}): {', '.join(nodes[p]['name'] for p in parents)}."
            )
        lines = len((root / path).read_text().splitlines())
        if lines > MAX_LINES:
            found.append(f"{path}: {name} has {lines} lines (at most {MAX_LINES}).")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=Path("target/manifest.json"))
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())
    found = problems(manifest, Path.cwd())
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} problem(s) in the DAG.", file=sys.stderr)
        return 1
    print(
        "The DAG reads left to right, no model has more than six parents or"
        f" {MAX_LINES} lines."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
