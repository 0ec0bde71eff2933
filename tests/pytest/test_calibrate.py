"""scripts/calibrate.py on a hand-made warehouse where two rules carry all
the signal: a demo request (an activity rule) and a director's title (a fit
rule). 400 leads created in January and February 2026; a lead converts
(reaches Sales Qualified, 20 days after it was created) with probability
0.02, plus 0.45 with a demo request, plus 0.45 as a director. Page views and
email opens (in a lead's first 15 days, before any lead is observed, and
not decaying, so that they look the same on every observation day),
newsletter forms and the country are noise: drawn independently of the
outcome. Trained up to 2026-04-30, scored as of
2026-06-30; the rows after 2026-04-30 are what the leakage test changes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import shutil
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import REPO, Project, load_sources, make_project, write_seed

sys.path.insert(0, str(REPO / "scripts"))
import calibrate  # noqa: E402
import validate_seeds  # noqa: E402

AS_OF = "{as_of: '2026-06-30'}"
TRAIN_UNTIL = "2026-04-30"
SEEDS = [
    "scoring_models",
    "activity_rules",
    "score_categories",
    "fit_rules",
    "score_groups",
    "routing_rules",
]


def write_signal_model(project: Project) -> None:
    write_seed(
        project.root,
        "scoring_models",
        "model_id,model_name,description,owner,status,decay_method,decay_days,"
        "decay_pct,min_score,max_score,activated_on,sales_capacity_per_week",
        ["signal,Signal,Two rules matter,qa,active,half_life,30,,,,2026-01-01,5"],
    )
    write_seed(
        project.root,
        "activity_rules",
        "rule_id,model_id,activity_type,match_key,match_value,"
        "min_duration_seconds,points,category,max_per_day,max_points,decays,"
        "description",
        [
            "demo,signal,form.submit,demo-request,,,10,intent,,,false,Demo request",
            "views,signal,web.page_view,,,,2,engagement,,,false,Page view",
            "opens,signal,email.open,,,,2,email,,,false,Email open",
        ],
    )
    write_seed(
        project.root,
        "score_categories",
        "model_id,category,max_points",
        ["signal,intent,", "signal,engagement,", "signal,email,"],
    )
    write_seed(
        project.root,
        "fit_rules",
        "rule_id,model_id,attribute,operator,value,points,excludes_lead,description",
        [
            "director,signal,job_title,like,%director%,5,false,Director",
            "us,signal,country,equals,US,5,false,United States",
            "rival,signal,email_domain,equals,rival.com,0,true,Competitor",
        ],
    )
    write_seed(
        project.root,
        "score_groups",
        "model_id,group_name,min_score,max_score,is_sales_ready,sort_order",
        [
            "signal,cold,,10,false,1",
            "signal,warm,10,20,false,2",
            "signal,hot,20,,true,3",
        ],
    )
    write_seed(
        project.root,
        "routing_rules",
        "model_id,group_name,on_event,action,target,sla_hours,description",
        ["signal,hot,enter,route_to_sales,sdr,24,Call hot leads"],
    )


def at(day: dt.date, hour: int = 10) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00"


def signal_sources(
    after: bool, shared_when_sold: bool = False
) -> dict[str, list[dict]]:
    """The hand-made sources; with `after`, more rows dated after
    TRAIN_UNTIL: new leads, activities and CRM changes of old leads; with
    `shared_when_sold`, every converted lead shared a post on 04-27, after
    sales qualified it and before TRAIN_UNTIL, and half of them on their
    third day too."""
    rng = np.random.default_rng(15)
    tables: dict[str, list[dict]] = {
        "leads": [],
        "web_events": [],
        "email_events": [],
        "form_submissions": [],
        "lead_stage_changes": [],
        "visitor_identities": [],
        "social_events": [],
    }
    start = dt.date(2026, 1, 1)
    for number in range(400):
        lead = f"L{number:03d}"
        created = start + dt.timedelta(days=int(rng.integers(0, 59)))
        director = rng.random() < 0.3
        demo = rng.random() < 0.3
        tables["leads"].append(
            {
                "lead_id": lead,
                "email": f"{lead.lower()}@rival.com" if number < 5 else f"{lead}@x.com",
                "job_title": "Sales Director" if director else "Analyst",
                "country": "US" if rng.random() < 0.5 else "FR",
                "created_at": at(created, 9),
                "updated_at": at(created, 9),
            }
        )
        for view in range(int(rng.integers(0, 6))):
            day = created + dt.timedelta(days=int(rng.integers(0, 15)))
            page = ["/", "/blog", "/about"][int(rng.integers(0, 3))]
            tables["web_events"].append(
                {
                    "event_id": f"w{lead}{view}",
                    "visitor_id": f"v{lead}",
                    "lead_id": lead,
                    "event_type": "page_view",
                    "page_url": f"https://example.com{page}",
                    "occurred_at": at(day),
                }
            )
        for sent in range(int(rng.integers(0, 4))):
            day = created + dt.timedelta(days=int(rng.integers(0, 15)))
            tables["email_events"].append(
                {
                    "event_id": f"e{lead}{sent}",
                    "lead_id": lead,
                    "campaign_id": "c1",
                    "email_id": "m1",
                    "event_type": "open",
                    "occurred_at": at(day),
                }
            )
        if demo:
            tables["form_submissions"].append(
                {
                    "submission_id": f"d{lead}",
                    "lead_id": lead,
                    "form_id": "demo-request",
                    "submitted_at": at(created + dt.timedelta(days=5)),
                }
            )
        if rng.random() < 0.3:
            tables["form_submissions"].append(
                {
                    "submission_id": f"n{lead}",
                    "lead_id": lead,
                    "form_id": "newsletter",
                    "submitted_at": at(created + dt.timedelta(days=3)),
                }
            )
        if rng.random() < 0.02 + 0.45 * demo + 0.45 * director:
            tables["lead_stage_changes"].append(
                {
                    "lead_id": lead,
                    "stage": "Sales Qualified",
                    "changed_at": at(created + dt.timedelta(days=20)),
                }
            )
            if shared_when_sold:
                days = [dt.date(2026, 4, 27)]
                if number % 2:  # half of them shared early too
                    days.append(created + dt.timedelta(days=2))
                tables["social_events"] += [
                    {
                        "event_id": f"x{lead}{day}",
                        "lead_id": lead,
                        "network": "linkedin",
                        "event_type": "share",
                        "occurred_at": at(day),
                    }
                    for day in days
                ]
        if after and number % 3 == 0:  # more activity and outcomes after
            tables["form_submissions"].append(
                {
                    "submission_id": f"late{lead}",
                    "lead_id": lead,
                    "form_id": "demo-request",
                    "submitted_at": at(dt.date(2026, 5, 10)),
                }
            )
            tables["web_events"].append(
                {
                    "event_id": f"late{lead}",
                    "visitor_id": f"v{lead}",
                    "lead_id": lead,
                    "event_type": "page_view",
                    "page_url": "https://example.com/pricing",
                    "occurred_at": at(dt.date(2026, 5, 1)),
                }
            )
            tables["lead_stage_changes"].append(
                {
                    "lead_id": lead,
                    "stage": "Sales Accepted" if number % 2 else "Closed Won",
                    "changed_at": at(dt.date(2026, 5, 1), 8),
                }
            )
    if after:
        # Visits before TRAIN_UNTIL that became a lead's after it: of an
        # anonymous cookie identified after it (leads without other web
        # events, whose days are theirs).
        with_visits = {event["lead_id"] for event in tables["web_events"]}
        quiet = [lead for lead in tables["leads"] if lead["lead_id"] not in with_visits]
        for lead in quiet:
            lead_id = lead["lead_id"]
            day = dt.date.fromisoformat(lead["created_at"][:10]) + dt.timedelta(days=2)
            late = at(dt.date(2026, 5, 5))
            tables["visitor_identities"].append(
                {
                    "visitor_id": f"anon{lead_id}",
                    "lead_id": lead_id,
                    "identified_at": late,
                    "_loaded_at": late,
                }
            )
            tables["web_events"].append(
                {
                    "event_id": f"stitched{lead_id}",
                    "visitor_id": f"anon{lead_id}",
                    "event_type": "page_view",
                    "page_url": "https://example.com/pricing",
                    "occurred_at": at(day),
                }
            )
        for number in range(400, 460):
            lead = f"L{number:03d}"
            tables["leads"].append(
                {
                    "lead_id": lead,
                    "job_title": "Analyst",
                    "created_at": at(dt.date(2026, 5, 2), 9),
                    "updated_at": at(dt.date(2026, 5, 2), 9),
                }
            )
            tables["lead_stage_changes"].append(
                {
                    "lead_id": lead,
                    "stage": "Sales Qualified",
                    "changed_at": at(dt.date(2026, 5, 20)),
                }
            )
    return tables


# Each source table's own time: a row loaded as it happened is loaded an
# hour after it.
OWN_TIME = {
    "marketing.leads": "updated_at",
    "marketing.web_events": "occurred_at",
    "marketing.visitor_identities": "identified_at",
    "marketing.email_events": "occurred_at",
    "marketing.form_submissions": "submitted_at",
    "marketing.social_events": "occurred_at",
    "crm.lead_stage_changes": "changed_at",
}


def set_load_times(warehouse: Path, backfill: str | None) -> None:
    """Every row's _loaded_at: an hour after its own time (loaded
    incrementally), or `backfill` for every row (the history loaded at
    once)."""
    con = duckdb.connect(str(warehouse))
    try:
        for table, column in OWN_TIME.items():
            value = (
                f"timestamp '{backfill}'" if backfill else f"{column} + interval 1 hour"
            )
            con.execute(f"update {table} set _loaded_at = {value}")
    finally:
        con.close()


def build_signal_project(
    root: Path,
    after: bool,
    shared_when_sold: bool = False,
    backfill: str | None | bool = False,
) -> Project:
    """The signal project, built; backfill: False keeps load_sources'
    _loaded_at, None loads each row an hour after its own time, a
    timestamp loads every row then."""
    project = make_project(root)
    write_signal_model(project)
    load_sources(project.warehouse, signal_sources(after, shared_when_sold))
    if backfill is not False:
        set_load_times(project.warehouse, backfill)
    project.build("--vars", AS_OF)
    return project


def signal_arguments(seeds: Path) -> list[str]:
    """The command line's arguments for the signal model."""
    return ["--model", "signal", "--train-until", TRAIN_UNTIL, "--seeds", str(seeds)]


