"""Check the seed CSVs an analyst edits, before anything is built.

Reports every problem at once, each with the file, the row as a spreadsheet
shows it (the header is row 1), the column, the bad value and what is
allowed. The columns, their types, the required columns and the allowed
words come from seeds/_seeds.yml (column_types, not_null and
accepted_values), so the checks follow the seeds' documentation, also
for a project that installs this one as a package and keeps its own seeds
(--seeds its folder); the checks across files (models, groups, bands,
categories) are written here.
Exit status 1 when there is a problem.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import difflib
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
ACTIVITY_TYPES = [
    "web.page_view",
    "web.asset_download",
    "web.video_play",
    "web.time_on_site",
    "email.delivered",
    "email.open",
    "email.click",
    "email.bounce",
    "email.unsubscribe",
    "email.spam_report",
    "form.submit",
    "form.answer",
    "social.follow",
    "social.share",
    "social.mention",
    "social.negative_mention",
    "social.unfollow",
]
# Trackers send their own web and social event types: an unknown one is
# accepted unless it looks like a typo of a known type.
OPEN_PREFIXES = ("web.", "social.")
TYPO_SIMILARITY = 0.85
BETWEEN = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        shown = f" '{self.value}'" if self.value else ""
        return f"{where}:{shown} {self.message}"


@dataclass
class Row:
    number: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def closest(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f" Did you mean '{match[0]}'?" if match else ""


def seed_specs(seeds_yml: Path) -> dict[str, dict]:
    """Per seed: its columns with their types, required columns, optional
    columns (config.meta.optional_column: a file may leave them out) and
    allowed words, from the seeds' YAML."""
    specs = {}
    for seed in yaml.safe_load(seeds_yml.read_text())["seeds"]:
        required, allowed, optional = set(), {}, set()
        for column in seed.get("columns", []):
            meta = (column.get("config") or {}).get("meta") or {}
            if meta.get("optional_column"):
                optional.add(column["name"])
            for test in column.get("data_tests", []):
                if test == "not_null":
                    required.add(column["name"])
                elif isinstance(test, dict) and "accepted_values" in test:
                    allowed[column["name"]] = [
                        str(value)
                        for value in test["accepted_values"]["arguments"]["values"]
                    ]
        specs[seed["name"]] = {
            "types": seed["config"]["column_types"],
            "required": required,
            "allowed": allowed,
            "optional": optional,
        }
    return specs


def read_seed(
    path: Path,
    types: dict[str, str],
    problems: list[Problem],
    optional: set[str] = frozenset(),
) -> list[Row] | None:
    """The rows of one seed, after the checks of its format and header; None
    when the file cannot be read as the seed."""
    name = f"seeds/{path.name}"
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(
            Problem(
                name,
                1,
                "",
                "",
                "the file starts with a byte order mark (Excel's 'CSV UTF-8'):"
                " dbt would read it into the first column's name. Save it as"
                " plain 'CSV (comma delimited)' or remove the mark.",
            )
        )
        raw = raw[3:]
    text = raw.decode("utf-8", errors="replace")
    lines = text.splitlines()
    if not lines:
        problems.append(
            Problem(name, 1, "", "", "the file is empty: it needs a header row.")
        )
        return []
    header_line = lines[0]
    if ";" in header_line and "," not in header_line:
        problems.append(
            Problem(
                name,
                1,
                "",
                "",
                "the columns are separated by ';' (a spreadsheet set to a European"
                " locale): save the file with ',' separators.",
            )
        )
        return None
    reader = csv.reader(lines)
    header = [column.strip() for column in next(reader)]
    expected = list(types)
    for column in header:
        if column not in expected:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "",
                    f"is not a column of {path.stem}.{closest(column, expected)}"
                    f" The columns are: {', '.join(expected)}.",
                )
            )
    for column in expected:
        if column not in header and column not in optional:
            problems.append(
                Problem(name, 1, column, "", "is missing from the header row.")
            )
    if not set(expected) - optional <= set(header) <= set(expected):
        return None
    rows = []
    for number, fields in enumerate(reader, start=2):
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            problems.append(
                Problem(
                    name,
                    number,
                    "",
                    "",
                    f"has {len(fields)} values, the header has {len(header)} columns"
                    " (a comma inside a value needs quotes).",
                )
            )
            continue
        rows.append(Row(number, dict(zip(header, fields, strict=True))))
    return rows


