"""scripts/validate_seeds.py and dbt agree on the project's own seeds
mutated in many ways (padding, nan, inf, zeros, negatives, huge integers,
other digits, quotes, long values, encodings, a byte order mark, empty
rows, bands that overlap, open twice, are out of order or out of the
model's range, ...): each mutation is either rejected by the validator with
the file and row (and the column, for a value), or the seeds load with
`dbt seed` and pass the seeds' dbt tests.

dbt is slow, so the accepted mutations are put together into a few sets of
seeds, each still accepted as a whole, and dbt loads each set once."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, Project, failures

sys.path.insert(0, str(REPO / "scripts"))
import validate_seeds  # noqa: E402

SPECS = validate_seeds.seed_specs(REPO / "seeds" / "_seeds.yml")
Seeds = dict[str, bytes]

# Retired models need no groups: rows for the mutations of scoring_models to
# spread over (it has two), so the accepted ones fit in a few dbt runs.
RETIRED_MODELS = [
    f"retired_{n},Retired {n},Kept for history,team@example.com,retired,none,,,,,,"
    for n in range(1, 7)
]

NUMBERS = [
    " 5", "5 ", "\u00a05", "nan", "NaN", "inf", "-inf", "Infinity", "1e400",
    "-1e400", "0", "-1", "1.5", ".5", "5.", "1e3", "+5", "1_0", "2147483647",
    "2147483648", "-2147483648", "-2147483649", "99999999999999999999",
    "\u0664\u0660", "\uff11\uff12", "null", "None", "", "  ", "0x10", '"1,5"',
]  # fmt: skip
BOOLEANS = ["TRUE", "False", "yes", "1", "t", " true", "null", ""]
DATES = [
    "2026-1-1", "2026-02-30", "20260601", " 2026-06-01", "2026-06-01T00:00",
    "\u0662\u0660\u0662\u0666-\u0660\u0666-\u0660\u0661", "", "null",
]  # fmt: skip
TEXTS = [
    "x'y", '"x""y"', 'x"y', "x y", "x;y", "x\\y", "\u00e9t\u00e9", "\U0001f600",
    "-x", "x--y", "x%y", "'quoted'", "it's", '"with, comma"', '"two\nlines"',
    "x" * 200_000, "x" * 10_001, " pad", "pad ", "\tpad", "pad\u00a0", "  ",
    "", "null", "None", "x\u2028y", '"unclosed', '"ab"c', "Rule-1.a_B",
    "Sales Won", "a/b & c (d) + e@f", "{{ x }}", "x\x00y",
]  # fmt: skip
VALUES = {"integer": NUMBERS, "double": NUMBERS, "boolean": BOOLEANS, "date": DATES}


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    # What it changes: a value (line, column), a whole line (line, None),
    # how the file is written ("format": applied after the values) or the
    # whole file (None).
    scope: tuple[int, int | None] | str | None
    apply: Callable[[Seeds], None]

    def conflicts(self, other: Mutation) -> bool:
        """Whether the two cannot be made to the same seeds at once."""
        if self.file != other.file:
            return False
        if self.scope is None or other.scope is None:
            return True
        if isinstance(self.scope, str) or isinstance(other.scope, str):
            return self.scope == other.scope
        (line, column), (other_line, other_column) = self.scope, other.scope
        return line == other_line and (
            column is None or other_column is None or column == other_column
        )

    @property
    def order(self) -> tuple[int, int]:
        """Formats last; values from the last line up, so a value over two
        lines does not move the lines of the values still to write."""
        if isinstance(self.scope, tuple):
            return (0, -self.scope[0])
        return (1, 0)


def real_seeds() -> Seeds:
    seeds = {name: (REPO / "seeds" / f"{name}.csv").read_bytes() for name in SPECS}
    seeds["scoring_models"] += "\n".join(RETIRED_MODELS).encode() + b"\n"
    return seeds


BASE = real_seeds()


def raw_fields(line: str) -> list[str]:
    """The values of a line as written (quotes kept), split on the commas
    outside quotes."""
    fields, start, quoted = [], 0, False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            fields.append(line[start:index])
            start = index + 1
    return [*fields, line[start:]]


def set_value(name: str, line: int, column: int, raw: str) -> Callable[[Seeds], None]:
    def apply(seeds: Seeds) -> None:
        lines = seeds[name].decode().split("\n")
        fields = raw_fields(lines[line])
        fields[column] = raw
        lines[line] = ",".join(fields)
        seeds[name] = "\n".join(lines).encode()

    return apply


def whole(name: str, change: Callable[[bytes], bytes]) -> Callable[[Seeds], None]:
    def apply(seeds: Seeds) -> None:
        seeds[name] = change(seeds[name])

    return apply


def replace(name: str, old: str, new: str) -> Callable[[Seeds], None]:
    def apply(seeds: Seeds) -> None:
        text = seeds[name].decode()
        assert text.count(old) == 1, f"{old!r} is not once in {name}"
        seeds[name] = text.replace(old, new).encode()

    return apply


def both(*changes: Callable[[Seeds], None]) -> Callable[[Seeds], None]:
    def apply(seeds: Seeds) -> None:
        for change in changes:
            change(seeds)

    return apply


def value_mutations() -> list[Mutation]:
    """Every value of its column's kind in every column, each on another row
    in turn."""
    base = BASE
    mutations = []
    for name, spec in SPECS.items():
        lines = base[name].decode().rstrip("\n").split("\n")
        header = lines[0].split(",")
        for column, kind in spec["types"].items():
            index = header.index(column)
            for turn, raw in enumerate(VALUES.get(kind, TEXTS)):
                line = 1 + (turn * 7 + index) % (len(lines) - 1)
                # A value that changes how the rest of its line splits into
                # values is alone on its line.
                alone = raw.count('"') % 2 or "\n" in raw or "\x00" in raw
                mutations.append(
                    Mutation(
                        f"{name}.{column} = {raw[:20]!r} (line {line + 1})",
                        name,
                        (line, None if alone else index),
                        set_value(name, line, index, raw),
                    )
                )
    return mutations


# How a file is written, with the same values: these go with the changes of
# values in one set of seeds.
FORMATS = {
    "a byte order mark",
    "CRLF line ends",
    "CR line ends",
    "CSV UTF-8 of Excel",
    "no newline at the end",
}


def file_mutations() -> list[Mutation]:
    mutations = []
    for name in SPECS:
        header = SPECS[name]["types"]
        first = next(iter(header))
        commas = b"," * (len(header) - 1)
        for label, change in [
            ("a byte order mark", lambda text: b"\xef\xbb\xbf" + text),
            ("CRLF line ends", lambda text: text.replace(b"\n", b"\r\n")),
            ("CR line ends", lambda text: text.replace(b"\n", b"\r")),
            (
                "CSV UTF-8 of Excel",
                lambda text: b"\xef\xbb\xbf" + text.replace(b"\n", b"\r\n"),
            ),
            ("no newline at the end", lambda text: text.rstrip(b"\n")),
            ("a blank line at the end", lambda text: text + b"\n"),
            ("a blank line inside", lambda text: text.replace(b"\n", b"\n\n", 2)),
            (
                "a row of commas",
                lambda text, commas=commas: text + commas + b"\n",
            ),
            ("a row of spaces", lambda text: text + b"   \n"),
            ("UTF-16", lambda text: text.decode().encode("utf-16")),
            ("semicolons", lambda text: text.replace(b",", b";")),
            (
                "a padded column name",
                lambda text, first=first: text.replace(
                    first.encode(), b" " + first.encode(), 1
                ),
            ),
            (
                "a column name in capitals",
                lambda text, first=first: text.replace(
                    first.encode(), first.upper().encode(), 1
                ),
            ),
            (
                "a column without a name",
                lambda text: text.replace(b"\n", b",\n"),
            ),
            ("the columns reversed", reverse_columns),
        ]:
            scope = "format" if label in FORMATS else None
            mutations.append(
                Mutation(f"{name}: {label}", name, scope, whole(name, change))
            )
    mutations.append(
        Mutation(
            "activity_rules: Windows-1252",
            "activity_rules",
            None,
            both(
                replace(
                    "activity_rules", "Requested a demo\nc", "Requested a d\u00e9mo\nc"
                ),
                whole("activity_rules", lambda text: text.decode().encode("cp1252")),
            ),
        )
    )
    mutations.append(
        Mutation(
            "scoring_models: without sales_capacity_per_week",
            "scoring_models",
            None,
            whole(
                "scoring_models",
                lambda text: (
                    b"\n".join(
                        line.rsplit(b",", 1)[0] for line in text.split(b"\n") if line
                    )
                    + b"\n"
                ),
            ),
        )
    )
    return mutations


def reverse_columns(text: bytes) -> bytes:
    lines = text.decode().rstrip("\n").split("\n")
    return (
        "\n".join(",".join(reversed(raw_fields(line))) for line in lines) + "\n"
    ).encode()


def band_mutations() -> list[Mutation]:
    """The score groups against each other and against their model."""
    groups, models = "score_groups", "scoring_models"
    cases = {
        "bands overlap": replace(groups, "b2b_core,warm,30,", "b2b_core,warm,25,"),
        "bands leave a gap": replace(groups, "b2b_core,warm,30,", "b2b_core,warm,35,"),
        "two bands open upwards": whole(
            groups, lambda text: text + b"enterprise_it,top,90,,true,4\n"
        ),
        "two bands open downwards": whole(
            groups, lambda text: text + b"enterprise_it,frozen,,10,false,0\n"
        ),
        "a band from minus 1e400": replace(
            groups, "b2b_core,cold,,", "b2b_core,cold,-1e400,"
        ),
        "an empty band": replace(groups, "b2b_core,warm,30,60", "b2b_core,warm,30,30"),
        "sort_order swapped": both(
            replace(
                groups, "b2b_core,warm,30,60,false,2", "b2b_core,warm,30,60,false,3"
            ),
            replace(groups, "b2b_core,hot,60,,true,3", "b2b_core,hot,60,,true,2"),
        ),
        "sort_order twice": replace(
            groups, "b2b_core,warm,30,60,false,2", "b2b_core,warm,30,60,false,1"
        ),
        "sort_order with gaps": both(
            replace(
                groups, "b2b_core,warm,30,60,false,2", "b2b_core,warm,30,60,false,20"
            ),
            replace(groups, "b2b_core,hot,60,,true,3", "b2b_core,hot,60,,true,300"),
        ),
        "a band above max_score": replace(models, ",0,150,", ",0,50,"),
        "a band starting at max_score": both(
            replace(models, ",0,150,", ",0,60,"),
        ),
        "a band below min_score": replace(models, ",-50,200,", ",45,200,"),
        "a band ending at min_score": replace(models, ",-50,200,", ",40,200,"),
        "min_score above max_score": replace(models, ",-50,200,", ",300,200,"),
        "a retired model's bands leave a gap": both(
            replace(models, "active,inactivity", "retired,inactivity"),
            replace(groups, "enterprise_it,warm,40,", "enterprise_it,warm,45,"),
        ),
        "a retired model without bands": both(
            replace(models, "active,inactivity", "retired,inactivity"),
            whole(
                groups,
                lambda text: b"".join(
                    line
                    for line in text.splitlines(keepends=True)
                    if not line.startswith(b"enterprise_it")
                ),
            ),
            whole(
                "routing_rules",
                lambda text: b"".join(
                    line
                    for line in text.splitlines(keepends=True)
                    if not line.startswith(b"enterprise_it")
                ),
            ),
        ),
        "bands with fractions": both(
            replace(groups, "b2b_core,cold,,30", "b2b_core,cold,,29.999999"),
            replace(groups, "b2b_core,warm,30,", "b2b_core,warm,29.999999,"),
        ),
        "a bound written 3e1": both(
            replace(groups, "b2b_core,cold,,30", "b2b_core,cold,,3e1"),
        ),
    }
    return [
        Mutation(f"score_groups: {name}", groups, None, apply)
        for name, apply in cases.items()
    ]


MUTATIONS = value_mutations() + file_mutations() + band_mutations()


WRITTEN: dict[Path, Seeds] = {}


def write(seeds: Seeds, folder: Path) -> Path:
    """The seeds as files in folder (those that changed since the last
    write there)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = WRITTEN.setdefault(folder, {})
    for name, text in seeds.items():
        if written.get(name) != text:
            (folder / f"{name}.csv").write_bytes(text)
            written[name] = text
    return folder