def run_calibrate(project: Project, seeds: Path) -> str:
    """The command line, on the project's warehouse."""
    os.environ["LEAD_SCORING_DUCKDB"] = str(project.warehouse)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert calibrate.main(signal_arguments(seeds)) == 0
    return output.getvalue()


def rows(path: Path, model_id: str) -> list[dict[str, str]]:
    with path.open(newline="") as file:
        return [row for row in csv.DictReader(file) if row["model_id"] == model_id]


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path, str]:
    """The signal project built once, and its seeds with the draft."""
    project = build_signal_project(tmp_path_factory.mktemp("signal") / "p", False)
    seeds = project.root / "calibrated_seeds"
    shutil.copytree(project.root / "seeds", seeds)
    return project, seeds, run_calibrate(project, seeds)


def test_the_two_rules_with_the_signal_get_the_largest_points(calibrated) -> None:
    _, seeds, report = calibrated
    activity = rows(seeds / "activity_rules.csv", "signal_calibrated")
    fit = rows(seeds / "fit_rules.csv", "signal_calibrated")
    points = {
        row["rule_id"]: int(row["points"])
        for row in activity + fit
        if row.get("excludes_lead") != "true"
    }
    largest = sorted(points, key=lambda rule: -abs(points[rule]))[:2]
    assert sorted(largest) == [
        "signal_calibrated_demo",
        "signal_calibrated_director",
    ], (points, report)
    # Each is worth a doubling of the odds or more, on the scale the
    # report gives.
    per_doubling = int(re.search(r"(\d+) points double the odds", report)[1])
    assert points["signal_calibrated_demo"] >= per_doubling
    assert points["signal_calibrated_director"] >= per_doubling
    # Every rule says what the data showed; the excluding rule is kept.
    demo = next(r for r in activity if r["rule_id"] == "signal_calibrated_demo")
    assert "as often as the leads without it; n=" in demo["description"]
    assert any(
        r["rule_id"] == "signal_calibrated_rival" and r["excludes_lead"] == "true"
        for r in fit
    )
    assert "  training leads, in-sample  " in report


def test_the_points_spread_the_scores_as_the_original_model() -> None:
    """The scale: calibrated log-odds scores 0, 0.1 and 0.2 against original
    scores 0, 30 and 60 (standard deviations 0.0816 and 24.49) make 300
    points a unit of log-odds, so 300 x ln 2 = 207.9, 208 points double the
    odds. Rules of 0.05, 0.1 and -0.02 log-odds are then 15, 30 and -6
    points (0.05 x 208 / ln 2 = 15.004); at a fixed 20 points a doubling
    they were 1, 3 and -1, and rounding changed their ratios."""
    per_doubling = calibrate.points_to_double_odds(
        np.array([0.0, 0.1, 0.2]), np.array([0.0, 30.0, 60.0])
    )
    assert per_doubling == 208
    points = calibrate.to_points(np.array([0.05, 0.1, -0.02]), per_doubling)
    assert points.tolist() == [15, 30, -6]
    # An original model whose scores do not vary (no rule matched, or
    # scores that vary by rounding noise: a standard deviation of 5.6e-17
    # for ten scores of 0.3) gives no scale: the calibrated scores spread
    # 15 points. Log-odds 0 and 0.01 (a strongly shrunk perfect signal:
    # standard deviation 0.005) make 15 / 0.005 x ln 2 = 2079.4 points a
    # doubling, so the rule is 0.01 x 2079 / ln 2 = 30 points (at 20 points
    # a doubling it rounded to 0, and a draft of the signal was refused).
    tiny = calibrate.points_to_double_odds(np.array([0.0, 0.01]), np.zeros(2))
    assert tiny == 2079
    assert calibrate.to_points(np.array([0.01]), tiny).tolist() == [30]
    noise = np.full(10, 0.3)
    assert calibrate.points_to_double_odds(np.array([0.0, 0.01]), noise) == 2079
    # At least 20 points (0.5 against a spread of 15: 21; 0.5 against 0.5:
    # 1 point a doubling, too coarse), and 20 when the calibrated scores do
    # not vary.
    assert calibrate.points_to_double_odds(np.array([0.0, 1.0]), np.zeros(2)) == 21
    assert calibrate.points_to_double_odds(np.zeros(3), np.arange(3.0)) == 20
    assert calibrate.points_to_double_odds(np.arange(10.0), noise) == 20
    assert calibrate.points_to_double_odds(noise, np.arange(10.0)) == 20
    assert calibrate.points_to_double_odds(np.array([0, 1.0]), np.array([0, 1.0])) == 20


