"""The guards (scripts/guards.py) stop a run before it is published when a
loader broke a source table or the run would blank the CRM, and name what
needs a person; seed values never reach SQL text, and a seed that fails
leaves the marts a reader queries as they were.

Data: the hand-made dataset of test_hand_scored.py: leads A-D (D is
created on 03-11, so 3 leads at 2026-03-10), models `hand` and `quiet`,
both active, so the CRM sync has 3 rows per model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, Project, SharedBuilds, failures
from test_hand_scored import hand_built, load_hand_data, web, write_hand_model

sys.path.insert(0, str(REPO / "scripts"))
import guards  # noqa: E402

AS_OF = "{as_of: '2026-03-10'}"
LIMITS = {
    "guard_max_quarantined_share": 0.1,
    "guard_max_new_quarantined_share": 0.2,
    "guard_max_crm_removed_share": 0.05,
    "guard_max_crm_changed_share": 0.25,
}


def published_run(
    project: Project, tmp_path: Path, shared_builds: SharedBuilds
) -> Path:
    """Build as of 03-10 (the hand data's shared build: hand_built) and
    publish: the last good run."""
    hand_built(shared_builds, project.root, "2026-03-10")
    return project.publish(tmp_path / "published.duckdb")


def check(project: Project, published: Path, limits: dict = LIMITS) -> guards.Report:
    """The guards on a copy of the warehouse (dbt in this process holds it)."""
    copy = project.copy(published.parent / "checked")
    return guards.check(copy, published, limits)


def run_guards(project: Project, published: Path, *flags: str):
    return subprocess.run(
        [
            sys.executable,
            REPO / "scripts" / "guards.py",
            "--warehouse",
            project.copy(published.parent / "checked"),
            "--published",
            published,
            *flags,
        ],
        capture_output=True,
        text=True,
    )


def test_a_loader_that_writes_us_dates_stops_the_run_until_it_is_fixed(
    project: Project, tmp_path: Path, shared_builds: SharedBuilds
) -> None:
    """Every lead's created_at as '03/01/2026 09:00 AM': 4 of 4 leads
    quarantined, so every CRM row of both models would be removed. The
    guard names the table, the reason and the share, exits 8, and passes
    only with --allow-mass-change; once the loader is fixed, the run
    passes again, as its rows equal the published ones."""
    published = published_run(project, tmp_path, shared_builds)
    project.query("alter table marketing.leads alter column created_at type varchar")
    project.query(
        "update marketing.leads set created_at = strftime("
        "cast(created_at as timestamp), '%m/%d/%Y %I:%M %p')"
    )
    project.build("--vars", AS_OF)

    report = check(project, published)
    assert (
        "marketing.leads: 4 of 4 (100.0%) rows are quarantined"
        " (uncastable_created_at 4), above guard_max_quarantined_share 10%."
    ) in report.stops
    assert (
        "marts.fct_crm_lead_scores, model hand: the run would remove 3 of 3"
        " (100.0%) of the leads the CRM has, above guard_max_crm_removed_share 5%."
    ) in report.stops
    stopped = run_guards(project, published)
    assert stopped.returncode == guards.STOPPED
    assert "guard: marketing.leads: 4 of 4 (100.0%)" in stopped.stderr
    passed = run_guards(project, published, "--allow-mass-change")
    assert passed.returncode == 0
    assert "guard passed by --allow-mass-change: marketing.leads" in passed.stderr

    project.query(
        "update marketing.leads set created_at = strftime("
        "strptime(created_at, '%m/%d/%Y %I:%M %p'), '%Y-%m-%d %H:%M:%S')"
    )
    project.build("--vars", AS_OF)
    assert check(project, published).stops == []


def test_a_bad_day_of_rows_stops_the_run_though_the_history_is_good(
    project: Project, tmp_path: Path, shared_builds: SharedBuilds
) -> None:
    """9 good web events, then 3 without a visitor_id: 3 of 12 (25%) of all
    rows is under a 30% limit, but 3 of the 3 rows added since the published
    run are quarantined, above 20%."""
    published = published_run(project, tmp_path, shared_builds)
    project.append(
        "web_events",
        [web(f"x{n}", None, "A", "/blog", 5, "2026-03-10 12:00:00") for n in range(3)],
    )
    project.build("--vars", AS_OF)
    report = check(project, published, {**LIMITS, "guard_max_quarantined_share": 0.3})
    assert report.stops == [
        "marketing.web_events: 3 of 3 (100.0%) of the rows added since the"
        " published run are quarantined (missing_required_field 3), above"
        " guard_max_new_quarantined_share 20%."
    ]
    # Under both limits, a warning.
    report = check(
        project,
        published,
        {
            **LIMITS,
            "guard_max_quarantined_share": 0.3,
            "guard_max_new_quarantined_share": 1.0,
        },
    )
    assert report.stops == []
    assert report.warnings == [
        "marketing.web_events: 3 rows quarantined (missing_required_field 3);"
        " they are left out of scoring (staging base_ tables, rpt_data_quality)."
    ]


def test_retiring_a_model_is_a_mass_change_and_a_quiet_day_is_not(
    project: Project, tmp_path: Path, shared_builds: SharedBuilds
) -> None:
    """The next day passes: decay moves scores inside their groups and D is
    new, which no CRM row is. `quiet` retired would remove its 3 rows."""
    published = published_run(project, tmp_path, shared_builds)
    project.build("--vars", "{as_of: '2026-03-11'}")
    assert check(project, published).stops == []

    scoring_models = project.root / "seeds" / "scoring_models.csv"
    scoring_models.write_text(
        scoring_models.read_text().replace(
            "quiet,Quiet model,Inactivity by hand,qa,active",
            "quiet,Quiet model,Inactivity by hand,qa,retired",
        )
    )
    project.build("--vars", "{as_of: '2026-03-11'}")
    report = check(project, published)
    assert [stop.split(":")[0] for stop in report.stops] == [
        "marts.fct_crm_lead_scores, model quiet",
        "marts.fct_crm_lead_scores, model quiet",
    ]
    assert "remove 3 of 3 (100.0%)" in report.stops[0]
    assert "(3 removed, 0 moved)" in report.stops[1]


def test_unmapped_stages_and_rules_that_match_nothing_are_named(
    project: Project, tmp_path: Path
) -> None:
    """'Demo Booked' is not in pipeline_stages (2 changes); rule `ghost`
    looks for web.video_play, which nobody did."""
    write_hand_model(project)
    rules = project.root / "seeds" / "activity_rules.csv"
    rules.write_text(
        rules.read_text()
        + "ghost,hand,web.video_play,,,,5,engagement,,,,Played a video\n"
    )
    load_hand_data(project)
    project.append(
        "lead_stage_changes",
        [
            {"lead_id": "A", "stage": "Demo Booked", "changed_at": "2026-03-05"},
            {"lead_id": "B", "stage": "Demo Booked", "changed_at": "2026-03-06"},
        ],
    )
    project.build("--vars", AS_OF)
    report = check(project, tmp_path / "none.duckdb")
    assert report.stops == []
    assert report.warnings == [
        "crm.lead_stage_changes: the CRM stage 'Demo Booked' (2 changes) is not"
        " in seeds/pipeline_stages.csv; those changes are left out of the funnel,"
        " the handoffs and the SLAs.",
        "seeds/activity_rules.csv: model 'hand': rule 'ghost' matches no"
        " activity; check activity_type and match_key.",
    ]
    assert project.query(
        "select row_count from marts.rpt_data_quality"
        " where issue = 'unmapped_crm_stage'"
    ) == [(2,)]


def test_a_model_id_with_a_quote_is_data_not_sql(project: Project) -> None:
    """`quiet` renamed o'quiet in every seed: the first run and the next,
    which compares the seeds with the last run's, both build and score it."""
    write_hand_model(project)
    for seed in (project.root / "seeds").glob("*.csv"):
        seed.write_text(seed.read_text().replace("quiet,", '"o\'quiet",'))
    load_hand_data(project)
    project.build("--vars", AS_OF)
    project.build("--vars", "{as_of: '2026-03-11'}")
    assert project.query(
        "select count(*), bool_and(not is_model_rescored) from marts.rpt_scoring_runs"
        " where model_id = 'o''quiet' and as_of = '2026-03-11'"
    ) == [(1, True)]
    assert project.query(
        "select count(*) from marts.fct_lead_scores where model_id = 'o''quiet'"
    ) == [(4,)]


def test_a_seed_that_fails_to_load_or_to_test_leaves_the_ledger_as_it_was(
    project: Project, shared_builds: SharedBuilds
) -> None:
    """A rule's description edited beside a duplicate rule id (the seed's
    unique test fails), then points 'ten' (the seed does not load): the
    build fails and every mart, the points ledger view included, is the
    last good build's."""
    hand_built(shared_builds, project.root, "2026-03-10")
    before = project.marts()
    rules = project.root / "seeds" / "activity_rules.csv"
    good = rules.read_text()

    rules.write_text(
        good.replace("Viewed pricing", "Looked at prices")
        + "page,quiet,web.page_view,,,,1,intent,,,,Duplicate id\n"
    )
    result = project.dbt("build", "--vars", AS_OF)
    assert not result.success
    assert "unique" in failures(result)
    assert project.marts() == before

    rules.write_text(good.replace(",10,intent,,20,", ",ten,intent,,20,"))
    result = project.dbt("build", "--vars", AS_OF)
    assert not result.success
    assert project.marts() == before