def mutated(mutations: list[Mutation]) -> Seeds:
    seeds = dict(BASE)
    for mutation in sorted(mutations, key=lambda mutation: mutation.order):
        mutation.apply(seeds)
    return seeds


ROW_PROBLEMS = re.compile(
    r"is empty: delete the row|has \d+ values|the columns are separated by"
    r"|the header's column \d+ has no name|the file is empty"
)


def assert_named(problems: list[validate_seeds.Problem], mutation: Mutation) -> None:
    """Every problem names the file and the row, and the column unless it is
    about a whole row; a change of a whole file has one in that file (a
    changed value may be reported where it is referred to)."""
    for problem in problems:
        assert problem.file.startswith("seeds/") and problem.row >= 1, problem
        assert problem.column or ROW_PROBLEMS.search(problem.message), (
            f"{mutation.name}: no column in {problem}"
        )
    if not isinstance(mutation.scope, tuple):
        assert any(p.file == f"seeds/{mutation.file}.csv" for p in problems), (
            mutation.name,
            [str(problem) for problem in problems],
        )


def in_sets(accepted: list[Mutation], folder: Path) -> list[list[Mutation]]:
    """The accepted mutations put together into few sets of seeds, each
    accepted as a whole (two can be wrong only together: a min_score and
    a max_score of one row, say)."""
    sets: list[list[Mutation]] = []
    for mutation in accepted:
        for chosen in sets:
            if any(mutation.conflicts(other) for other in chosen):
                continue
            if not validate_seeds.validate(write(mutated([*chosen, mutation]), folder)):
                chosen.append(mutation)
                break
        else:
            sets.append([mutation])
    return sets