def test_the_written_seeds_are_valid_and_build(calibrated) -> None:
    project, seeds, _ = calibrated
    assert validate_seeds.validate(seeds) == []
    # Every row of the other models is as it was, byte for byte.
    for name in SEEDS:
        before = (project.root / "seeds" / f"{name}.csv").read_bytes().splitlines()
        after = (seeds / f"{name}.csv").read_bytes().splitlines()
        assert after[: len(before)] == before, name
        added = list(
            csv.DictReader(
                [before[0].decode()] + [line.decode() for line in after[len(before) :]]
            )
        )
        assert added and all(row["model_id"] == "signal_calibrated" for row in added)
    # A second run replaces the draft instead of adding a second one.
    first = {name: (seeds / f"{name}.csv").read_bytes() for name in SEEDS}
    run_calibrate(project, seeds)
    assert {name: (seeds / f"{name}.csv").read_bytes() for name in SEEDS} == first
    # The draft builds and is scored next to the original.
    for name in SEEDS:
        shutil.copy(seeds / f"{name}.csv", project.root / "seeds" / f"{name}.csv")
    project.build("--vars", AS_OF, "--full-refresh")
    scored = project.query(
        "select model_id, count(*) from marts.fct_lead_scores group by 1 order by 1"
    )
    assert scored == [("signal", 400), ("signal_calibrated", 400)]


def assert_same_draft(project: Project, seeds: Path) -> None:
    """Calibrated on the project's warehouse, the draft is the one in
    seeds, byte for byte."""
    again = project.root / "calibrated_seeds"
    shutil.copytree(project.root / "seeds", again)
    run_calibrate(project, again)
    for name in SEEDS:
        assert (again / f"{name}.csv").read_bytes() == (
            seeds / f"{name}.csv"
        ).read_bytes(), name


def test_no_row_after_train_until_is_read(calibrated, tmp_path: Path) -> None:
    """New leads, activities and CRM outcomes after TRAIN_UNTIL (some of
    them turning non-converted leads into converted ones), and earlier
    visits that became a lead's after it (their cookie identified after
    it) change nothing the calibration writes."""
    _, seeds, _ = calibrated
    changed = build_signal_project(tmp_path / "changed", True)
    (count,) = changed.query(
        "select count(*) from marts.fct_points_ledger where activity_date > ?",
        [TRAIN_UNTIL],
    )[0]
    assert count > 0  # the later activities are in the warehouse
    (stitched,) = changed.query(
        "select count(*) from marts.fct_points_ledger"
        " where activity_id like 'web:stitched%' and activity_date <= ?",
        [TRAIN_UNTIL],
    )[0]
    assert stitched > 10  # and the earlier visits that became the leads' later
    assert_same_draft(changed, seeds)


def test_what_leads_did_after_sales_touched_them_is_not_learnt(
    calibrated, tmp_path: Path
) -> None:
    """Every converted lead, and only they, shared a post after sales had
    qualified it and before TRAIN_UNTIL; half of them had shared one on
    their third day. A lead is described the day before sales touched it:
    the early shares are its own, but none in the last 30 days before
    TRAIN_UNTIL, so no rule is proposed on them (the late ones would make
    it recent, and the strongest rule). The draft is the same, byte for
    byte."""
    _, seeds, _ = calibrated
    shared = build_signal_project(tmp_path / "shared", False, shared_when_sold=True)
    (count,) = shared.query(
        "select count(*) from intermediate.int_activities_unioned"
        " where activity_type = 'social.share'"
    )[0]
    assert count > 30
    assert_same_draft(shared, seeds)


def test_a_rule_id_with_a_quote_is_a_value_not_sql() -> None:
    """evaluate() passes rule ids as values: a quote in one is no SQL."""
    con = duckdb.connect()
    con.execute(
        "create temp table activities as select 'L1' as lead_id,"
        " date '2026-01-01' as activity_date, date '2026-01-01' as counts_from"
    )
    con.execute(
        "create temp table at_day as select 'L1' as lead_id,"
        " date '2026-01-31' as score_date, 0 as row_number"
    )
    con.execute(
        "create temp table quoted_hits as select 'L1' as lead_id, name,"
        " 1.0 as weight, date '2026-01-01' as activity_date,"
        " date '2026-01-01' as counts_from"
        " from (values ('o''neil'), ('decaying')) as names (name)"
    )
    model = {"decay_method": "half_life", "decay_days": "30", "decay_pct": ""}
    matrix = calibrate.evaluate(
        con,
        model,
        "quoted_hits",
        {"o'neil": False, "decaying": True},
        ["o'neil", "decaying"],
        "at_day",
    )
    assert matrix[0, 0] == 1.0  # not decaying
    assert matrix[0, 1] == pytest.approx(0.5)  # one half-life later
    # A model without activity features has no columns, and scores 0.
    assert calibrate.evaluate(con, model, "quoted_hits", {}, [], "at_day").shape == (
        1,
        0,
    )
    empty = calibrate.evaluate(con, model, "quoted_hits", {}, [], "at_day", np.zeros(0))
    assert empty.tolist() == [0.0]


