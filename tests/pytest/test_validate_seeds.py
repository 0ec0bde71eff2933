"""scripts/validate_seeds.py: each mistake an analyst can make in a seed,
written into a copy of the project's seeds, gets a message naming the file,
the row as a spreadsheet shows it, the column and what is allowed."""

from __future__ import annotations

import csv
import io
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Project, failures

sys.path.insert(0, str(REPO / "scripts"))
import validate_seeds  # noqa: E402


def edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace text in seeds/<name>.csv (exactly once)."""

    def apply(seeds: Path) -> None:
        path = seeds / f"{name}.csv"
        text = path.read_text()
        assert text.count(old) == 1, f"{old!r} is not once in {name}.csv"
        path.write_text(text.replace(old, new))

    return apply


def append(name: str, line: str) -> Callable[[Path], None]:
    def apply(seeds: Path) -> None:
        path = seeds / f"{name}.csv"
        path.write_text(path.read_text() + line + "\n")

    return apply


def rewrite(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(seeds: Path) -> None:
        path = seeds / f"{name}.csv"
        path.write_bytes(change(path.read_bytes()))

    return apply


def encode(name: str, old: str, new: str, encoding: str) -> Callable[[Path], None]:
    """Replace text in seeds/<name>.csv and save the file in an encoding."""

    def apply(seeds: Path) -> None:
        edit(name, old, new)(seeds)
        path = seeds / f"{name}.csv"
        path.write_bytes(path.read_text().encode(encoding))

    return apply


# (mistake, how to make it, what the message must say). Row numbers count the
# header as row 1, as a spreadsheet does.
CASES = [
    (
        "points not a number",
        edit(
            "activity_rules",
            "web.page_view,,,,1,engagement,5",
            "web.page_view,,,,ten,engagement,5",
        ),
        "seeds/activity_rules.csv, row 2, column points: 'ten' is not a whole number.",
    ),
    (
        "points empty",
        edit("fit_rules", "%chief%,15,false", "%chief%,,false"),
        "seeds/fit_rules.csv, row 2, column points: is empty; a value is required.",
    ),
    (
        "unknown activity type",
        edit("activity_rules", "b2b_core,email.open,", "b2b_core,email.opened,"),
        "seeds/activity_rules.csv, row 9, column activity_type: 'email.opened' is not"
        " an activity type. Did you mean 'email.open'?",
    ),
    (
        "a typo in a web event type",
        edit(
            "activity_rules",
            "core_pricing_view,b2b_core,web.page_view",
            "core_pricing_view,b2b_core,web.pageview",
        ),
        "seeds/activity_rules.csv, row 3, column activity_type: 'web.pageview' is not"
        " an activity type. Did you mean 'web.page_view'?",
    ),
    (
        "unknown operator",
        edit(
            "fit_rules",
            "core_department,b2b_core,department,in",
            "core_department,b2b_core,department,inn",
        ),
        "seeds/fit_rules.csv, row 8, column operator: 'inn' is not allowed. Did you"
        " mean 'in'? Allowed: equals, not_equals, like, in, between, is_missing.",
    ),
    (
        "malformed between",
        edit("fit_rules", "between,50..2000", "between,50-2000"),
        "seeds/fit_rules.csv, row 9, column value: '50-2000' is not a range: write"
        " low..high",
    ),
    (
        "between the wrong way round",
        edit("fit_rules", "between,1..9,", "between,9..1,"),
        "seeds/fit_rules.csv, row 11, column value: '9..1' is not a range",
    ),
    (
        "malformed in list",
        edit("fit_rules", "in,US|CA|GB|DE|FR|NL", "in,US||GB"),
        "seeds/fit_rules.csv, row 13, column value: 'US||GB' is not a list",
    ),
    (
        "duplicate rule id",
        edit("activity_rules", "core_download,b2b_core", "core_pricing_view,b2b_core"),
        "seeds/activity_rules.csv, row 6, column rule_id: 'core_pricing_view' is a"
        " duplicate of row 3: rule_id must be unique.",
    ),
    (
        "rule of an unknown model",
        append(
            "activity_rules", "x_rule,b2b_cor,web.page_view,,,,1,engagement,,,true,Typo"
        ),
        "seeds/activity_rules.csv, row 40, column model_id: 'b2b_cor' is not a model"
        " of scoring_models.csv. Did you mean 'b2b_core'?",
    ),
    (
        "group of an unknown model",
        append("score_groups", "enterprise,cold,,10,false,1"),
        "seeds/score_groups.csv, row 8, column model_id: 'enterprise' is not a model"
        " of scoring_models.csv. Did you mean 'enterprise_it'?",
    ),
    (
        "routing rule of an unknown model",
        append("routing_rules", "core,hot,enter,route_to_sales,sdr,4,Typo"),
        "seeds/routing_rules.csv, row 10, column model_id: 'core' is not a model",
    ),
    (
        "bands leave a gap",
        edit("score_groups", "b2b_core,warm,30,60", "b2b_core,warm,35,60"),
        "seeds/score_groups.csv, row 3, column min_score: '35' leaves scores from 30"
        " up to 35 of model b2b_core in no group.",
    ),
    (
        "bands overlap",
        edit("score_groups", "enterprise_it,hot,80,", "enterprise_it,hot,70,"),
        "seeds/score_groups.csv, row 7, column min_score: '70' overlaps group 'warm'"
        " (row 6): scores from 70 up to 80 of model enterprise_it are in both.",
    ),
    (
        "highest band closed",
        edit("score_groups", "b2b_core,hot,60,,true", "b2b_core,hot,60,200,true"),
        "seeds/score_groups.csv, row 4, column max_score: '200' leaves scores of 200"
        " and above of model b2b_core in no group",
    ),
    (
        "routing rule for an unknown group",
        edit("routing_rules", "b2b_core,warm,exit", "b2b_core,wram,exit"),
        "seeds/routing_rules.csv, row 5, column group_name: 'wram' is not a group of"
        " model b2b_core in score_groups.csv. Did you mean 'warm'?",
    ),
    (
        "negative decay_days",
        edit("scoring_models", "active,half_life,30,", "active,half_life,-30,"),
        "seeds/scoring_models.csv, row 2, column decay_days: '-30' must be a whole"
        " number of days above 0 with decay_method half_life.",
    ),
    (
        "missing decay_days",
        edit("scoring_models", "active,inactivity,14,", "active,inactivity,,"),
        "seeds/scoring_models.csv, row 3, column decay_days: must be a whole number"
        " of days above 0 with decay_method inactivity.",
    ),
    (
        "model with no group",
        append("scoring_models", "abm,ABM,Accounts,me,draft,none,,,,,,"),
        "seeds/scoring_models.csv, row 4, column model_id: 'abm' has no group in"
        " score_groups.csv",
    ),
    (
        "a date not written YYYY-MM-DD",
        edit("scoring_models", "2026-06-01", "20260601"),
        "seeds/scoring_models.csv, row 2, column activated_on: '20260601' is not a date"
        " written YYYY-MM-DD.",
    ),
    (
        "a routing rule twice",
        append("routing_rules", "b2b_core,hot,enter,route_to_sales,sdr_queue,4,Again"),
        "seeds/routing_rules.csv, row 10, column target: 'b2b_core / hot / enter /"
        " route_to_sales / sdr_queue' is a duplicate of row 2",
    ),
    (
        "wrong header",
        edit("routing_rules", "sla_hours", "sla"),
        "seeds/routing_rules.csv, row 1, column sla: is not a column of routing_rules."
        " Did you mean 'sla_hours'?",
    ),
    (
        "missing column",
        rewrite(
            "score_categories",
            lambda text: b"\n".join(
                line.rsplit(b",", 1)[0] for line in text.splitlines()
            ),
        ),
        "seeds/score_categories.csv, row 1, column max_points: is missing from the"
        " header row.",
    ),
    (
        "a negative category cap",
        edit("score_categories", "b2b_core,intent,70", "b2b_core,intent,-70"),
        "seeds/score_categories.csv, row 3, column max_points: '-70' must be 0 or"
        " more (the most points the category counts); leave it empty for no cap.",
    ),
    (
        "semicolon separators",
        rewrite("pipeline_stages", lambda text: text.replace(b",", b";")),
        "seeds/pipeline_stages.csv, row 1: the columns are separated by ';'",
    ),
    (
        "a row with an unquoted comma",
        edit(
            "activity_rules",
            "true,Any page view\ncore_pricing",
            "true,Any page, view\ncore_pricing",
        ),
        "seeds/activity_rules.csv, row 2: has 13 values, the header has 12 columns",
    ),
    (
        "sales capacity zero",
        edit("scoring_models", "2026-06-01,20", "2026-06-01,0"),
        "seeds/scoring_models.csv, row 2, column sales_capacity_per_week: '0' must"
        " be a number of leads a week above 0",
    ),
    (
        "sales capacity not a number",
        edit("scoring_models", "2026-08-01,10", "2026-08-01,lots"),
        "seeds/scoring_models.csv, row 3, column sales_capacity_per_week: 'lots' is"
        " not a number.",
    ),
    (
        "a file saved as Windows-1252 (a spreadsheet's plain CSV)",
        encode(
            "activity_rules", "Requested a demo\nc", "Requested a démo\nc", "cp1252"
        ),
        "seeds/activity_rules.csv, row 15, column description: 'Requested a d\ufffdmo'"
        " is not UTF-8 text (the file was saved in another encoding, such as a"
        " spreadsheet's plain 'CSV (comma delimited)'): save the file as 'CSV UTF-8"
        " (comma delimited)'.",
    ),
    (
        "a group name with a space before it",
        edit("routing_rules", "b2b_core,warm,enter", "b2b_core, warm,enter"),
        "seeds/routing_rules.csv, row 4, column group_name: ' warm' has spaces before"
        " or after it: dbt loads them as part of the value (' hot' is not 'hot')."
        " Remove them.",
    ),
    (
        "a band bound with a space after it",
        edit("score_groups", "b2b_core,warm,30,60", "b2b_core,warm,30 ,60"),
        "seeds/score_groups.csv, row 3, column min_score: '30 ' has spaces before or"
        " after it",
    ),
    (
        "a column name with a space before it",
        edit("activity_rules", ",points,", ", points,"),
        "seeds/activity_rules.csv, row 1, column points: ' points' has spaces before"
        " or after the name: dbt reads the header as written, and then finds no"
        " such column. Remove the spaces.",
    ),
    (
        "a value of only spaces",
        edit(
            "activity_rules",
            "b2b_core,email.unsubscribe,,,",
            "b2b_core,email.unsubscribe,  ,,",
        ),
        "seeds/activity_rules.csv, row 12, column match_key: '  ' has only spaces:"
        " leave the cell empty",
    ),
    (
        "nan as a band bound",
        edit("score_groups", "b2b_core,warm,30,60", "b2b_core,warm,30,nan"),
        "seeds/score_groups.csv, row 3, column max_score: 'nan' is not a number.",
    ),
    (
        "a band bound too large to be a number",
        edit("score_groups", "b2b_core,warm,30,60", "b2b_core,warm,30,1e400"),
        "seeds/score_groups.csv, row 3, column max_score: '1e400' is too large to be"
        " a number.",
    ),
    (
        "a number with an underscore",
        edit("scoring_models", ",0,150,", ",0,1_50,"),
        "seeds/scoring_models.csv, row 2, column max_score: '1_50' is not a number",
    ),
    (
        "two bands open upwards",
        append("score_groups", "enterprise_it,top,90,,true,4"),
        "seeds/score_groups.csv, row 8, column min_score: '90' overlaps group 'hot'"
        " (row 7): scores of 90 and above of model enterprise_it are in both.",
    ),
    (
        "max_per_day 0",
        edit(
            "activity_rules",
            "web.page_view,,,,1,engagement,5",
            "web.page_view,,,,1,engagement,0",
        ),
        "seeds/activity_rules.csv, row 2, column max_per_day: '0' must be 1 or more"
        " (the most activities the rule counts a day for a lead); leave it empty"
        " for no limit.",
    ),
    (
        "max_points 0",
        edit(
            "activity_rules", "email.open,,,,1,email,1,10", "email.open,,,,1,email,1,0"
        ),
        "seeds/activity_rules.csv, row 9, column max_points: '0' must be 1 or more",
    ),
    (
        "a negative sla_hours",
        edit("routing_rules", "sdr_queue,24", "sdr_queue,-1"),
        "seeds/routing_rules.csv, row 2, column sla_hours: '-1' must be 0 or more",
    ),
    (
        "decay_pct over 100 with decay_method half_life",
        edit("scoring_models", "active,half_life,30,", "active,half_life,30,150"),
        "seeds/scoring_models.csv, row 2, column decay_pct: '150' must be a percent"
        " from 0 to 100.",
    ),
    (
        "Arabic-Indic digits",
        edit("activity_rules", "demo-request,,,40,", "demo-request,,,\u0664\u0660,"),
        "seeds/activity_rules.csv, row 15, column points: '\u0664\u0660' is written"
        " with digits other than 0-9: write it with 0-9.",
    ),
    (
        "a range in Arabic-Indic digits",
        edit("fit_rules", "between,1..9,", "between,\u0661..\u0669,"),
        "seeds/fit_rules.csv, row 11, column value: '\u0661..\u0669' is not a range",
    ),
    (
        "a whole number too large for the column",
        edit("activity_rules", "demo-request,,,40,", "demo-request,,,4000000000,"),
        "seeds/activity_rules.csv, row 15, column points: '4000000000' is out of"
        " range: a whole number from -2147483648 to 2147483647.",
    ),
    (
        "the word null",
        edit("activity_rules", "Requested a demo\nc", "NULL\nc"),
        "seeds/activity_rules.csv, row 15, column description: 'NULL' is read by dbt"
        " as an empty value on some warehouses (Spark)",
    ),
    (
        "a value over 128 KiB",
        edit("activity_rules", "Requested a demo\nc", "x" * 200_000 + "\nc"),
        "seeds/activity_rules.csv, row 15, column description: '" + "x" * 77 + "...'"
        " is 200,000 characters long; a value may have at most 10,000.",
    ),
    (
        "a quote never closed",
        edit("routing_rules", "8,Enterprise account", '8,"Enterprise account'),
        'seeds/routing_rules.csv, row 6, column description: has a quote (") that'
        " is never closed",
    ),
    (
        "text after a closing quote",
        edit("routing_rules", "Nurture warm leads", '"Nurture" warm leads'),
        'seeds/routing_rules.csv, row 4, column description: has a quote (")'
        " inside a value",
    ),
    (
        "a row cleared but not deleted",
        append("score_groups", ",,,,,"),
        "seeds/score_groups.csv, row 8: is empty: delete the row",
    ),
    (
        "a blank line",
        edit("score_groups", "true,3\nenterprise_it", "true,3\n\nenterprise_it"),
        "seeds/score_groups.csv, row 5: is empty: delete the row",
    ),
    (
        "the same column twice",
        edit(
            "pipeline_stages", "funnel_stage,stage_order", "funnel_stage,funnel_stage"
        ),
        "seeds/pipeline_stages.csv, row 1, column funnel_stage: is in the header twice"
        " (columns 2 and 3).",
    ),
    (
        "a column without a name",
        rewrite(
            "score_categories",
            lambda text: text.replace(b"max_points\n", b"max_points,\n").replace(
                b"\n", b",\n"
            ),
        ),
        "seeds/score_categories.csv, row 1: the header's column 4 has no name",
    ),
    (
        "a retired model's bands leave a gap",
        lambda seeds: (
            edit("scoring_models", "active,inactivity", "retired,inactivity")(seeds),
            edit("score_groups", "enterprise_it,warm,40,", "enterprise_it,warm,45,")(
                seeds
            ),
        ),
        "seeds/score_groups.csv, row 6, column min_score: '45' leaves scores from 40"
        " up to 45 of model enterprise_it in no group.",
    ),
    (
        "sort_order against the bands",
        edit(
            "score_groups", "b2b_core,warm,30,60,false,2", "b2b_core,warm,30,60,false,4"
        ),
        "seeds/score_groups.csv, row 4, column sort_order: '3' must be above the"
        " sort_order of group 'warm' (row 3, sort_order 4), whose scores are lower:"
        " number the groups of model b2b_core from the lowest scores up.",
    ),
    (
        "a band above the model's max_score",
        edit("scoring_models", ",0,150,", ",0,50,"),
        "seeds/score_groups.csv, row 4, column min_score: '60' is above the max_score"
        " of model b2b_core (50, scoring_models.csv row 2): no lead can be in group"
        " 'hot'.",
    ),
    (
        "a band below the model's min_score",
        edit("scoring_models", ",-50,200,", ",45,200,"),
        "seeds/score_groups.csv, row 5, column max_score: '40' is at or below the"
        " min_score of model enterprise_it (45, scoring_models.csv row 3): no lead"
        " can be in group 'cold'.",
    ),
    (
        "a quote in a rule id",
        edit("activity_rules", "core_download,", "core_down'load,"),
        "seeds/activity_rules.csv, row 6, column rule_id: 'core_down'load' has the"
        ' character "\'", which an id may not have: write it with the letters A-Z'
        " and a-z, the digits 0-9, '_', '-' and '.'.",
    ),
    (
        "a space in a category",
        edit("score_categories", "b2b_core,intent,", "b2b_core,buying intent,"),
        "seeds/score_categories.csv, row 3, column category: 'buying intent' has the"
        " character ' ', which an id may not have",
    ),
    (
        "a model id that starts with a dash",
        edit("scoring_models", "b2b_core,Core", "-b2b_core,Core"),
        "seeds/scoring_models.csv, row 2, column model_id: '-b2b_core' must start"
        " with a letter or a digit.",
    ),
    (
        "a semicolon in a group name",
        edit("score_groups", "b2b_core,hot,", "b2b_core,hot;,"),
        "seeds/score_groups.csv, row 4, column group_name: 'hot;' has the character"
        " ';', which a name may not have: write it with letters, digits, spaces and"
        " _ - . / & ( ) + @.",
    ),
    (
        "a quote in a CRM stage",
        edit("pipeline_stages", "Closed Won", "Closed 'Won'"),
        "seeds/pipeline_stages.csv, row 5, column crm_stage: 'Closed 'Won'' has the"
        ' character "\'", which a name may not have',
    ),
]


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    copy = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", copy)
    return copy


def test_the_project_seeds_are_valid(seeds: Path) -> None:
    assert validate_seeds.validate(seeds) == []


def test_a_file_saved_as_csv_utf8_is_valid(seeds: Path) -> None:
    """A spreadsheet's 'CSV UTF-8' starts with a byte order mark and ends
    its lines with CRLF: dbt drops the mark (and DuckDB reads past it), so
    the validator does too."""
    for path in seeds.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert validate_seeds.validate(seeds) == []


def test_an_optional_column_may_be_left_out(seeds: Path) -> None:
    """A scoring_models.csv from before sales_capacity_per_week is valid;
    a column that is neither known nor optional is still reported."""
    path = seeds / "scoring_models.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    assert validate_seeds.validate(seeds) == []
    path.write_text("\n".join(line.rsplit(",", 2)[0] for line in lines) + "\n")
    assert [str(p) for p in validate_seeds.validate(seeds)] == [
        "seeds/scoring_models.csv, row 1, column activated_on:"
        " is missing from the header row."
    ]


@pytest.mark.parametrize(
    ("make_mistake", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_mistake_is_named_with_file_row_and_column(
    seeds: Path, make_mistake: Callable[[Path], None], message: str
) -> None:
    make_mistake(seeds)
    problems = [str(problem) for problem in validate_seeds.validate(seeds)]
    assert any(problem.startswith(message) for problem in problems), problems


def test_every_problem_is_reported_at_once(
    seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _, make_mistake, _ in CASES[:3]:
        make_mistake(seeds)
    assert validate_seeds.main(["--seeds", str(seeds)]) == 1
    reported = capsys.readouterr().err
    assert reported.startswith("3 problem(s) in the seeds; nothing was built:")
    for _, _, message in CASES[:3]:
        assert message in reported


def test_a_build_loads_a_seed_whose_optional_column_came_or_went(
    project: Project,
) -> None:
    """A seed's table is replaced by every build, so a column the analyst
    adds or removes between builds loads (dbt would otherwise insert the
    file into the columns the table had, and stop)."""
    path = project.root / "seeds" / "scoring_models.csv"
    with_column = path.read_text()
    rows = list(csv.reader(io.StringIO(with_column)))
    dropped = rows[0].index("sales_capacity_per_week")
    without = io.StringIO()
    csv.writer(without, lineterminator="\n").writerows(
        row[:dropped] + row[dropped + 1 :] for row in rows
    )
    path.write_text(without.getvalue())
    for text in (without.getvalue(), with_column, without.getvalue()):
        path.write_text(text)
        result = project.dbt("seed", "--select", "scoring_models")
        assert result.success, failures(result)
    columns = project.query(
        "select column_name from information_schema.columns"
        " where table_schema = 'scoring_model' and table_name = 'scoring_models'"
    )
    assert ("sales_capacity_per_week",) not in columns
    path.write_text(with_column)
    project.dbt("seed", "--select", "scoring_models")
    assert project.query(
        "select model_id, sales_capacity_per_week"
        " from scoring_model.scoring_models order by model_id"
    ) == [("b2b_core", 20.0), ("enterprise_it", 10.0)]
