"""Score a small hand-made dataset and compare with numbers worked out by hand.

The scoring model `hand` (seeds written below): half life of 10 days, score
clamped to [0, 100], bands cold < 20 <= warm < 50 <= hot (sales-ready).
Scores are taken at the end of 2026-03-10, so an activity on 2026-02-28 is 10
days old and keeps half its points (0.5 ^ (10 / 10)).

Lead A (Director in the US): fit 10 + 5 = 15.
  Browsed anonymously on 2026-02-28 as cookie vA, identified on 2026-03-01:
    /pricing 300 s, /home 400 s, /about 50 s (page rule: 2 a day, so /about 0)
    engagement: (1 + 1 + time on site 750 s >= 600: 5) * 0.5 = 3.5
    intent: pricing 10 * 0.5 = 5
  On 2026-03-10: /pricing 100 s (page 1, pricing 10: reaches its max 20),
    demo-request form 30, budget answer over_100k 10.
  engagement 3.5 + 1 = 4.5; intent 5 + 10 + 30 + 10 = 55, capped at 40.
  engagement points 4.5 + 40 = 44.5; score 15 + 44.5 = 59.5 -> hot, sales-ready.
Lead B (student, gmail): fit -10.
  email opens 2026-02-08 (30 days: 2 * 0.125 = 0.25) and 2026-02-28 (1.0),
  unsubscribe 2026-02-28 (-20, never decays), download 2026-02-18 (15, never
  decays). engagement 0.25 + 1 + 15 - 20 = -3.75; -13.75 clamped to 0 -> cold.
Lead C (Director at the competitor rival.com): fit 10, excluded.
  2026-03-10: demo-request form known only by its cookie vC (30), a page view
  (1), a download (15). score 56 -> hot, but never sales-ready.
Lead D is created on 2026-03-11: not scored yet.
Cookie vZ is never identified: its /pricing visit is not scored.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Project, SharedBuilds, load_sources, rounded, write_seed


def write_hand_model(project: Project) -> None:
    write_seed(
        project.root,
        "scoring_models",
        "model_id,model_name,description,owner,status,decay_method,decay_days,"
        "decay_pct,min_score,max_score,activated_on",
        [
            "hand,Hand model,Worked by hand,qa,active,half_life,10,,0,100,2026-01-01",
            "quiet,Quiet model,Inactivity by hand,qa,active,inactivity,7,50,,,2026-01-01",
        ],
    )
    write_seed(
        project.root,
        "activity_rules",
        "rule_id,model_id,activity_type,match_key,match_value,min_duration_seconds,"
        "points,category,max_per_day,max_points,decays,description",
        [
            "page,hand,web.page_view,,,,1,engagement,2,,,Viewed a page",
            "pricing,hand,web.page_view,%/PRICING%,,,10,intent,,20,true,Viewed pricing",
            "download,hand,web.asset_download,,,,15,content,,,false,Downloaded",
            "time,hand,web.time_on_site,,,600,5,engagement,,,true,Ten minutes on site",
            "open,hand,email.open,,,,2,email,,,true,Opened an email",
            "demo,hand,form.submit,demo-request,,,30,intent,,,true,Requested a demo",
            "budget,hand,form.answer,budget,over_100k,,10,intent,,,true,Big budget",
            "unsub,hand,email.unsubscribe,,,,-20,negative,,,false,Unsubscribed",
            "quiet_demo,quiet,form.submit,demo-request,,,60,intent,,,,Requested a demo",
        ],
    )
    write_seed(
        project.root,
        "score_categories",
        "model_id,category,max_points",
        [
            "hand,engagement,10",
            "hand,intent,40",
            "hand,content,",
            "hand,email,",
            "hand,negative,",
            "quiet,intent,",
        ],
    )
    write_seed(
        project.root,
        "fit_rules",
        "rule_id,model_id,attribute,operator,value,points,excludes_lead,description",
        [
            "director,hand,job_title,like,%director%,10,false,Director",
            "country,hand,country,in,US|CA,5,false,North America",
            "free_mail,hand,email_domain,in,gmail.com,-10,false,Personal email",
            "rival,hand,email_domain,equals,rival.com,0,true,Competitor",
        ],
    )
    write_seed(
        project.root,
        "score_groups",
        "model_id,group_name,min_score,max_score,is_sales_ready,sort_order",
        [
            "hand,cold,,20,false,1",
            "hand,warm,20,50,false,2",
            "hand,hot,50,,true,3",
            "quiet,cold,,20,false,1",
            "quiet,warm,20,50,false,2",
            "quiet,hot,50,,true,3",
        ],
    )
    write_seed(
        project.root,
        "routing_rules",
        "model_id,group_name,on_event,action,target,sla_hours,description",
        ["hand,hot,enter,route_to_sales,sdr,24,Call hot leads"],
    )


def load_hand_data(project: Project) -> None:
    load_sources(
        project.warehouse,
        {
            "leads": [
                {
                    "lead_id": "A",
                    "email": "a@acme.com",
                    "job_title": "Marketing Director",
                    "country": "US",
                    "created_at": "2026-03-01 09:00:00",
                    "updated_at": "2026-03-01 09:00:00",
                },
                {
                    "lead_id": "B",
                    "email": "b@Gmail.com",
                    "job_title": "Student",
                    "country": "FR",
                    "created_at": "2026-02-01 09:00:00",
                    "updated_at": "2026-02-01 09:00:00",
                },
                {
                    "lead_id": "C",
                    "email": "c@rival.com",
                    "job_title": "IT Director",
                    "created_at": "2026-03-01 09:00:00",
                    "updated_at": "2026-03-01 09:00:00",
                },
                {
                    "lead_id": "D",
                    "email": "d@acme.com",
                    "job_title": "Director",
                    "country": "US",
                    "created_at": "2026-03-11 09:00:00",
                    "updated_at": "2026-03-11 09:00:00",
                },
            ],
            "visitor_identities": [
                {
                    "visitor_id": "vA",
                    "lead_id": "A",
                    "identified_at": "2026-03-01 09:00:00",
                },
                {
                    "visitor_id": "vC",
                    "lead_id": "C",
                    "identified_at": "2026-03-01 09:00:00",
                },
            ],
            "web_events": [
                web("w1", "vA", None, "/pricing", 300, "2026-02-28 10:00:00"),
                web("w2", "vA", None, "/home", 400, "2026-02-28 10:30:00"),
                web("w3", "vA", None, "/about", 50, "2026-02-28 11:00:00"),
                web("w4", "vA", "A", "/pricing", 100, "2026-03-10 08:00:00"),
                web(
                    "w5",
                    "vB",
                    "B",
                    "/ebook",
                    None,
                    "2026-02-18 08:00:00",
                    "asset_download",
                ),
                web("w6", "vC", "C", "/blog", 20, "2026-03-10 08:00:00"),
                web(
                    "w7",
                    "vC",
                    "C",
                    "/paper",
                    20,
                    "2026-03-10 08:05:00",
                    "asset_download",
                ),
                web("w8", "vZ", None, "/pricing", 900, "2026-03-10 08:00:00"),
                web("w9", "vD", "D", "/pricing", 900, "2026-03-11 10:00:00"),
            ],
            "email_events": [
                email("e1", "B", "open", "2026-02-08 10:00:00"),
                email("e2", "B", "open", "2026-02-28 10:00:00"),
                email("e3", "B", "unsubscribe", "2026-02-28 10:05:00"),
            ],
            "form_submissions": [
                {
                    "submission_id": "s1",
                    "lead_id": "A",
                    "visitor_id": "vA",
                    "form_id": "demo-request",
                    "submitted_at": "2026-03-10 09:00:00",
                },
                {
                    "submission_id": "s2",
                    "lead_id": None,
                    "visitor_id": "vC",
                    "form_id": "demo-request",
                    "submitted_at": "2026-03-10 09:00:00",
                },
            ],
            "form_answers": [
                {"submission_id": "s1", "question_id": "budget", "answer": "over_100k"},
            ],
        },
    )


def web(
    event_id, visitor_id, lead_id, path, duration, occurred_at, event_type="page_view"
):
    return {
        "event_id": event_id,
        "visitor_id": visitor_id,
        "lead_id": lead_id,
        "event_type": event_type,
        "page_url": "https://example.com" + path,
        "asset_id": path.strip("/") if event_type == "asset_download" else None,
        "duration_seconds": duration,
        "occurred_at": occurred_at,
    }


def email(event_id, lead_id, event_type, occurred_at):
    return {
        "event_id": event_id,
        "lead_id": lead_id,
        "campaign_id": "c1",
        "email_id": "m1",
        "event_type": event_type,
        "occurred_at": occurred_at,
    }


def hand_built(shared_builds: SharedBuilds, root: Path, as_of: str) -> Project:
    """The hand-made model and data built as of as_of (YYYY-MM-DD) in root:
    write_hand_model, load_hand_data, then dbt build. The build is made once
    a run for each as_of and copied (conftest.SharedBuilds); other modules
    start from it too."""

    def build(project: Project) -> None:
        write_hand_model(project)
        load_hand_data(project)
        project.build("--vars", f"{{as_of: '{as_of}'}}")

    return shared_builds.project(f"hand-{as_of}", build, root)


@pytest.fixture
def hand_project(project: Project, shared_builds: SharedBuilds) -> Project:
    return hand_built(shared_builds, project.root, "2026-03-10")


def scores(project: Project) -> dict[str, tuple]:
    rows = project.query(
        "select lead_id, fit_points, engagement_points, lead_score, group_name,"
        " is_sales_ready, is_excluded from marts.fct_lead_scores"
        " where model_id = 'hand'"
    )
    return {row[0]: row[1:] for row in rows}


def test_scores_match_the_hand_computation(hand_project: Project) -> None:
    assert scores(hand_project) == {
        "A": (15.0, 44.5, 59.5, "hot", True, False),
        "B": (-10.0, -3.75, 0.0, "cold", False, False),
        "C": (10.0, 46.0, 56.0, "hot", False, True),
    }


def test_ledger_explains_the_daily_cap_and_the_lifetime_cap(
    hand_project: Project,
) -> None:
    ledger = hand_project.query(
        "select activity_id, rule_id, rule_points, awarded_points, decayed_points"
        " from marts.fct_points_ledger where lead_id = 'A' and model_id = 'hand'"
        " order by activity_id, rule_id"
    )
    assert ledger == [
        ("answer:s1:budget", "budget", 10, 10, 10.0),
        ("form:s1", "demo", 30, 30, 30.0),
        ("time_on_site:A:2026-02-28", "time", 5, 5, 2.5),
        ("web:w1", "page", 1, 1, 0.5),
        ("web:w1", "pricing", 10, 10, 5.0),
        ("web:w2", "page", 1, 1, 0.5),
        ("web:w3", "page", 1, 0, 0.0),
        ("web:w4", "page", 1, 1, 1.0),
        ("web:w4", "pricing", 10, 10, 10.0),
    ]


def test_anonymous_visits_are_counted_not_scored(hand_project: Project) -> None:
    coverage = hand_project.query(
        "select activities, anonymous_activities, matched_activities, unmatched_activities"
        " from marts.rpt_activity_coverage"
        " where activity_type = 'web.page_view' and model_id = 'hand'"
    )
    # Up to 2026-03-10: w1-w4 and w6 are lead page views, w8 is anonymous;
    # w9 (2026-03-11) is not counted yet.
    assert coverage == [(6, 1, 5, 0)]


def test_scores_as_of_a_later_date_decay(hand_project: Project) -> None:
    """Ten days later every decaying point has halved once more:
    A: engagement (1 + 1 + 5) * 0.25 + 1 * 0.5 = 2.25; intent 10 * 0.25 +
    (10 + 30 + 10) * 0.5 = 27.5; score 15 + 2.25 + 27.5 = 44.75 -> warm.
    D, created on 2026-03-11, is scored now: fit 15, pricing view 900 s on
    2026-03-11 (9 days old): (1 + 10 + 5) * 0.5 ^ 0.9, each rule's points
    rounded to 1e-6 (the page view and time on site are engagement, the
    pricing view intent), then the score."""
    hand_project.build("--vars", "{as_of: '2026-03-20'}")
    now = scores(hand_project)
    assert now["A"] == (15.0, 29.75, 44.75, "warm", False, False)
    x = 0.5**0.9
    assert now["D"][2] == rounded(15 + rounded(x) + rounded(5 * x) + rounded(10 * x))


def transitions(project: Project, lead_id: str, model_id: str) -> list[tuple]:
    return project.query(
        "select cast(transition_date as varchar), from_group, to_group, direction,"
        " cause from marts.fct_group_transitions"
        " where lead_id = ? and model_id = ? order by transition_date",
        [lead_id, model_id],
    )


def test_half_life_decays_out_of_hot_on_the_day_the_score_falls_below(
    hand_project: Project,
) -> None:
    """A under `hand` after 2026-03-10, t days later (r = 0.5 ^ 0.1):
    15 + 4.5 r^t + min(40, 55 r^t). Intent stays capped at 40 while
    55 r^t >= 40 (t <= 4); then the score is 15 + 59.5 r^t, below 50 when
    r^t < 35 / 59.5, t > 7.66: day 8. t = 7 gives 51.63 (hot), t = 8 gives
    49.17 (warm): A leaves hot on 2026-03-18. Rule by rule, rounded to 1e-6
    (docs/scoring.md): page views 2 (02-28) and 1 (03-10), time on site 5,
    pricing 10 and 10, the demo form 30 and the budget answer 10."""
    hand_project.build("--vars", "{as_of: '2026-03-20'}")
    # On 2026-03-01 (created) A's visits of 02-28 count, a day old:
    # 15 + (1 + 1 + 5 + 10) * r = 30.86, warm; by 03-09 still 24.1.
    assert transitions(hand_project, "A", "hand") == [
        ("2026-03-01", None, "warm", "first", "activity"),
        ("2026-03-10", "warm", "hot", "up", "activity"),
        ("2026-03-18", "hot", "warm", "down", "decay"),
    ]
    leaving = hand_project.query(
        "select lead_score from marts.fct_group_transitions"
        " where lead_id = 'A' and model_id = 'hand' and cause = 'decay'"
    )
    old, new = 0.5**1.8, 0.5**0.8
    engagement = rounded(2 * old + new) + rounded(5 * old)
    intent = rounded(10 * old + 10 * new) + rounded(30 * new) + rounded(10 * new)
    assert leaving[0][0] == rounded(15 + engagement + intent)
    assert leaving[0][0] == pytest.approx(15 + 59.5 * 0.5**0.8, abs=2e-6)


def test_inactivity_decays_in_steps_after_the_latest_activity(
    hand_project: Project,
) -> None:
    """`quiet`: a demo request is worth 60, halved for every full 7 days
    since the lead's latest activity. A's latest activity is 2026-03-10:
    60 (hot) until 03-16, 30 (warm) from 03-17, 15 (cold) from 03-24."""
    hand_project.build("--vars", "{as_of: '2026-03-31'}")
    assert transitions(hand_project, "A", "quiet") == [
        ("2026-03-01", None, "cold", "first", "activity"),
        ("2026-03-10", "cold", "hot", "up", "activity"),
        ("2026-03-17", "hot", "warm", "down", "decay"),
        ("2026-03-24", "warm", "cold", "down", "decay"),
    ]
    history = hand_project.query(
        "select group_name, cast(valid_from as varchar), cast(valid_to as varchar),"
        " is_sales_ready from marts.fct_score_history"
        " where lead_id = 'C' and model_id = 'hand' order by valid_from"
    )
    # C under `hand`: 10 (cold) until 2026-03-10, then 10 + 15 (download,
    # never decays) + 31 r^t: hot while r^t >= 25 / 31 (t <= 3), warm from
    # 03-14 (48.49) and never below 25. Hot, but excluded: never sales-ready.
    assert history == [
        ("cold", "2026-03-01", "2026-03-10", False),
        ("hot", "2026-03-10", "2026-03-14", False),
        ("warm", "2026-03-14", None, False),
    ]