@pytest.fixture(autouse=True)
def specs_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeds' YAML is the same for every mutation."""
    monkeypatch.setattr(validate_seeds, "seed_specs", lambda _: SPECS)


def test_the_base_seeds_are_valid(tmp_path: Path) -> None:
    assert validate_seeds.validate(write(BASE, tmp_path / "seeds")) == []


def test_every_mutation_is_rejected_with_file_row_and_column_or_loads_in_dbt(
    tmp_path: Path, project: Project
) -> None:
    accepted = []
    for mutation in MUTATIONS:
        problems = validate_seeds.validate(write(mutated([mutation]), tmp_path / "one"))
        if problems:
            assert_named(problems, mutation)
        else:
            accepted.append(mutation)
    # Both halves are large: the test can fail either way.
    assert len(accepted) >= 200 and len(MUTATIONS) - len(accepted) >= 800

    sets = in_sets(accepted, tmp_path / "set")

    assert len(sets) <= 12, [len(chosen) for chosen in sets]  # a few dbt runs

    for chosen in sets:
        write(mutated(chosen), project.root / "seeds")
        result = project.dbt(
            "build",
            "--select",
            "resource_type:seed",
            "--indirect-selection",
            "cautious",
        )
        names = "\n".join(mutation.name for mutation in chosen)
        assert result.success, f"accepted, yet dbt fails: {failures(result)}\n{names}"
