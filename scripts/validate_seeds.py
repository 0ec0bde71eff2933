"""Check the seed CSVs an analyst edits, before anything is built.

Reports every problem at once, each with the file, the row as a spreadsheet
shows it (the header is row 1), the column, the bad value and what is
allowed. The columns, their types, the required columns, the allowed
words, the ranges and the characters of ids and names come from
seeds/_seeds.yml (column_types, not_null, accepted_values, accepted_range
and config.meta), so the checks follow the seeds' documentation, also
for a project that installs this one as a package and keeps its own seeds
(--seeds its folder); the checks across files (models, groups, bands,
categories) are written here.

The rule: seeds this passes load with `dbt seed` and pass the seeds' dbt
tests, on DuckDB and on Spark; what it rejects is named by file, row and
column. So it reads a file as dbt does (UTF-8, a byte order mark dropped,
values as written, spaces and all) and accepts a number only as both
engines cast it (docs/scoring.md, "What the check accepts").
Exit status 1 when there is a problem.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import difflib
import io
import itertools
import math
import re
import string
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
BETWEEN = re.compile(
    r"^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*\.\.\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$"
)
BOM = b"\xef\xbb\xbf"
# What dbt can load: Python's csv (dbt's reader) stops at 131,072 characters
# a value; ids, numbers and words never come near this.
MAX_VALUE_LENGTH = 10_000
# A longer value is cut in the message.
SHOWN_LENGTH = 80
# Columns of free text, loaded as written: spaces around them do no harm.
FREE_TEXT = {"description", "model_name"}
# Numbers as both DuckDB and Spark cast them: ASCII digits, a 32-bit integer.
INTEGER = re.compile(r"-?[0-9]+")
DOUBLE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
# Digits of other scripts (Arabic-Indic, say), which Python reads and SQL does not.
OTHER_DIGITS = re.compile(r"[^\D0-9]")
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1
# The characters of ids and names (config.meta.characters in the seeds'
# YAML; docs/scoring.md, "Ids and names").
ID_START = frozenset(string.ascii_letters + string.digits)
IDENTIFIER_CHARACTERS = ID_START | frozenset("_-.")
NAME_PUNCTUATION = frozenset(" _-./&()+@")
# Friendlier words for some accepted_range tests of the seeds' YAML.
RANGE_MESSAGES = {
    ("score_categories", "max_points"): "must be 0 or more (the most points the"
    " category counts); leave it empty for no cap.",
    ("activity_rules", "max_per_day"): "must be 1 or more (the most activities"
    " the rule counts a day for a lead); leave it empty for no limit.",
    ("activity_rules", "max_points"): "must be 1 or more (the most points, in"
    " absolute value, the rule awards a lead); leave it empty for no cap.",
    ("routing_rules", "sla_hours"): "must be 0 or more (the hours sales has to"
    " accept the lead); leave it empty for no SLA.",
    ("scoring_models", "decay_pct"): "must be a percent from 0 to 100.",
}


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
        value = self.value.replace("\r", "\\r").replace("\n", "\\n")
        if len(value) > SHOWN_LENGTH:
            value = value[: SHOWN_LENGTH - 3] + "..."
        shown = f" '{value}'" if value else ""
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
    columns (config.meta.optional_column: a file may leave them out),
    allowed words, ranges (accepted_range) and the characters of its ids
    and names (config.meta.characters), from the seeds' YAML."""
    specs = {}
    # libyaml when installed: the pure-Python parser takes a third of a second.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for seed in yaml.load(seeds_yml.read_text(), Loader=loader)["seeds"]:
        required, allowed, optional = set(), {}, set()
        ranges, characters = {}, {}
        for column in seed.get("columns", []):
            name = column["name"]
            meta = (column.get("config") or {}).get("meta") or {}
            if meta.get("optional_column"):
                optional.add(name)
            if meta.get("characters"):
                characters[name] = meta["characters"]
            for test in column.get("data_tests", []):
                if test == "not_null":
                    required.add(name)
                elif isinstance(test, dict) and "accepted_values" in test:
                    allowed[name] = [
                        str(value)
                        for value in test["accepted_values"]["arguments"]["values"]
                    ]
                elif isinstance(test, dict) and "accepted_range" in test:
                    arguments = test["accepted_range"]["arguments"]
                    ranges[name] = (
                        arguments.get("min_value"),
                        arguments.get("max_value"),
                    )
        specs[seed["name"]] = {
            "types": seed["config"]["column_types"],
            "required": required,
            "allowed": allowed,
            "optional": optional,
            "ranges": ranges,
            "characters": characters,
        }
    return specs