def edit_seed(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def test_seeds_edited_since_the_build_are_refused(calibrated, tmp_path: Path) -> None:
    """The rules' hits and exclusions are the last build's: calibrating
    seeds that changed since (points, a match, a renamed or new rule)
    refuses, names the file and the rule, and writes nothing."""
    project, _, _ = calibrated
    edits = [
        (
            "activity_rules",
            "demo,signal,form.submit,demo-request,,,10,",
            "demo,signal,form.submit,demo-request,,,8,",
            "activity_rules.csv, rule demo: the warehouse was built from other"
            " values (points 10, seeds say 8): run dbt build, then calibrate",
        ),
        (
            "fit_rules",
            "director,signal,job_title,like,%director%,",
            "director,signal,job_title,like,%head%,",
            "fit_rules.csv, rule director: the warehouse was built from other"
            " values (value %director%, seeds say %head%)",
        ),
        (
            "fit_rules",
            "us,signal,country,",
            "usa,signal,country,",
            "fit_rules.csv, rule usa: not in the warehouse",
        ),
        (
            "activity_rules",
            "opens,signal,email.open,,,,2,email,,,false,",
            "opens,signal,email.open,,,,2,email,,,true,",
            "activity_rules.csv, rule opens: the warehouse was built from other"
            " values (decays false, seeds say true)",
        ),
    ]
    os.environ["LEAD_SCORING_DUCKDB"] = str(project.warehouse)
    for number, (name, old, new, message) in enumerate(edits):
        seeds = tmp_path / f"seeds{number}"
        shutil.copytree(project.root / "seeds", seeds)
        edit_seed(seeds / f"{name}.csv", old, new)
        before = {seed: (seeds / f"{seed}.csv").read_bytes() for seed in SEEDS}
        with pytest.raises(SystemExit) as refused:
            calibrate.main(signal_arguments(seeds))
        assert message in str(refused.value.code), refused.value.code
        assert {seed: (seeds / f"{seed}.csv").read_bytes() for seed in SEEDS} == before


def test_a_description_over_several_lines_is_one_row(
    calibrated, tmp_path: Path
) -> None:
    """A quoted description may hold line breaks: the model's rule whose
    description does is copied into the draft, and a rerun replaces that
    row whole; another model's row whose second line reads like a draft
    row is kept as it was."""
    project, _, _ = calibrated
    seeds = tmp_path / "seeds"
    shutil.copytree(project.root / "seeds", seeds)
    path = seeds / "activity_rules.csv"
    text = path.read_text().replace(
        "false,Demo request", 'false,"Demo request,\nfrom the ""demo"" page"'
    )
    other = 'other_rule,other,email.open,,,,1,email,,,false,"Two lines:\n'
    other += 'x,signal_calibrated,email.open,,,,1,email,,,false,y"\n'
    # A quote inside an unquoted field is a quote, as the csv module reads it.
    other += 'other_inch,other,email.open,,,,1,email,,,false,Saw the 27" screen\n'
    path.write_text(text + other)
    with (seeds / "score_categories.csv").open("a") as file:
        file.write("other,email,\n")
    models = seeds / "scoring_models.csv"
    signal = next(
        line for line in models.read_text().splitlines() if line.startswith("signal,")
    )
    models.write_text(
        models.read_text()
        + signal.replace("signal", "other").replace(",active,", ",retired,")
        + "\n"
    )
    run_calibrate(project, seeds)
    first = path.read_bytes()
    run_calibrate(project, seeds)
    assert path.read_bytes() == first
    # The other model's record and the model's own are as they were.
    assert other in first.decode()
    assert 'false,"Demo request,\nfrom the ""demo"" page"\n' in first.decode()
    draft = rows(path, "signal_calibrated")
    demo = next(row for row in draft if row["rule_id"] == "signal_calibrated_demo")
    assert demo["description"].endswith(
        '(was 10 points; Demo request,\nfrom the "demo" page)'
    )
    assert validate_seeds.validate(seeds) == []


def test_every_rule_id_written_is_unique(
    calibrated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proposed fit rules whose values slug alike ("vp, sales" and "vp
    sales", two non-ASCII titles) and a proposed id another model already
    has each get an id of their own."""
    project, _, _ = calibrated
    seeds = tmp_path / "seeds"
    shutil.copytree(project.root / "seeds", seeds)
    with (seeds / "fit_rules.csv").open("a") as file:
        file.write("signal_calibrated_job_title,other,job_title,equals,x,1,false,x\n")

    def candidates(con, outcome: np.ndarray, among=None, attributes=None) -> list:
        index = np.arange(len(outcome))
        return [
            ("job_title", "equals", value, outcome | (index % step == 0))
            for value, step in [
                ("vp, sales", 7),
                ("vp sales", 5),
                ("директор", 3),
                ("総務部長", 11),
            ]
        ]

    monkeypatch.setattr(calibrate, "fit_candidates", candidates)
    run_calibrate(project, seeds)
    written = [
        row["rule_id"]
        for name in ("activity_rules", "fit_rules")
        for row in rows(seeds / f"{name}.csv", "signal_calibrated")
    ]
    proposed = [rule for rule in written if "_job_title" in rule]
    assert len(proposed) >= 2, written
    everyone = [
        row["rule_id"]
        for name in ("activity_rules", "fit_rules")
        for row in csv.DictReader((seeds / f"{name}.csv").open(newline=""))
    ]
    assert len(everyone) == len(set(everyone)), sorted(everyone)


def test_seeds_is_required_from_dbt_packages(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Installed as a package, its seeds/ is dbt deps': --seeds is required."""
    monkeypatch.setattr(
        calibrate, "REPO", Path("/host/dbt_packages/lead_scoring").resolve()
    )
    with pytest.raises(SystemExit) as refused:
        calibrate.main(["--model", "signal"])
    assert refused.value.code == 2
    assert "--seeds" in capsys.readouterr().err


def test_the_features_replay_the_warehouse_scores(tmp_path: Path) -> None:
    """Calibration scores a lead from the warehouse's hits as the warehouse
    does. Lead A, created on 02-10, visited on 02-01 before it was known
    (10 points): on 03-01 that visit is 28 days old, not 19, so under a
    10-day half-life it is worth 10 x 0.5 ^ 2.8 = 1.436, and under
    inactivity decay (25 % every 7 quiet days) A has been quiet 28 days:
    10 x 0.75 ^ 4 = 3.164. Every lead's score on every month-start is the
    warehouse's (int_leads_scored_for_backtest). And the entries into hot
    counted for the bands are the warehouse's handoffs, one of them by decay
    alone: lead E registered for a webinar (25 points that do not decay) and
    bounced (-15 that do) on 01-12, 10 points, and reached hot's 20 when the
    bounce had faded under 5 points: on 01-28 under the half-life (15 x 0.5
    ^ 1.6 = 4.95; on 01-27 it was 5.30), on 02-09 under inactivity decay
    (four quiet weeks: 15 x 0.75 ^ 4 = 4.75; three leave 6.33)."""
    until = dt.date(2026, 3, 31)
    project = make_project(tmp_path / "p")
    write_seed(
        project.root,
        "scoring_models",
        "model_id,model_name,description,owner,status,decay_method,decay_days,"
        "decay_pct,min_score,max_score,activated_on",
        [
            "halving,Halving,x,qa,active,half_life,10,,,,2026-01-01",
            "quiet,Quiet,x,qa,active,inactivity,7,25,,,2026-01-01",
        ],
    )
    rules = [
        "{0}_views,{0},web.page_view,,,,10,engagement,,,true,Page view",
        "{0}_demo,{0},form.submit,demo-request,,,20,intent,,,true,Demo request",
        "{0}_webinar,{0},form.submit,webinar-registration,,,25,intent,,,false,x",
        "{0}_bounce,{0},email.bounce,,,,-15,engagement,,,true,Email bounced",
    ]
    write_seed(
        project.root,
        "activity_rules",
        "rule_id,model_id,activity_type,match_key,match_value,"
        "min_duration_seconds,points,category,max_per_day,max_points,decays,"
        "description",
        [rule.format(model) for model in ("halving", "quiet") for rule in rules],
    )
    write_seed(
        project.root,
        "score_categories",
        "model_id,category,max_points",
        [f"{m},{c}," for m in ("halving", "quiet") for c in ("engagement", "intent")],
    )
    write_seed(
        project.root,
        "fit_rules",
        "rule_id,model_id,attribute,operator,value,points,excludes_lead,description",
        [
            f"{m}_director,{m},job_title,like,%director%,5,false,x"
            for m in ("halving", "quiet")
        ],
    )
    write_seed(
        project.root,
        "score_groups",
        "model_id,group_name,min_score,max_score,is_sales_ready,sort_order",
        [f"{m},cold,,20,false,1" for m in ("halving", "quiet")]
        + [f"{m},hot,20,,true,2" for m in ("halving", "quiet")],
    )
    write_seed(
        project.root,
        "routing_rules",
        "model_id,group_name,on_event,action,target,sla_hours,description",
        [f"{m},hot,enter,route_to_sales,sdr,24,x" for m in ("halving", "quiet")],
    )
    leads = {"A": "2026-02-10", "B": "2026-01-05", "C": "2026-01-15", "D": "2026-02-20"}
    leads["E"] = "2026-01-10"
    views = [
        ("vA", None, "2026-02-01"),
        ("vB", "B", "2026-01-06"),
        ("vB", "B", "2026-01-20"),
    ]
    views += [("vC", "C", "2026-02-25"), ("vB", "B", "2026-03-20")]
    views += [("vB", "B", "2026-03-20"), ("vB", "B", "2026-03-21")]
    load_sources(
        project.warehouse,
        {
            "leads": [
                {
                    "lead_id": lead,
                    "job_title": "Director" if lead in "CD" else "Analyst",
                    "created_at": f"{day} 09:00:00",
                    "updated_at": f"{day} 09:00:00",
                }
                for lead, day in leads.items()
            ],
            "visitor_identities": [
                {
                    "visitor_id": "vA",
                    "lead_id": "A",
                    "identified_at": "2026-02-10 10:00:00",
                }
            ],
            "web_events": [
                {
                    "event_id": f"w{number}",
                    "visitor_id": visitor,
                    "lead_id": lead,
                    "event_type": "page_view",
                    "page_url": "https://example.com/",
                    "occurred_at": f"{day} 10:00:00",
                }
                for number, (visitor, lead, day) in enumerate(views)
            ],
            "form_submissions": [
                {
                    "submission_id": "s1",
                    "lead_id": "B",
                    "form_id": "demo-request",
                    "submitted_at": "2026-02-20 10:00:00",
                },
                {
                    "submission_id": "s2",
                    "lead_id": "E",
                    "form_id": "webinar-registration",
                    "submitted_at": "2026-01-12 10:00:00",
                },
            ],
            "email_events": [
                {
                    "event_id": "e1",
                    "lead_id": "E",
                    "campaign_id": "c",
                    "email_id": "m",
                    "event_type": "bounce",
                    "occurred_at": "2026-01-12 11:00:00",
                }
            ],
        },
    )
    project.build("--vars", "{as_of: '2026-03-31'}")
    con = calibrate.connect(str(project.warehouse))
    seeds = {
        name: calibrate.SeedFile.read(project.root / "seeds" / f"{name}.csv").rows()
        for name in ("scoring_models", "activity_rules", "fit_rules")
    }
    expected_a = {"halving": 10 * 0.5**2.8, "quiet": 10 * 0.75**4}
    expected_e = {"halving": dt.date(2026, 1, 28), "quiet": dt.date(2026, 2, 9)}
    for model_id in ("halving", "quiet"):
        model = next(m for m in seeds["scoring_models"] if m["model_id"] == model_id)
        calibrate.load_training_leads(con, model_id, until, "sql")
        calibrate.load_activities(con, model_id, until)
        features, decays, fit_columns = calibrate.build_features(
            con,
            model_id,
            f"{model_id}_calibrated",
            [r for r in seeds["activity_rules"] if r["model_id"] == model_id],
            [r for r in seeds["fit_rules"] if r["model_id"] == model_id],
            until,
            np.zeros(len(leads), dtype=bool),
            calibrate.RuleIds(set()),
        )
        calibrate.score_table(
            con,
            "at_months",
            "select lead_id, day as score_date from training, (values"
            " (date '2026-02-01'), (date '2026-03-01')) as months (day)"
            " where created_date <= day",
        )
        matrix = calibrate.feature_matrix(
            con, model, features, decays, fit_columns, "at_months"
        )
        scores = calibrate.original_scores(model, features, matrix, {})
        # Summed in SQL (as for the bands), the same scores.
        points = np.array([f.original_points for f in features], dtype=float)
        summed = calibrate.scores(
            con, model, features, decays, fit_columns, points, "at_months"
        )
        assert summed.tolist() == pytest.approx(scores.tolist())
        keys = con.execute(
            "select lead_id, score_date from at_months order by row_number"
        ).fetchall()
        replayed = dict(zip(keys, scores.tolist(), strict=True))
        warehouse = {
            (lead, day): score
            for lead, day, score in con.execute(
                "select lead_id, backtest_date, lead_score"
                " from intermediate.int_leads_scored_for_backtest"
                " where model_id = ?",
                [model_id],
            ).fetchall()
        }
        assert len(warehouse) == 8, warehouse  # B, C, E on 02-01; all on 03-01
        assert replayed[("A", dt.date(2026, 3, 1))] == pytest.approx(
            expected_a[model_id]
        )
        assert {key: pytest.approx(value) for key, value in warehouse.items()} == {
            key: replayed[key] for key in warehouse
        }
        # The entries into hot (from 20) counted for the bands are the
        # warehouse's handoffs up to `until`.
        replay = (model, features, decays, fit_columns)

        def original_at(at: str, replay: tuple = replay) -> np.ndarray:
            matrix = calibrate.feature_matrix(con, *replay, at)
            return calibrate.original_scores(replay[0], replay[1], matrix, {})

        original = np.array([f.original_points or 0 for f in features])
        fading = calibrate.fading(features, decays, original)
        rises = calibrate.score_rises(con, original_at, fading, until)
        ((handoffs,),) = con.execute(
            "select count(*) from marts.fct_handoffs"
            " where model_id = ? and handoff_date <= ?",
            [model_id, until],
        ).fetchall()
        assert handoffs >= 3
        by_decay = con.execute(
            "select handoff_date from marts.fct_handoffs"
            " where model_id = ? and lead_id = 'E'",
            [model_id],
        ).fetchall()
        assert by_decay == [(expected_e[model_id],)]
        assert rises.entries(np.array([20.0])).tolist() == [handoffs]
    con.close()


def test_a_backfill_gives_the_draft_of_an_incremental_load(
    calibrated, tmp_path: Path
) -> None:
    """The same history loaded as it happened (each row an hour after its
    own time) and as one backfill (every row loaded on 2026-05-01, after
    TRAIN_UNTIL): what was known at TRAIN_UNTIL is decided by the events'
    own times, so the drafts are the same, byte for byte, and the same as
    the fixture's (loaded on 2026-01-01, before most events). Read by
    _loaded_at, the backfill had no activity at all."""
    _, seeds, report = calibrated
    incremental = build_signal_project(tmp_path / "incremental", False, backfill=None)
    (late,) = incremental.query(
        "select count(*) from marketing.web_events where _loaded_at > occurred_at"
    )[0]
    assert late > 100
    assert_same_draft(incremental, seeds)
    backfill = build_signal_project(
        tmp_path / "backfill", False, backfill="2026-05-01 06:00:00"
    )
    (loaded,) = backfill.query(
        "select count(*) from intermediate.int_activities_unioned"
        " where loaded_at < timestamp '2026-05-01'"
    )[0]
    assert loaded == 0  # nothing was in the warehouse by TRAIN_UNTIL
    assert_same_draft(backfill, seeds)
    assert "demo: +10 ->" in report  # the rules did match activities


def test_dry_run_prints_the_draft_and_writes_nothing(
    calibrated, tmp_path: Path
) -> None:
    project, written, _ = calibrated
    seeds = tmp_path / "seeds"
    shutil.copytree(project.root / "seeds", seeds)
    before = {path.name: path.read_bytes() for path in seeds.iterdir()}
    os.environ["LEAD_SCORING_DUCKDB"] = str(project.warehouse)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert calibrate.main([*signal_arguments(seeds), "--dry-run", "--quiet"]) == 0
    assert {path.name: path.read_bytes() for path in seeds.iterdir()} == before
    shown = output.getvalue()
    assert "Dry run: nothing written." in shown
    # The rows it prints are the ones a run writes.
    for name in ("activity_rules", "fit_rules", "scoring_models"):
        for row in rows(written / f"{name}.csv", "signal_calibrated"):
            assert row["rule_id" if name != "scoring_models" else "model_id"] in shown


def test_the_report_compares_on_a_chronological_holdout_and_plots(calibrated) -> None:
    """The report gives the AUC of the model, the draft and a plain
    regression on the holdout inside the training leads, and the plot is
    a PNG beside the draft."""
    _, seeds, report = calibrated
    line = next(line for line in report.splitlines() if "holdout: created" in line)
    parent, draft, _ = (float(value) for value in line.split()[-3:])
    assert draft > parent
    assert (seeds / "signal_calibrated.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def build_refusal_project(root: Path) -> Project:
    """120 leads created from 01-01 to 02-28 with titles of no word (D-000,
    A-001, ...); every third one, the D- titles, converts 20 days after it
    was created; no activity. Model `perfect` gives D- titles 10 points:
    it ranks every converted lead first. Model `blind` has rules that
    match nothing."""
    project = make_project(root)
    write_seed(
        project.root,
        "scoring_models",
        "model_id,model_name,description,owner,status,decay_method,decay_days,"
        "decay_pct,min_score,max_score,activated_on",
        [
            "perfect,Perfect,x,qa,active,half_life,30,,,,2026-01-01",
            "blind,Blind,x,qa,active,half_life,30,,,,2026-01-01",
        ],
    )
    write_seed(
        project.root,
        "activity_rules",
        "rule_id,model_id,activity_type,match_key,match_value,"
        "min_duration_seconds,points,category,max_per_day,max_points,decays,"
        "description",
        [
            f"{m}_views,{m},web.page_view,,,,1,engagement,,,true,x"
            for m in ("perfect", "blind")
        ],
    )
    write_seed(
        project.root,
        "score_categories",
        "model_id,category,max_points",
        ["perfect,engagement,", "blind,engagement,"],
    )
    write_seed(
        project.root,
        "fit_rules",
        "rule_id,model_id,attribute,operator,value,points,excludes_lead,description",
        [
            "perfect_d,perfect,job_title,like,d-%,10,false,x",
            "blind_nobody,blind,job_title,like,%nobody%,10,false,x",
        ],
    )
    write_seed(
        project.root,
        "score_groups",
        "model_id,group_name,min_score,max_score,is_sales_ready,sort_order",
        [f"{m},cold,,10,false,1" for m in ("perfect", "blind")]
        + [f"{m},hot,10,,true,2" for m in ("perfect", "blind")],
    )
    write_seed(
        project.root,
        "routing_rules",
        "model_id,group_name,on_event,action,target,sla_hours,description",
        [f"{m},hot,enter,route_to_sales,sdr,24,x" for m in ("perfect", "blind")],
    )
    leads, changes = [], []
    for number in range(120):
        created = dt.date(2026, 1, 1) + dt.timedelta(days=number % 59)
        title = f"{'D' if number % 3 == 0 else 'A'}-{number:03d}"
        leads.append(
            {
                "lead_id": f"R{number:03d}",
                "job_title": title,
                "created_at": at(created, 9),
                "updated_at": at(created, 9),
            }
        )
        if number % 3 == 0:
            changes.append(
                {
                    "lead_id": f"R{number:03d}",
                    "stage": "Sales Qualified",
                    "changed_at": at(created + dt.timedelta(days=20)),
                }
            )
    load_sources(project.warehouse, {"leads": leads, "lead_stage_changes": changes})
    project.build("--vars", AS_OF)
    return project


def test_a_calibration_that_cannot_help_refuses(tmp_path: Path) -> None:
    """No usable feature (`blind`: its rules match nothing, and no activity
    or attribute has a proposed rule's support: the titles have no word,
    the other attributes are missing for all), and a draft no better than
    its model on the chronological holdout (`perfect` already ranks every
    converted lead first: AUC 1 on the holdout, which no draft beats):
    each refuses with a non-zero exit, says why, and writes nothing."""
    project = build_refusal_project(tmp_path / "p")
    os.environ["LEAD_SCORING_DUCKDB"] = str(project.warehouse)
    seeds = project.root / "seeds"
    before = {path.name: path.read_bytes() for path in seeds.iterdir()}
    expected = {
        "blind": "No usable feature for blind up to 2026-04-30",
        "perfect": "perfect_calibrated is no better than perfect on the"
        " chronological holdout",
    }
    for model, message in expected.items():
        with pytest.raises(SystemExit) as refused:
            calibrate.main(
                ["--model", model, "--train-until", TRAIN_UNTIL, "--seeds", str(seeds)]
            )
        assert isinstance(refused.value.code, str), refused.value.code  # exit 1
        assert message in refused.value.code, refused.value.code
        assert refused.value.code.endswith("Nothing written.")
        assert {path.name: path.read_bytes() for path in seeds.iterdir()} == before
    assert "at AUC 1.000, perfect at 1.000" in refused.value.code


def test_big_changes_are_warned_about() -> None:
    """A new decay, the caps and limits the draft drops, and a sign flipped
    on little support (fewer than 100 leads with the rule, or fewer than 10
    of them converted) are each one warning; a flip on enough support is
    not."""
    model = {
        "decay_method": "half_life",
        "decay_days": "30",
        "min_score": "0",
        "max_score": "100",
    }
    chosen = calibrate.Chosen("7", 0.01, 1.0, 0.8, 1000, {"30": 0.7, "7": 0.8})

    def rule(rule_id: str, was: int, now: int) -> calibrate.Feature:
        feature = calibrate.Feature("activity", {"rule_id": rule_id}, False, was)
        feature.points = now
        return feature

    features = [
        rule("few", 10, -5),  # 40 leads with it
        rule("rare", -10, 5),  # 200 leads, 5 of them converted
        rule("solid", 10, -5),  # 200 leads, 20 converted
        rule("kept", 10, 3),
    ]
    matrix = np.zeros((1000, 4))
    matrix[:40, 0] = matrix[:200, 1] = matrix[200:400, 2] = matrix[:, 3] = 1
    outcome = np.zeros(1000, dtype=bool)
    outcome[:5] = outcome[200:220] = True
    for column, feature in enumerate(features):
        feature.support = int((matrix[:, column] > 0).sum())
    warned = calibrate.big_changes(
        model, chosen, features, {"intent": "50", "email": ""}, matrix, outcome
    )
    assert warned == [
        "decay_days 30 -> 7 (half_life): every decaying rule's points now fade"
        " on another clock (cross-validated AUC 0.700 at 30 days, 0.800 at 7).",
        "category caps removed: intent (max_points 50) (the draft has none: a"
        " cap would change what a point means).",
        "score limits removed: min_score 0, max_score 100 (a clamp would tie"
        " the leads it cuts).",
        "few flips from +10 to -5 on little support: 40 training leads, 5 converted.",
        "rare flips from -10 to +5 on little support: 200 training leads, 5 converted.",
    ]


def test_the_holdout_is_the_later_leads_with_the_last_conversions() -> None:
    """Ten converted leads created on days 1 to 10 and ten others on days 1
    to 10: 70 % of the conversions were created by day 7, so the holdout
    is the leads created after it (three converted, three not)."""
    con = duckdb.connect()
    created = [dt.date(2026, 1, day) for day in range(1, 11)] * 2
    con.execute(
        "create temp table training as select * from (values "
        + ", ".join(
            f"('L{number:02d}', date '{day}')" for number, day in enumerate(created)
        )
        + ") as t (lead_id, created_date)"
    )
    outcome = np.array([True] * 10 + [False] * 10)
    split, later = calibrate.holdout_split(con, outcome)
    assert split == dt.date(2026, 1, 7)
    assert later.tolist() == ([False] * 7 + [True] * 3) * 2


def test_proposed_fit_rules_include_the_words_of_a_title() -> None:
    """Titles are free text: 40 "VP Sales" (10 converted), 30 "Sales
    Director" (none), 30 "Analyst" (none). `like %sales%` has 70 leads
    with it and 30 without, 10 converted: proposed, as is `equals vp
    sales`; `%director%` has no converted lead and `vp` is too short a
    word. A proposed rule matches as the warehouse's LIKE does."""
    con = duckdb.connect()
    titles = ["VP Sales"] * 40 + ["Sales Director"] * 30 + ["Analyst"] * 30
    con.execute("create schema marts")
    con.execute(
        "create table marts.dim_leads as select * from (values "
        + ", ".join(f"('L{n:03d}', '{title}')" for n, title in enumerate(titles))
        + ") as t (lead_id, job_title)"
    )
    for column in ("department", "industry", "country", "city", "email_domain"):
        con.execute(f"alter table marts.dim_leads add column {column} varchar")
    con.execute("alter table marts.dim_leads add column company_size integer")
    con.execute("create temp table training as select lead_id from marts.dim_leads")
    outcome = np.zeros(100, dtype=bool)
    outcome[:10] = True
    proposed = {
        (attribute, operator, value): matched
        for attribute, operator, value, matched in calibrate.fit_candidates(
            con, outcome
        )
    }
    assert sorted(proposed) == [
        ("job_title", "equals", "vp sales"),
        ("job_title", "like", "%sales%"),
    ]
    assert (
        proposed[("job_title", "like", "%sales%")].tolist()
        == [True] * 70 + [False] * 30
    )


def candidates_warehouse(
    titles: list[str], cities: list[str | None]
) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse of 200 training leads, L000 to L199, for the
    candidate queries: the leads' titles and cities, no activity yet."""
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.dim_leads (lead_id varchar, job_title varchar,"
        " department varchar, industry varchar, country varchar, city varchar,"
        " email_domain varchar, company_size integer)"
    )
    con.executemany(
        "insert into marts.dim_leads (lead_id, job_title, city) values (?, ?, ?)",
        [
            [f"L{n:03d}", title, city]
            for n, (title, city) in enumerate(zip(titles, cities, strict=True))
        ],
    )
    return con


def test_the_holdout_draft_proposes_rules_from_the_earlier_leads_only() -> None:
    """200 training leads: L000-L099 created in January (before the
    holdout), L100-L199 in March. L000-L039 are "Geschäftsführer" (6 of
    them converted), L100-L139 "Founder" in München (10 converted), the
    others "Analyst" with no city. Among every lead, founder, München,
    a missing city and geschäftsführer have the support (a word of any
    alphabet, not "gesch" and "ftsf"); among the January leads only
    geschäftsführer does: the holdout's outcomes propose nothing the draft
    measured on it has. The same for activities: 40 March leads (10
    converted) viewed /late, 40 January ones (6 converted) /early."""
    titles = ["Geschäftsführer"] * 40 + ["Analyst"] * 60
    titles += ["Founder"] * 40 + ["Analyst"] * 60
    cities = [None] * 100 + ["München"] * 40 + [None] * 60
    con = candidates_warehouse(titles, cities)
    outcome = np.zeros(200, dtype=bool)
    outcome[:6] = outcome[100:110] = True
    january = np.arange(200) < 100
    con.execute(
        "create temp table training as select lead_id,"
        " case when lead_id < 'L100' then date '2026-01-15'"
        " else date '2026-03-15' end as created_date,"
        " lead_id in (select 'L' || lpad(n::varchar, 3, '0') from"
        " (select unnest([0,1,2,3,4,5,100,101,102,103,104,105,106,107,108,109]) as n))"
        " as is_converted from marts.dim_leads"
    )
    assert con.execute(
        "select count(*) from training where is_converted"
    ).fetchone() == (16,)

    def keys(candidates: list) -> list[tuple[str, str, str]]:
        return sorted(candidate[:3] for candidate in candidates)

    every = keys(calibrate.fit_candidates(con, outcome))
    assert every == [
        ("city", "equals", "münchen"),
        ("city", "is_missing", ""),
        ("job_title", "equals", "founder"),
        ("job_title", "equals", "geschäftsführer"),
        ("job_title", "like", "%founder%"),
        ("job_title", "like", "%geschäftsführer%"),
    ]
    assert keys(calibrate.fit_candidates(con, outcome, january)) == [
        ("job_title", "equals", "geschäftsführer"),
        ("job_title", "like", "%geschäftsführer%"),
    ]
    # The matches are over every lead, also when counted among some.
    (_, _, _, matched), _ = calibrate.fit_candidates(con, outcome, january)
    assert np.flatnonzero(matched).tolist() == list(range(40))

    con.execute(
        "create temp table activities as select"
        " 'web:' || lead_id as activity_id, lead_id, 'web.page_view' as activity_type,"
        " case when lead_id < 'L100' then '/early' else '/late' end as activity_key,"
        " null::varchar as activity_value, date '2026-04-20' as counts_from,"
        " true as is_observed"
        " from training where lead_id < 'L040' or lead_id between 'L100' and 'L139'"
    )
    con.execute(
        "create temp table rule_hits (lead_id varchar, rule_id varchar,"
        " activity_id varchar, is_observed boolean)"
    )
    every, pool = calibrate.activity_candidates(
        con, dt.date(2026, 4, 30), dt.date(2026, 1, 31)
    )
    # Every lead: any page view (80 leads), /early (40, 6 converted), /late
    # (40, 10). The January leads: the page views are the /early ones, one
    # rule (the broader kept).
    assert every == [
        ("web.page_view", None, None),
        ("web.page_view", "/early", None),
        ("web.page_view", "/late", None),
    ]
    assert pool == [("web.page_view", None, None)]
    # Without a split, both lists are every lead's.
    assert calibrate.activity_candidates(con, dt.date(2026, 4, 30)) == (every, every)


def test_the_search_keeps_enough_of_a_rare_outcome_for_its_folds() -> None:
    """20,000 leads, 5 converted: a sample of 10,000 at the same share kept
    2 or 3 of them, too few for 3 folds (scikit-learn raised). Every
    converted lead is kept, and half of the others."""
    outcome = np.zeros(20_000, dtype=bool)
    outcome[[10, 4_000, 9_000, 15_000, 19_999]] = True
    rows = calibrate.search_rows(outcome)
    assert outcome[rows].sum() == 5
    assert (~outcome[rows]).sum() == 9_998
    folds = calibrate.folds_of(outcome[rows])
    assert all(outcome[rows][test].any() for _, test in folds)


def test_a_draft_no_better_in_sample_refuses(
    calibrated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft learnt on every training lead must rank them better than
    its model: here the final fit is turned against the outcome (the held
    draft, fitted on fewer leads, is left as it is, so the holdout passes),
    and calibration refuses, says why and writes nothing."""
    project, _, _ = calibrated
    seeds = tmp_path / "seeds"
    shutil.copytree(project.root / "seeds", seeds)
    before = {path.name: path.read_bytes() for path in seeds.iterdir()}
    learnt = calibrate.fit
    drafts = []  # the fits with the prior: the held draft's, then the draft's

    def inverted(matrix, outcome, prior, *rest):
        log_odds, intercept = learnt(matrix, outcome, prior, *rest)
        if prior is None:
            return log_odds, intercept
        drafts.append(len(outcome))
        return (-log_odds if len(drafts) == 2 else log_odds), intercept

    monkeypatch.setattr(calibrate, "fit", inverted)
    os.environ["LEAD_SCORING_DUCKDB"] = str(project.warehouse)
    with pytest.raises(SystemExit) as refused:
        calibrate.main([*signal_arguments(seeds), "--quiet"])
    assert re.search(
        r"signal_calibrated is no better than signal on the training leads: on the"
        rf" \d+ leads created by {TRAIN_UNTIL} \(\d+ converted\) it ranks at"
        r" AUC 0\.[0-4]\d\d, signal at 0\.\d{3}\. Nothing written\.$",
        refused.value.code,
    ), refused.value.code
    assert len(drafts) == 2 and drafts[0] < drafts[1]  # the holdout passed
    assert {path.name: path.read_bytes() for path in seeds.iterdir()} == before


def test_a_model_with_no_rule_and_no_decay_on_sparse_non_ascii_data(
    tmp_path: Path,
) -> None:
    """What a real history may hold, through the source contract: model
    `bare` has no rule at all and decay_method none (its decay_days empty);
    150 leads, most with no activity, titles and cities missing or
    non-ASCII (every third lead is "Geschäftsführer" in "Zürich" and
    converts), one page view before its lead was created, visits whose
    cookie was identified after --train-until, and every _loaded_at the
    same day, after it. The draft proposes the title (its parent scores
    every lead 0: AUC 0.5), keeps no decay, and is written valid."""
    project = make_project(tmp_path / "p")
    write_seed(
        project.root,
        "scoring_models",
        "model_id,model_name,description,owner,status,decay_method,decay_days,"
        "decay_pct,min_score,max_score,activated_on",
        ["bare,Bare,x,qa,active,none,,,,,2026-01-01"],
    )
    write_seed(
        project.root,
        "activity_rules",
        "rule_id,model_id,activity_type,match_key,match_value,"
        "min_duration_seconds,points,category,max_per_day,max_points,decays,"
        "description",
        [],
    )
    write_seed(project.root, "score_categories", "model_id,category,max_points", [])
    write_seed(
        project.root,
        "fit_rules",
        "rule_id,model_id,attribute,operator,value,points,excludes_lead,description",
        [],
    )
    write_seed(
        project.root,
        "score_groups",
        "model_id,group_name,min_score,max_score,is_sales_ready,sort_order",
        ["bare,cold,,10,false,1", "bare,hot,10,,true,2"],
    )
    write_seed(
        project.root,
        "routing_rules",
        "model_id,group_name,on_event,action,target,sla_hours,description",
        ["bare,hot,enter,route_to_sales,sdr,24,x"],
    )
    loaded = "2026-07-01 00:00:00"
    leads, changes, events, identities = [], [], [], []
    for number in range(150):
        created = dt.date(2026, 1, 1) + dt.timedelta(days=number % 59)
        lead = f"N{number:03d}"
        converts = number % 3 == 0
        leads.append(
            {
                "lead_id": lead,
                "job_title": "Geschäftsführer" if converts else None,
                "city": "Zürich" if converts else None,
                "created_at": at(created, 9),
                "updated_at": at(created, 9),
                "_loaded_at": loaded,
            }
        )
        if converts:
            changes.append(
                {
                    "lead_id": lead,
                    "stage": "Sales Qualified",
                    "changed_at": at(created + dt.timedelta(days=20)),
                    "_loaded_at": loaded,
                }
            )
        if number % 10 == 1:  # a visit, its cookie identified after training
            events.append(
                {
                    "event_id": f"v{number}",
                    "visitor_id": f"c{number}",
                    "event_type": "page_view",
                    "page_url": "https://example.com/preise",
                    "occurred_at": at(created),
                    "_loaded_at": loaded,
                }
            )
            identities.append(
                {
                    "visitor_id": f"c{number}",
                    "lead_id": lead,
                    "identified_at": "2026-05-15 10:00:00",
                    "_loaded_at": loaded,
                }
            )
    events.append(  # before its lead was created
        {
            "event_id": "early",
            "visitor_id": "c-early",
            "lead_id": "N050",
            "event_type": "page_view",
            "page_url": "https://example.com/über-uns",
            "occurred_at": "2025-12-01 10:00:00",
            "_loaded_at": loaded,
        }
    )
    load_sources(
        project.warehouse,
        {
            "leads": leads,
            "lead_stage_changes": changes,
            "web_events": events,
            "visitor_identities": identities,
        },
    )
    project.build("--vars", AS_OF)
    os.environ["LEAD_SCORING_DUCKDB"] = str(project.warehouse)
    seeds = project.root / "seeds"
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert (
            calibrate.main(
                ["--model", "bare", "--train-until", TRAIN_UNTIL, "--seeds", str(seeds)]
                + ["--quiet"]
            )
            == 0
        )
    report = output.getvalue()
    assert "decay none - days (unchanged)" in report, report
    holdout = next(line for line in report.splitlines() if "holdout: created" in line)
    assert holdout.split()[-3] == "0.500", holdout  # the parent scores all 0
    (model,) = rows(seeds / "scoring_models.csv", "bare_calibrated")
    assert (model["decay_method"], model["decay_days"]) == ("none", "")
    fit = {
        (row["attribute"], row["operator"], row["value"]): int(row["points"])
        for row in rows(seeds / "fit_rules.csv", "bare_calibrated")
    }
    # The title and the city match the same leads: one of them is proposed.
    assert (
        fit
        == {
            ("job_title", "equals", "geschäftsführer"): fit[
                ("job_title", "equals", "geschäftsführer")
            ]
        }
        and min(fit.values()) > 0
    ), fit
    # No activity was known by TRAIN_UNTIL but the early page view.
    assert rows(seeds / "activity_rules.csv", "bare_calibrated") == []
    assert validate_seeds.validate(seeds) == []
    assert (seeds / "bare_calibrated.png").is_file()


def test_a_warehouse_without_leads_is_named() -> None:
    """An empty marketing.leads builds a warehouse with no score: the
    refusal names the empty table, not a build to run."""
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.fct_lead_scores (scored_as_of date)")
    con.execute("create table marts.dim_leads (lead_id varchar)")
    with pytest.raises(SystemExit) as refused:
        calibrate.warehouse_as_of(con)
    assert refused.value.code == (
        "The warehouse has no lead (marketing.leads was empty when it was built):"
        " nothing to learn from. Nothing written."
    )
    con.execute("insert into marts.dim_leads values ('L1')")
    with pytest.raises(SystemExit) as refused:
        calibrate.warehouse_as_of(con)
    assert refused.value.code == "The warehouse has no scores: run dbt build first."


def test_a_draft_no_better_after_training_is_warned_about() -> None:
    """Four leads after training, two converted: the model ranks them
    perfectly (AUC 1), the draft in reverse (AUC 0): a warning; a draft
    that ranks them perfectly too is no better either; one better is not
    warned about."""
    outcome = np.array([True, True, False, False])
    perfect, reverse = np.array([4.0, 3, 2, 1]), np.array([1.0, 2, 3, 4])
    label = "the 4 leads created after 2026-04-30"
    warned = calibrate.worse_after_training(
        calibrate.Measured(label, outcome, perfect, reverse, reverse),
        "m_calibrated",
        "m",
    )
    assert warned == [
        "m_calibrated is no better than m on the 4 leads created after 2026-04-30"
        " (AUC 0.000 against 1.000): do not activate it on this evidence."
    ]
    same = calibrate.Measured(label, outcome, perfect, perfect, perfect)
    assert len(calibrate.worse_after_training(same, "m_calibrated", "m")) == 1
    better = calibrate.Measured(label, outcome, reverse, perfect, perfect)
    assert calibrate.worse_after_training(better, "m_calibrated", "m") == []