def check_values(
    name: str, rows: list[Row], spec: dict, problems: list[Problem]
) -> None:
    """Types, required values and allowed words, column by column."""
    file = f"seeds/{name}.csv"
    for row in rows:
        for column, kind in spec["types"].items():
            value = row[column]
            if not value:
                if column in spec["required"]:
                    problems.append(
                        Problem(
                            file,
                            row.number,
                            column,
                            "",
                            "is empty; a value is required.",
                        )
                    )
                continue
            allowed = spec["allowed"].get(column)
            if allowed and value not in allowed:
                problems.append(
                    Problem(
                        file,
                        row.number,
                        column,
                        value,
                        f"is not allowed.{closest(value, allowed)}"
                        f" Allowed: {', '.join(allowed)}.",
                    )
                )
            message = type_problem(value, kind)
            if message:
                problems.append(Problem(file, row.number, column, value, message))


def type_problem(value: str, kind: str) -> str | None:
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            return "is not a whole number."
    elif kind == "double":
        try:
            float(value)
        except ValueError:
            return "is not a number."
    elif kind == "boolean":
        if value.lower() not in ("true", "false"):
            return "is not true or false."
    elif kind == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(value)
            dt.date.fromisoformat(value)
        except ValueError:
            return "is not a date written YYYY-MM-DD."
    return None


def number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def check_models(rows: dict[str, list[Row]], problems: list[Problem]) -> None:
    file = "seeds/scoring_models.csv"
    for row in rows["scoring_models"]:
        method = row["decay_method"]
        days = number(row["decay_days"]) if row["decay_days"] else None
        if method in ("half_life", "inactivity") and (days is None or days <= 0):
            problems.append(
                Problem(
                    file,
                    row.number,
                    "decay_days",
                    row["decay_days"],
                    f"must be a whole number of days above 0 with decay_method {method}.",
                )
            )
        pct = number(row["decay_pct"]) if row["decay_pct"] else None
        if method == "inactivity" and (pct is None or not 0 <= pct <= 100):
            problems.append(
                Problem(
                    file,
                    row.number,
                    "decay_pct",
                    row["decay_pct"],
                    "must be a percent from 0 to 100 with decay_method inactivity.",
                )
            )
        capacity = number(row["sales_capacity_per_week"] or "x")
        if capacity is not None and capacity <= 0:
            problems.append(
                Problem(
                    file,
                    row.number,
                    "sales_capacity_per_week",
                    row["sales_capacity_per_week"],
                    "must be a number of leads a week above 0; leave it empty"
                    " (or leave the column out) to keep the bands when the model"
                    " is calibrated.",
                )
            )
        low, high = number(row["min_score"] or "x"), number(row["max_score"] or "x")
        if low is not None and high is not None and low >= high:
            problems.append(
                Problem(
                    file,
                    row.number,
                    "max_score",
                    row["max_score"],
                    f"must be above min_score ({row['min_score']}).",
                )
            )


def check_duplicates(
    name: str, rows: list[Row], key: tuple[str, ...], problems: list[Problem]
) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for row in rows:
        value = tuple(row[column] for column in key)
        if not value[0]:
            continue
        if value in seen:
            problems.append(
                Problem(
                    f"seeds/{name}.csv",
                    row.number,
                    key[-1],
                    " / ".join(value),
                    f"is a duplicate of row {seen[value]}: {' and '.join(key)} must"
                    " be unique.",
                )
            )
        else:
            seen[value] = row.number