def read_seed(
    path: Path,
    types: dict[str, str],
    problems: list[Problem],
    optional: set[str] = frozenset(),
) -> list[Row] | None:
    """The rows of one seed, after the checks of its format and header; None
    when the file cannot be read as the seed. dbt reads the file as UTF-8
    without a byte order mark (it drops one), each record a row: so does
    this."""
    name = f"seeds/{path.name}"
    raw = path.read_bytes().removeprefix(BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        report_encoding(name, raw, types, problems)
        return None
    if not text.strip():
        problems.append(
            Problem(name, 1, "", "", "the file is empty: it needs a header row.")
        )
        return []
    header_line = text.splitlines()[0]
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
    records = csv_records(name, text, problems)
    _, written_header = records[0]
    header = check_header(name, path.stem, written_header, types, problems, optional)
    if header is None:
        return None
    rows = []
    for number, fields in records[1:]:
        if fields is None:
            continue  # reported as not CSV
        if not any(fields):
            problems.append(
                Problem(
                    name,
                    number,
                    "",
                    "",
                    "is empty: delete the row (dbt would load it as a row of"
                    " empty values).",
                )
            )
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


def csv_records(
    name: str, text: str, problems: list[Problem]
) -> list[tuple[int, list[str] | None]]:
    """Each record of the text with its row number (a value may span lines;
    a spreadsheet shows it as one row), None for a record CSV does not
    allow. Python's csv stops at values over 128 KiB, as dbt's reader does,
    so the limit is lifted while this reads, and check_values reports long
    values."""
    lines = io.StringIO(text, newline="").readlines()
    limit = csv.field_size_limit(sys.maxsize)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        records: list[tuple[int, list[str] | None]] = []
        while True:
            number, first_line = len(records) + 1, reader.line_num
            try:
                records.append((number, next(reader)))
            except StopIteration:
                return records
            except csv.Error:
                record = "".join(lines[first_line : max(reader.line_num, 1)])
                index, closed = misplaced_quote(record)
                header = records[0][1] if records and records[0][1] else []
                column = header[index].strip() if index < len(header) else ""
                problems.append(
                    Problem(
                        name,
                        number,
                        column,
                        "",
                        'has a quote (") inside a value: put the whole value in'
                        " quotes and double each quote inside it, for example"
                        ' "Asked for a ""demo""".'
                        if closed
                        else 'has a quote (") that is never closed: it takes in'
                        " the rows after it. Close it, or double it if the value"
                        ' is in quotes ("Asked for a ""demo"""), or remove it.',
                    )
                )
                records.append((number, None))
    finally:
        csv.field_size_limit(limit)


def misplaced_quote(record: str) -> tuple[int, bool]:
    """The position of the value whose quotes CSV does not allow, and
    whether its quote was closed (a closed quote followed by more text)."""
    index, state = 0, "start"
    for char in record:
        if state == "start":
            state = "quoted" if char == '"' else "plain"
            if char == '"':
                continue
        if state == "plain" and char == ",":
            index, state = index + 1, "start"
        elif state == "quoted" and char == '"':
            state = "closed"
        elif state == "closed":
            if char == '"':
                state = "quoted"  # a doubled quote inside quotes
            elif char == ",":
                index, state = index + 1, "start"
            elif char not in "\r\n":
                return index, True
    return index, state != "quoted"


def report_encoding(
    name: str, raw: bytes, types: dict[str, str], problems: list[Problem]
) -> None:
    """Each value of a file that is not UTF-8, with its row and column."""
    text = raw.decode("utf-8", errors="replace")
    records = csv_records(name, text, [])
    header = [column.strip() for column in records[0][1] or []]
    for number, fields in records:
        for index, field in enumerate(fields or []):
            if "\ufffd" not in field:
                continue
            column = header[index] if index < len(header) else ""
            if number == 1:
                column = field
            problems.append(
                Problem(
                    name,
                    number,
                    column,
                    field,
                    "is not UTF-8 text (the file was saved in another encoding,"
                    " such as a spreadsheet's plain 'CSV (comma delimited)'): save"
                    " the file as 'CSV UTF-8 (comma delimited)'.",
                )
            )


def check_header(
    name: str,
    seed: str,
    written: list[str] | None,
    types: dict[str, str],
    problems: list[Problem],
    optional: set[str],
) -> list[str] | None:
    """The header's column names, after its checks; None when the rows
    cannot be read as the seed's columns."""
    if written is None:
        return None
    header = [column.strip() for column in written]
    expected = list(types)
    for position, (column, as_written) in enumerate(
        zip(header, written, strict=True), start=1
    ):
        if not column:
            problems.append(
                Problem(
                    name,
                    1,
                    "",
                    "",
                    f"the header's column {position} has no name: delete the empty"
                    " columns (a spreadsheet keeps a column that was only cleared).",
                )
            )
        elif column not in expected:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "",
                    f"is not a column of {seed}.{closest(column, expected)}"
                    f" The columns are: {', '.join(expected)}.",
                )
            )
        elif column != as_written:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    as_written,
                    "has spaces before or after the name: dbt reads the header as"
                    " written, and then finds no such column. Remove the spaces.",
                )
            )
        elif header.index(column) != position - 1:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "",
                    f"is in the header twice (columns {header.index(column) + 1}"
                    f" and {position}).",
                )
            )
    for column in expected:
        if column not in header and column not in optional:
            problems.append(
                Problem(name, 1, column, "", "is missing from the header row.")
            )
    if not set(expected) - optional <= set(header) <= set(expected):
        return None
    if len(set(header)) != len(header):
        return None
    return header


