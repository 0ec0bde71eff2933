"""Routing actions, handoffs, the feedback loop and model performance on the
hand-made dataset of test_hand_scored.py, scored as of 2026-03-20, with a
few more leads and CRM stage changes. Every number below is worked by hand.

Models: `hand` (active, half life 10 days, hot >= 50), `quiet` (active,
inactivity, a demo request is worth 60, hot >= 50) and `shadow` (draft, no
decay, a demo request is worth 60, hot >= 50).
Routing: `hand` hot enter -> route_to_sales in 24 h, hot exit -> recycle;
`quiet` hot enter -> route_to_sales in 8 h; `shadow` hot enter ->
route_to_sales (never routed: a draft).
A transition is known at the end of its day; the SLA runs from then.

A (hand): hot on 03-10 (known 03-11 00:00, due 03-12 00:00). Sales accepts
  on 03-11 10:00 (met), recycles it on 03-16. A decays out of hot on 03-18.
  Under quiet (due 03-11 08:00) the same answer is late: breached.
F (created 03-05, Director in the US: fit 15): demo request and a budget
  answer on 03-05: 15 + 40 = 55, hot. Then 15 + 40 * 0.5 ^ (t / 10): 52.3 on
  03-06, 49.8 on 03-07: warm (decay). Sales accepts on 03-09 12:00, after
  the 24 h (due 03-07 00:00): breached.
E (created 03-19, fit 15): demo request and budget answer on 03-20: hot,
  due 03-22 00:00 (hand) and 03-21 08:00 (quiet), both after the end of
  as_of: open. Its acceptance on 03-21 is after as_of and does not count.
C is excluded under `hand` (never routed there), not under `quiet`: hot on
  03-10 and no answer: breached.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Project, SharedBuilds, write_seed
from test_hand_scored import hand_built, load_hand_data, write_hand_model

AS_OF = "{as_of: '2026-03-20'}"


def add_models(project: Project) -> None:
    write_seed(
        project.root,
        "scoring_models",
        "model_id,model_name,description,owner,status,decay_method,decay_days,"
        "decay_pct,min_score,max_score,activated_on",
        [
            "hand,Hand model,Worked by hand,qa,active,half_life,10,,0,100,2026-01-01",
            "quiet,Quiet model,Inactivity by hand,qa,active,inactivity,7,50,,,2026-01-01",
            "shadow,Shadow model,A draft,qa,draft,none,,,,,2026-01-01",
        ],
    )
    rules = (project.root / "seeds" / "activity_rules.csv").read_text()
    (project.root / "seeds" / "activity_rules.csv").write_text(
        rules + "shadow_demo,shadow,form.submit,demo-request,,,60,intent,,,,Demo\n"
    )
    categories = (project.root / "seeds" / "score_categories.csv").read_text()
    (project.root / "seeds" / "score_categories.csv").write_text(
        categories + "shadow,intent,\n"
    )
    groups = (project.root / "seeds" / "score_groups.csv").read_text()
    (project.root / "seeds" / "score_groups.csv").write_text(
        groups + "shadow,cold,,50,false,1\nshadow,hot,50,,true,2\n"
    )
    write_seed(
        project.root,
        "routing_rules",
        "model_id,group_name,on_event,action,target,sla_hours,description",
        [
            "hand,hot,enter,route_to_sales,sdr,24,Call hot leads",
            "hand,hot,exit,recycle,nurture,,Back to nurture",
            "quiet,hot,enter,route_to_sales,ae,8,Call within a working day",
            "shadow,hot,enter,route_to_sales,sdr,1,A draft is never routed",
        ],
    )


def lead(lead_id: str, job_title: str, country: str, created_at: str) -> dict:
    return {
        "lead_id": lead_id,
        "email": f"{lead_id.lower()}@acme.com",
        "job_title": job_title,
        "country": country,
        "created_at": created_at,
        "updated_at": created_at,
    }


def demo_request(submission_id: str, lead_id: str, submitted_at: str) -> dict:
    return {
        "submission_id": submission_id,
        "lead_id": lead_id,
        "form_id": "demo-request",
        "submitted_at": submitted_at,
    }


def stage(lead_id: str, crm_stage: str, changed_at: str) -> dict:
    return {"lead_id": lead_id, "stage": crm_stage, "changed_at": changed_at}


@pytest.fixture(scope="module")
def routed(
    tmp_path_factory: pytest.TempPathFactory, shared_builds: SharedBuilds
) -> Project:
    """One build shared by the tests of this module (they only read)."""
    return routed_copy(shared_builds, tmp_path_factory.mktemp("routing"))


def routed_copy(shared_builds: SharedBuilds, root: Path) -> Project:
    """A copy in root of the dataset of this module's docstring, built as of
    2026-03-20 once a run (the dashboard's tests read it too)."""
    return shared_builds.project("routed", build_routed, root)


def build_routed(project: Project) -> None:
    """The dataset of this module's docstring, built as of 2026-03-20."""
    write_hand_model(project)
    add_models(project)
    load_hand_data(project)
    project.append(
        "leads",
        [
            lead("E", "Director", "US", "2026-03-19 09:00:00"),
            lead("F", "Director", "US", "2026-03-05 09:00:00"),
            lead("G", "Analyst", "FR", "2026-03-02 09:00:00"),
        ],
    )
    project.append(
        "form_submissions",
        [
            demo_request("sE", "E", "2026-03-20 10:00:00"),
            demo_request("sF", "F", "2026-03-05 10:00:00"),
        ],
    )
    project.append(
        "form_answers",
        [
            {"submission_id": s, "question_id": "budget", "answer": "over_100k"}
            for s in ("sE", "sF")
        ],
    )
    project.append(
        "lead_stage_changes",
        [
            stage("A", "Sales Accepted", "2026-03-11 10:00:00"),
            stage("A", "Recycled", "2026-03-16 09:00:00"),
            stage("F", "Sales Accepted", "2026-03-09 12:00:00"),
            stage("E", "Sales Accepted", "2026-03-21 09:00:00"),
            stage("D", "Sales Qualified", "2026-03-15 09:00:00"),
        ],
    )
    project.build("--vars", AS_OF)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_sla_met_breached_and_open(routed: Project) -> None:
    actions = routed.query(
        "select model_id, lead_id, action, cast(transition_date as varchar),"
        " sla_status, due_at, responded_at, responded_funnel_stage"
        " from marts.fct_routing_actions order by all"
    )
    assert actions == [
        ("hand", "A", "recycle", "2026-03-18", "not_applicable", None, None, None),
        (
            "hand",
            "A",
            "route_to_sales",
            "2026-03-10",
            "met",
            at("2026-03-12 00:00"),
            at("2026-03-11 10:00"),
            "sal",
        ),
        (
            "hand",
            "E",
            "route_to_sales",
            "2026-03-20",
            "open",
            at("2026-03-22 00:00"),
            None,
            None,
        ),
        ("hand", "F", "recycle", "2026-03-07", "not_applicable", None, None, None),
        (
            "hand",
            "F",
            "route_to_sales",
            "2026-03-05",
            "breached",
            at("2026-03-07 00:00"),
            at("2026-03-09 12:00"),
            "sal",
        ),
        (
            "quiet",
            "A",
            "route_to_sales",
            "2026-03-10",
            "breached",
            at("2026-03-11 08:00"),
            at("2026-03-11 10:00"),
            "sal",
        ),
        (
            "quiet",
            "C",
            "route_to_sales",
            "2026-03-10",
            "breached",
            at("2026-03-11 08:00"),
            None,
            None,
        ),
        (
            "quiet",
            "E",
            "route_to_sales",
            "2026-03-20",
            "open",
            at("2026-03-21 08:00"),
            None,
            None,
        ),
        (
            "quiet",
            "F",
            "route_to_sales",
            "2026-03-05",
            "breached",
            at("2026-03-06 08:00"),
            at("2026-03-09 12:00"),
            "sal",
        ),
    ]


def test_hot_lead_rejected_by_sales_and_recycled(routed: Project) -> None:
    """A: handed off on 03-10, accepted a day later, recycled by sales after
    six days; its decay out of hot on 03-18 triggers the recycle action
    (in the test above)."""
    handoff = routed.query(
        "select handoff_score, has_reached_sal, has_reached_sql, is_rejected,"
        " days_to_sal, days_to_rejected from marts.fct_handoffs"
        " where lead_id = 'A' and model_id = 'hand'"
    )
    assert handoff == [(59.5, True, False, True, 1, 6)]


def test_handoff_cohort_shares_and_lift(routed: Project) -> None:
    """`hand`, March, hot: A, F and E handed off. Reached sal: A (1 day), F
    (4 days): 2 / 3, median 2.5 days; none reached sql; A was rejected: 1 / 3.
    Never handed off, created in March, not excluded: D (qualified on 03-15)
    and G (no CRM record): sal 1 / 2, sql 1 / 2. Lift: sal (2 / 3) / (1 / 2)
    = 4 / 3, sql 0. The draft `shadow` reports the handoffs it would have
    made: A, C, E, F."""
    rows = routed.query(
        "select model_id, model_status, group_name, cast(cohort_month as varchar),"
        " handoffs, sal_share, sql_share, rejected_share, median_days_to_sal,"
        " baseline_leads, baseline_sal_share, baseline_sql_share, sal_lift, sql_lift"
        " from marts.rpt_handoff_funnel where model_id in ('hand', 'shadow')"
        " order by model_id"
    )
    assert rows[0] == pytest.approx(
        ("hand", "active", "hot", "2026-03-01", 3, 2 / 3, 0.0, 1 / 3, 2.5)
        + (2, 0.5, 0.5, 4 / 3, 0.0)
    )
    assert rows[1][:5] == ("shadow", "draft", "hot", "2026-03-01", 4)


def test_model_performance_uses_the_score_before_sales(routed: Project) -> None:
    """`hand`, test period from 2026-01-01, measured through as_of. Leads
    (C excluded) with the score of the day before their first CRM change:
    A 59.5 (03-10), F 15 + 40 * 0.5 ^ 0.3 (03-08), D 15 + 16 * 0.5 ^ 0.3
    (03-14); else on 03-20: E 55, B 0, G 0. Converted (reached sql): D only.
    D outranks B and G, not A, E, F: AUC 2 / 5. The sales-ready leads A and E
    did not convert: precision 0, recall 0."""
    performance = routed.query(
        "select leads, converted_leads, sales_ready_leads, sales_ready_precision,"
        " sales_ready_recall, auc, is_test_period_complete"
        " from marts.rpt_model_performance where model_id = 'hand'"
    )
    assert performance == [(6, 1, 2, 0.0, 0.0, pytest.approx(0.4), False)]
    scores = dict(
        routed.query(
            "select lead_id, lead_score from intermediate.int_leads_scored_for_test_period"
            " where model_id = 'hand'"
        )
    )
    assert scores == pytest.approx(
        {
            "A": 59.5,
            "B": 0.0,
            "D": 15 + 16 * 0.5**0.3,
            "E": 55.0,
            "F": 15 + 40 * 0.5**0.3,
            "G": 0.0,
        }
    )


def test_crm_sync_holds_the_top_reasons(routed: Project) -> None:
    """A under `hand` on 03-20 scores 44.75 (test_hand_scored), shown as 45.
    Its contributions (points of 02-28 at a quarter, of 03-10 at half):
    demo request 30 / 2 = 15; fit Director 10; pricing 10 / 4 + 10 / 2 = 7.5,
    shown as 8; budget 5 and fit North America 5 come next. Drafts are never
    synced."""
    rows = routed.query(
        "select lead_id, email, lead_score, group_name, top_reason_1, top_reason_2,"
        " top_reason_3 from marts.fct_crm_lead_scores"
        " where model_id = 'hand' and lead_id = 'A'"
    )
    assert rows == [
        (
            "A",
            "a@acme.com",
            45,
            "warm",
            "Requested a demo: +15",
            "Director: +10",
            "Viewed pricing (2 times): +8",
        )
    ]
    assert routed.query(
        "select count(*) from marts.fct_crm_lead_scores where model_id = 'shadow'"
    ) == [(0,)]


def test_crm_sync_changed_at_moves_only_with_the_synced_values(
    project: Project, shared_builds: SharedBuilds
) -> None:
    """Run twice for 03-20: nothing changes. Run for 03-21: A decays from
    44.75 to 15 + 2.10 + 25.66 = 42.76, shown 43, and gets a new changed_at;
    B (0, cold, same reasons) keeps its own."""
    hand_built(shared_builds, project.root, "2026-03-20")
    query = (
        "select lead_id, lead_score, changed_at from marts.fct_crm_lead_scores"
        " where model_id = 'hand' order by lead_id"
    )
    first = project.query(query)
    project.run("--vars", AS_OF)
    assert project.query(query) == first
    project.run("--vars", "{as_of: '2026-03-21'}")
    now = {row[0]: row[1:] for row in project.query(query)}
    before = {row[0]: row[1:] for row in first}
    assert now["A"][0] == 43
    assert now["A"][1] > before["A"][1]
    assert now["B"] == before["B"]


def test_crm_sync_cursor_misses_no_change_and_shows_removals(
    project: Project, shared_builds: SharedBuilds
) -> None:
    """Models `hand` and `quiet` are active, with leads A-D. The first run
    gives every row sync_version 1. On 03-21 the rows whose synced values
    changed get version 2: A under `hand` (43, above), not B (0, cold, as
    before) nor any `quiet` row (30 and 15 on both days: whole steps of 7
    days). Then lead B is deleted and `quiet` becomes a draft: B under
    `hand` and every `quiet` row stay as removed rows with empty values and
    version 3; the other rows keep theirs. Neither a run with nothing new
    nor a full refresh moves a version."""
    hand_built(shared_builds, project.root, "2026-03-20")
    values = (
        "select crm_sync_id, lead_score, group_name, top_reason_1, top_reason_2,"
        " top_reason_3 from marts.fct_crm_lead_scores"
    )
    query = (
        "select crm_sync_id, sync_version, is_removed, lead_score, group_name"
        " from marts.fct_crm_lead_scores order by crm_sync_id"
    )
    first = set(project.query(values))
    assert {row[1] for row in project.query(query)} == {1}
    project.run("--vars", "{as_of: '2026-03-21'}")
    changed = {row[0] for row in set(project.query(values)) - first}
    assert "hand:A" in changed
    assert not {"hand:B", "quiet:A", "quiet:B", "quiet:C", "quiet:D"} & changed
    versions = dict(
        project.query("select crm_sync_id, sync_version from marts.fct_crm_lead_scores")
    )
    assert versions == {key: 2 if key in changed else 1 for key in versions}

    project.query("delete from marketing.leads where lead_id = 'B'")
    models = project.root / "seeds" / "scoring_models.csv"
    models.write_text(
        models.read_text().replace(
            "quiet,Quiet model,Inactivity by hand,qa,active",
            "quiet,Quiet model,Inactivity by hand,qa,draft",
        )
    )
    project.build("--vars", "{as_of: '2026-03-21'}")
    rows = project.query(query)
    removed = [row for row in rows if row[2]]
    assert [row[0] for row in removed] == [
        "hand:B",
        "quiet:A",
        "quiet:B",
        "quiet:C",
        "quiet:D",
    ]
    assert {row[1:] for row in removed} == {(3, True, None, None)}
    # A removed row keeps the email only while the lead is in the source.
    assert project.query(
        "select crm_sync_id, email from marts.fct_crm_lead_scores"
        " where crm_sync_id in ('hand:B', 'quiet:A') order by all"
    ) == [("hand:B", None), ("quiet:A", "a@acme.com")]
    kept = {row[0]: row[1] for row in rows if not row[2]}
    assert kept == {key: versions[key] for key in ("hand:A", "hand:C", "hand:D")}
    assert kept["hand:A"] == 2

    project.build("--vars", "{as_of: '2026-03-21'}")
    assert project.query(query) == rows
    project.build("--full-refresh", "--vars", "{as_of: '2026-03-21'}")
    assert project.query(query) == rows


def test_alert_sender_reads_the_built_marts(routed: Project, tmp_path: Path) -> None:
    """A dry run over the last seven days (from 03-14) lists E's two
    route_to_sales actions, with its email, from the published copy."""
    published = routed.publish(tmp_path / "published.duckdb")
    result = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve().parents[2] / "scripts" / "send_alerts.py"),
            "--warehouse",
            str(routed.warehouse),
            "--published",
            str(published),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Dry run: 2 route_to_sales action(s) of the last 7 days")
    sent = [json.loads(line) for line in lines[1:]]
    assert sorted((a["model_id"], a["lead_id"], a["email"]) for a in sent) == [
        ("hand", "E", "e@acme.com"),
        ("quiet", "E", "e@acme.com"),
    ]