def check_references(rows: dict[str, list[Row]], problems: list[Problem]) -> None:
    models = {row["model_id"] for row in rows["scoring_models"]}
    model_list = sorted(models)
    for name in (
        "activity_rules",
        "score_categories",
        "fit_rules",
        "score_groups",
        "routing_rules",
    ):
        for row in rows[name]:
            if row["model_id"] and row["model_id"] not in models:
                problems.append(
                    Problem(
                        f"seeds/{name}.csv",
                        row.number,
                        "model_id",
                        row["model_id"],
                        "is not a model of scoring_models.csv."
                        f"{closest(row['model_id'], model_list)}",
                    )
                )
    groups = defaultdict(list)
    for row in rows["score_groups"]:
        groups[row["model_id"]].append(row["group_name"])
    for row in rows["routing_rules"]:
        model = row["model_id"]
        if model in models and row["group_name"] not in groups[model]:
            problems.append(
                Problem(
                    "seeds/routing_rules.csv",
                    row.number,
                    "group_name",
                    row["group_name"],
                    f"is not a group of model {model} in score_groups.csv."
                    f"{closest(row['group_name'], groups[model])}",
                )
            )
    categories = defaultdict(list)
    for row in rows["score_categories"]:
        categories[row["model_id"]].append(row["category"])
        cap = number(row["max_points"]) if row["max_points"] else None
        if cap is not None and cap < 0:
            problems.append(
                Problem(
                    "seeds/score_categories.csv",
                    row.number,
                    "max_points",
                    row["max_points"],
                    "must be 0 or more (the most points the category counts);"
                    " leave it empty for no cap.",
                )
            )
    for row in rows["activity_rules"]:
        model = row["model_id"]
        if model in models and row["category"] not in categories[model]:
            problems.append(
                Problem(
                    "seeds/activity_rules.csv",
                    row.number,
                    "category",
                    row["category"],
                    f"is not a category of model {model} in score_categories.csv."
                    f"{closest(row['category'], categories[model])}",
                )
            )


def check_activity_types(rows: list[Row], problems: list[Problem]) -> None:
    for row in rows:
        value = row["activity_type"]
        if not value or value in ACTIVITY_TYPES:
            continue
        match = difflib.get_close_matches(value, ACTIVITY_TYPES, n=1, cutoff=0.0)
        similarity = difflib.SequenceMatcher(None, value, match[0]).ratio()
        if value.startswith(OPEN_PREFIXES) and similarity < TYPO_SIMILARITY:
            continue  # a web or social event type of the user's own tracker
        problems.append(
            Problem(
                "seeds/activity_rules.csv",
                row.number,
                "activity_type",
                value,
                f"is not an activity type. Did you mean '{match[0]}'? Known:"
                f" {', '.join(ACTIVITY_TYPES)} (other web.* and social.* event"
                " types your tracker sends are fine).",
            )
        )


def check_fit_values(rows: list[Row], problems: list[Problem]) -> None:
    file = "seeds/fit_rules.csv"
    for row in rows:
        operator, value = row["operator"], row["value"]
        if operator == "between":
            match = BETWEEN.match(value)
            if not match or float(match[1]) > float(match[2]):
                problems.append(
                    Problem(
                        file,
                        row.number,
                        "value",
                        value,
                        "is not a range: write low..high with numbers, low <= high,"
                        " for example 50..2000.",
                    )
                )
        elif operator == "in":
            items = value.split("|")
            if not value or any(not item.strip() for item in items):
                problems.append(
                    Problem(
                        file,
                        row.number,
                        "value",
                        value,
                        "is not a list: write the values separated by '|', with no"
                        " empty item, for example US|CA|GB.",
                    )
                )
        elif operator in ("equals", "not_equals", "like") and not value:
            problems.append(
                Problem(
                    file,
                    row.number,
                    "value",
                    "",
                    f"is empty; {operator} needs a value.",
                )
            )