def check_values(
    name: str, rows: list[Row], spec: dict, problems: list[Problem]
) -> None:
    """Each value as dbt loads it: length, spaces, types, required values,
    allowed words, ranges and the characters of ids and names, column by
    column; one problem per value."""
    file = f"seeds/{name}.csv"
    for row in rows:
        for column, kind in spec["types"].items():
            written = row.values.get(column) or ""
            message = written_problem(written, column)
            value = written
            if not message:
                value = written.strip()
                message = value_problem(name, column, kind, value, spec)
            if message:
                problems.append(Problem(file, row.number, column, value, message))


def written_problem(written: str, column: str) -> str | None:
    """What is wrong with how a value is written, before its meaning."""
    if len(written) > MAX_VALUE_LENGTH:
        hint = (
            ' A quote (") opened in this row and never closed takes in the'
            " rows after it."
            if "\n" in written
            else ""
        )
        return (
            f"is {len(written):,} characters long; a value may have at most"
            f" {MAX_VALUE_LENGTH:,}.{hint}"
        )
    if written.strip().lower() == "null":
        return (
            "is read by dbt as an empty value on some warehouses (Spark) and as"
            " the word on others: leave the cell empty, or write another word."
        )
    if written and not written.strip():
        return (
            "has only spaces: leave the cell empty (dbt does not read spaces as empty)."
        )
    if written != written.strip() and column not in FREE_TEXT:
        return (
            "has spaces before or after it: dbt loads them as part of the value"
            " (' hot' is not 'hot'). Remove them."
        )
    return None