def check_bands(rows: dict[str, list[Row]], problems: list[Problem]) -> None:
    """Each scored model's bands cover every score exactly once."""
    file = "seeds/score_groups.csv"
    bands = defaultdict(list)
    for row in rows["score_groups"]:
        low = number(row["min_score"]) if row["min_score"] else float("-inf")
        high = number(row["max_score"]) if row["max_score"] else float("inf")
        if low is None or high is None:
            continue  # reported as not a number
        bands[row["model_id"]].append((low, high, row))
    for model in rows["scoring_models"]:
        model_id = model["model_id"]
        if model["status"] == "retired":
            continue
        if not bands[model_id]:
            problems.append(
                Problem(
                    "seeds/scoring_models.csv",
                    model.number,
                    "model_id",
                    model_id,
                    "has no group in score_groups.csv: every scored model needs"
                    " groups that cover all scores.",
                )
            )
            continue
        reach = float("-inf")
        previous = None
        for low, high, row in sorted(bands[model_id], key=lambda band: band[:2]):
            if low >= high:
                problems.append(
                    Problem(
                        file,
                        row.number,
                        "max_score",
                        row["max_score"],
                        f"must be above min_score ({row['min_score']}).",
                    )
                )
                continue
            if low > reach:
                problems.append(
                    Problem(
                        file,
                        row.number,
                        "min_score",
                        row["min_score"],
                        f"leaves scores from {show(reach)} up to {show(low)} of model"
                        f" {model_id} in no group.",
                    )
                )
            elif low < reach:
                problems.append(
                    Problem(
                        file,
                        row.number,
                        "min_score",
                        row["min_score"],
                        f"overlaps group '{previous['group_name']}' (row"
                        f" {previous.number}): scores from {show(low)} up to"
                        f" {show(min(reach, high))} of model {model_id} are in both.",
                    )
                )
            if high > reach:
                reach, previous = high, row
        if reach < float("inf"):
            problems.append(
                Problem(
                    file,
                    previous.number,
                    "max_score",
                    previous["max_score"],
                    f"leaves scores of {show(reach)} and above of model {model_id} in"
                    " no group: leave the highest group's max_score empty.",
                )
            )


def show(value: float) -> str:
    if value == float("-inf"):
        return "minus infinity"
    return str(int(value)) if value == int(value) else str(value)


def validate(seeds: Path) -> list[Problem]:
    specs = seed_specs(REPO / "seeds" / "_seeds.yml")
    problems: list[Problem] = []
    rows: dict[str, list[Row]] = {}
    for name, spec in specs.items():
        path = seeds / f"{name}.csv"
        if not path.exists():
            problems.append(
                Problem(f"seeds/{name}.csv", 1, "", "", "the file is missing.")
            )
            continue
        read = read_seed(path, spec["types"], problems, spec["optional"])
        if read is not None:
            rows[name] = read
            check_values(name, read, spec, problems)
    for name, key in (
        ("scoring_models", ("model_id",)),
        ("activity_rules", ("rule_id",)),
        ("fit_rules", ("rule_id",)),
        ("score_categories", ("model_id", "category")),
        ("score_groups", ("model_id", "group_name")),
        ("pipeline_stages", ("crm_stage",)),
        ("routing_rules", ("model_id", "group_name", "on_event", "action", "target")),
    ):
        if name in rows:
            check_duplicates(name, rows[name], key, problems)
    if "activity_rules" in rows:
        check_activity_types(rows["activity_rules"], problems)
    if "fit_rules" in rows:
        check_fit_values(rows["fit_rules"], problems)
    # The checks across files need every file read: fix the format first.
    if set(specs) <= set(rows):
        check_models(rows, problems)
        check_references(rows, problems)
        check_bands(rows, problems)
    return sorted(set(problems), key=lambda p: (p.file, p.row, p.column, p.message))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=REPO / "seeds")
    args = parser.parse_args(argv)
    problems = validate(args.seeds)
    if not problems:
        print(f"Seeds are valid ({args.seeds}).")
        return 0
    print(
        f"{len(problems)} problem(s) in the seeds; nothing was built:", file=sys.stderr
    )
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