def value_problem(
    seed: str, column: str, kind: str, value: str, spec: dict
) -> str | None:
    """What is wrong with a value of a column (written without padding)."""
    if not value:
        return "is empty; a value is required." if column in spec["required"] else None
    allowed = spec["allowed"].get(column)
    if allowed and value not in allowed:
        return (
            f"is not allowed.{closest(value, allowed)} Allowed: {', '.join(allowed)}."
        )
    message = type_problem(value, kind)
    if message:
        return message
    if column in spec["ranges"]:
        message = range_problem(seed, column, number(value), *spec["ranges"][column])
        if message:
            return message
    if column in spec["characters"]:
        return character_problem(value, spec["characters"][column])
    return None


def type_problem(value: str, kind: str) -> str | None:
    """A value dbt cannot load as the column's type, on DuckDB or Spark."""
    if kind in ("integer", "double") and OTHER_DIGITS.search(value):
        return "is written with digits other than 0-9: write it with 0-9."
    if kind == "integer":
        if not INTEGER.fullmatch(value):
            return "is not a whole number."
        if not INTEGER_MIN <= int(value) <= INTEGER_MAX:
            return (
                f"is out of range: a whole number from {INTEGER_MIN} to {INTEGER_MAX}."
            )
    elif kind == "double":
        if not DOUBLE.fullmatch(value):
            return "is not a number."
        if not math.isfinite(float(value)):
            return "is too large to be a number."
    elif kind == "boolean":
        if value.lower() not in ("true", "false"):
            return "is not true or false."
    elif kind == "date":
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError(value)
            dt.date.fromisoformat(value)
        except ValueError:
            return "is not a date written YYYY-MM-DD."
    return None


def range_problem(
    seed: str, column: str, value: float, low: float | None, high: float | None
) -> str | None:
    """The message of the column's accepted_range test, when value is out."""
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    if (seed, column) in RANGE_MESSAGES:
        return RANGE_MESSAGES[seed, column]
    if high is None:
        return f"must be {low} or more."
    if low is None:
        return f"must be {high} or less."
    return f"must be from {low} to {high}."


def character_problem(value: str, characters: str) -> str | None:
    """A character an id or a name may not have (docs/scoring.md, "Ids and
    names"): such values are keys the models join on, and never quotes,
    backslashes or separators that could end a SQL string."""
    if characters == "identifier":
        bad = next((c for c in value if c not in IDENTIFIER_CHARACTERS), None)
        if bad is None and value[0] in IDENTIFIER_CHARACTERS - ID_START:
            return "must start with a letter or a digit."
        if bad is not None:
            return (
                f"has the character {bad!r}, which an id may not have: write it"
                " with the letters A-Z and a-z, the digits 0-9, '_', '-' and '.'."
            )
    elif characters == "name":
        bad = next(
            (c for c in value if not c.isalnum() and c not in NAME_PUNCTUATION),
            None,
        )
        if bad is not None:
            return (
                f"has the character {bad!r}, which a name may not have: write it"
                " with letters, digits, spaces and _ - . / & ( ) + @."
            )
    else:
        raise ValueError(f"unknown characters {characters!r} in seeds/_seeds.yml")
    return None


def number(value: str) -> float | None:
    """The number a value is, as dbt loads it; None if it is not one."""
    if not DOUBLE.fullmatch(value.strip()):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


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
        # A decay_pct out of 0..100 is reported with the column's range.
        if method == "inactivity" and not row["decay_pct"]:
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
    """Each model's bands cover every score exactly once (the seed test
    assert_score_bands_cover_all_scores, which reads every model's bands,
    retired or not), each band holds scores the model can give, and
    sort_order numbers the bands from the lowest scores up."""
    bands = defaultdict(list)
    for row in rows["score_groups"]:
        low = number(row["min_score"]) if row["min_score"] else -math.inf
        high = number(row["max_score"]) if row["max_score"] else math.inf
        if low is None or high is None:
            continue  # reported as not a number
        bands[row["model_id"]].append((low, high, row))
    models = {model["model_id"]: model for model in rows["scoring_models"]}
    for model in rows["scoring_models"]:
        if model["status"] != "retired" and not bands[model["model_id"]]:
            problems.append(
                Problem(
                    "seeds/scoring_models.csv",
                    model.number,
                    "model_id",
                    model["model_id"],
                    "has no group in score_groups.csv: every scored model needs"
                    " groups that cover all scores.",
                )
            )
    for model_id, model_bands in bands.items():
        ordered = sorted(model_bands, key=lambda band: band[:2])
        check_coverage(model_id, ordered, problems)
        check_sort_order(model_id, ordered, problems)
        if model_id in models:
            check_reach(models[model_id], ordered, problems)


def check_coverage(
    model_id: str, ordered: list[tuple[float, float, Row]], problems: list[Problem]
) -> None:
    file = "seeds/score_groups.csv"
    reach = -math.inf
    previous = None
    for low, high, row in ordered:
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
            shared = (
                f"scores of {show(low)} and above"
                if min(reach, high) == math.inf
                else f"scores from {show(low)} up to {show(min(reach, high))}"
            )
            problems.append(
                Problem(
                    file,
                    row.number,
                    "min_score",
                    row["min_score"],
                    f"overlaps group '{previous['group_name']}' (row"
                    f" {previous.number}): {shared} of model {model_id} are in both.",
                )
            )
        if high > reach:
            reach, previous = high, row
    if previous is not None and reach < math.inf:
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


def check_sort_order(
    model_id: str, ordered: list[tuple[float, float, Row]], problems: list[Problem]
) -> None:
    """A transition is up or down by sort_order (fct_group_transitions), so
    it must order the groups as their scores do."""
    numbered = [
        (int(row["sort_order"]), row)
        for _, _, row in ordered
        if INTEGER.fullmatch(row["sort_order"])
    ]
    for (lower, lower_row), (order, row) in itertools.pairwise(numbered):
        if order <= lower:
            problems.append(
                Problem(
                    "seeds/score_groups.csv",
                    row.number,
                    "sort_order",
                    row["sort_order"],
                    f"must be above the sort_order of group"
                    f" '{lower_row['group_name']}' (row {lower_row.number},"
                    f" sort_order {lower}), whose scores are lower: number the"
                    f" groups of model {model_id} from the lowest scores up.",
                )
            )


def check_reach(
    model: Row, ordered: list[tuple[float, float, Row]], problems: list[Problem]
) -> None:
    """A band wholly above the model's max_score, or below its min_score,
    holds no lead: scores are clamped to [min_score, max_score]."""
    floor = number(model["min_score"]) if model["min_score"] else -math.inf
    cap = number(model["max_score"]) if model["max_score"] else math.inf
    for low, high, row in ordered:
        if cap is not None and low > cap:
            problems.append(
                Problem(
                    "seeds/score_groups.csv",
                    row.number,
                    "min_score",
                    row["min_score"],
                    f"is above the max_score of model {model['model_id']}"
                    f" ({model['max_score']}, scoring_models.csv row {model.number}):"
                    f" no lead can be in group '{row['group_name']}'.",
                )
            )
        elif floor is not None and high <= floor:
            problems.append(
                Problem(
                    "seeds/score_groups.csv",
                    row.number,
                    "max_score",
                    row["max_score"],
                    f"is at or below the min_score of model {model['model_id']}"
                    f" ({model['min_score']}, scoring_models.csv row"
                    f" {model.number}): no lead can be in group"
                    f" '{row['group_name']}'.",
                )
            )


def show(value: float) -> str:
    if value == -math.inf:
        return "minus infinity"
    return str(int(value)) if value.is_integer() else str(value)


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
