"""Scores that land exactly on a band's bound, and decay over long histories.

Every number below is worked out by hand; the scores are as of the end of
2026-06-20. Each model has one rule per form (form.submit, match_key the
form id), no caps, and routes its hot group to sales.

`edge` (half_life, 10 days): cold < 10 <= hot.
  E1, created 06-16, form `ten` (10 points) on 06-20: 10, hot that day.
  E2, created 05-04, form `ten` on 05-31 and `five` (5, never decays) on
  06-03: 10 on 05-31 (hot), 9.33 on 06-01 (cold), 10 * 0.5 ^ 0.3 + 5 =
  13.12 on 06-03 (hot); on 06-10 10 * 0.5 + 5 = 10, still hot; on 06-11
  10 * 0.5 ^ 1.1 + 5 = 9.67, cold; on 06-20 10 * 0.25 + 5 = 7.5.
  C1, created 06-01, `five` on 06-01 and 06-02, form `minus` (-20, same
  category as `ten`) on 06-06 and `ten` on 06-16: 5 (cold), 10 (hot),
  -10 on 06-06 (cold), rising towards 10 without reaching it, and on 06-16
  10 - 20 * 0.5 ^ 1 + 10 = 10 (hot); on 06-20 the two cancel exactly, 10.
`banded` (half_life, 10 days): cold < 10 <= warm < 20 <= hot, a band
  bounded on both sides.
  B1, created 05-17, form `eighty` (80) on 05-21: 20 on 06-10 (hot), 18.66
  on 06-11 (warm), 10 on 06-20: warm, on the lower bound of warm.
`fast` (half_life, 1 day): cold < 10 <= hot. Leads created ten years ago.
  F1, created 2016-06-01, form `forty` (40) on 2026-06-18: 20 on 06-19, 10
  on 06-20: hot.
  F2, created 2016-06-01, form `forty` on 2016-06-02: 40, 20, 10 (hot) on
  2016-06-04, 5 on 06-05 (cold); 40 * 0.5 ^ 3670 today, which is 0 in
  floating point.
`mixed` (half_life, 10 days): cold < 25 <= hot, two categories decaying
  with opposite signs, one capped, so the score first rises, then falls.
  M1, created 06-01, forms `base` (10, never decays), `sixty` (60, category
  intent capped at 30) and `minus` (-20, category negative) on 06-01. With
  x = 0.5 ^ (age / 10): 10 + min(30, 60x) - 20x, 20 on 06-01 (cold); hot
  from x <= 0.75, 06-06 (age 5: 40 - 20 * 0.5 ^ 0.5 = 25.86; age 4:
  24.84); above x = 0.5 it is 10 + 40x, cold again below x = 0.375, 06-16
  (age 15: 10 + 40 * 0.5 ^ 1.5 = 24.14; age 14: 25.16). It starts and ends
  cold: only the search inside the segment finds the two moves.
`quiet` (inactivity, 50% every 7 days): cold < 10 <= hot.
  Q1, created 06-01, form `twenty` (20) on 06-01 and `other` (no points) on
  06-05, its latest activity: 20 until 06-11, 10 (hot) from 06-12, 5 (cold)
  from 06-19.
`precise` (half_life, 10 days): cold < 1.577658 <= hot, two rules of one
  category, 1 point each. Each rule's decayed points are rounded to 1e-6,
  then the score (docs/scoring.md).
  R1, created 06-01, `onea` on 06-18 and `oneb` on 06-15: on 06-20
  round(0.5 ^ 0.2) + round(0.5 ^ 0.5) = 0.870551 + 0.707107 = 1.577658, on
  the bound: hot (the category's sum rounded would be 1.577657, cold); on
  06-21 1.512979: cold.
`fading` (half_life, 1 day): cold < 10 <= hot.
  Z1, created 05-01, `fadekept` (10, never decays) and `fademinus` (-20) on
  05-20: 10 - 20 * 0.5 ^ t after t days, which never reaches 10 by hand;
  rounded, it does once 20 * 0.5 ^ t < 0.0000005: t = 26, 06-15 (t = 25
  gives 9.999999). Z1 moves to hot by decay on 06-15.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from conftest import Project, load_sources, make_project, rounded, write_seed

MODELS = {
    "edge": "half_life,10,",
    "banded": "half_life,10,",
    "fast": "half_life,1,",
    "quiet": "inactivity,7,50",
    "mixed": "half_life,10,",
    "precise": "half_life,10,",
    "fading": "half_life,1,",
}

FORMS = [
    ("E1", "ten", "2026-06-20"),
    ("E2", "ten", "2026-05-31"),
    ("E2", "five", "2026-06-03"),
    ("B1", "eighty", "2026-05-21"),
    ("F1", "forty", "2026-06-18"),
    ("F2", "forty", "2016-06-02"),
    ("Q1", "twenty", "2026-06-01"),
    ("Q1", "other", "2026-06-05"),
    ("C1", "five", "2026-06-01"),
    ("C1", "five", "2026-06-02"),
    ("C1", "minus", "2026-06-06"),
    ("C1", "ten", "2026-06-16"),
    ("M1", "base", "2026-06-01"),
    ("M1", "sixty", "2026-06-01"),
    ("M1", "minus", "2026-06-01"),
    ("R1", "onea", "2026-06-18"),
    ("R1", "oneb", "2026-06-15"),
    ("Z1", "fadekept", "2026-05-20"),
    ("Z1", "fademinus", "2026-05-20"),
]

CREATED = {
    "E1": "2026-06-16",
    "E2": "2026-05-04",
    "B1": "2026-05-17",
    "F1": "2016-06-01",
    "F2": "2016-06-01",
    "Q1": "2026-06-01",
    "I1": "2026-06-01",
    "I2": "2026-06-01",
    "C1": "2026-06-01",
    "M1": "2026-06-01",
    "R1": "2026-06-01",
    "Z1": "2026-05-01",
}

# `in` compares the whole trimmed value with each item of the list
# `software|saas|fin tech` (fit rule of `edge`, 7 points): ' Fin Tech '
# is one of them, 'SaaS|Fin Tech' is none.
INDUSTRIES = {"I1": "SaaS|Fin Tech", "I2": " Fin Tech "}


def write_edge_models(project: Project) -> None:
    write_seed(
        project.root,
        "scoring_models",
        "model_id,model_name,description,owner,status,decay_method,decay_days,"
        "decay_pct,min_score,max_score,activated_on",
        [
            f"{model},{model},Bounds by hand,qa,active,{decay},,,2026-01-01"
            for model, decay in MODELS.items()
        ],
    )
    write_seed(
        project.root,
        "activity_rules",
        "rule_id,model_id,activity_type,match_key,match_value,min_duration_seconds,"
        "points,category,max_per_day,max_points,decays,description",
        [
            "edge_ten,edge,form.submit,ten,,,10,intent,,,true,Ten",
            "edge_five,edge,form.submit,five,,,5,kept,,,false,Five kept",
            "edge_minus,edge,form.submit,minus,,,-20,intent,,,true,Minus",
            "banded_eighty,banded,form.submit,eighty,,,80,intent,,,true,Eighty",
            "fast_forty,fast,form.submit,forty,,,40,intent,,,true,Forty",
            "quiet_twenty,quiet,form.submit,twenty,,,20,intent,,,true,Twenty",
            "mixed_base,mixed,form.submit,base,,,10,kept,,,false,Base",
            "mixed_sixty,mixed,form.submit,sixty,,,60,intent,,,true,Sixty",
            "mixed_minus,mixed,form.submit,minus,,,-20,negative,,,true,Minus",
            "precise_onea,precise,form.submit,onea,,,1,intent,,,true,One A",
            "precise_oneb,precise,form.submit,oneb,,,1,intent,,,true,One B",
            "fading_kept,fading,form.submit,fadekept,,,10,kept,,,false,Kept",
            "fading_minus,fading,form.submit,fademinus,,,-20,intent,,,true,Minus",
        ],
    )
    write_seed(
        project.root,
        "score_categories",
        "model_id,category,max_points",
        [
            "edge,intent,",
            "edge,kept,",
            "banded,intent,",
            "fast,intent,",
            "quiet,intent,",
            "mixed,kept,",
            "mixed,intent,30",
            "mixed,negative,",
            "precise,intent,",
            "fading,kept,",
            "fading,intent,",
        ],
    )
    write_seed(
        project.root,
        "fit_rules",
        "rule_id,model_id,attribute,operator,value,points,excludes_lead,description",
        ["fintech,edge,industry,in,software|saas|fin tech,7,false,Fintech"],
    )
    groups = []
    for model in MODELS:
        if model == "banded":
            groups += [
                "banded,cold,,10,false,1",
                "banded,warm,10,20,false,2",
                "banded,hot,20,,true,3",
            ]
        else:
            bound = {"mixed": 25, "precise": 1.577658}.get(model, 10)
            groups += [
                f"{model},cold,,{bound},false,1",
                f"{model},hot,{bound},,true,2",
            ]
    write_seed(
        project.root,
        "score_groups",
        "model_id,group_name,min_score,max_score,is_sales_ready,sort_order",
        groups,
    )
    write_seed(
        project.root,
        "routing_rules",
        "model_id,group_name,on_event,action,target,sla_hours,description",
        [f"{model},hot,enter,route_to_sales,sdr,24,Call" for model in MODELS],
    )


@pytest.fixture(scope="module")
def edge_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    project = make_project(tmp_path_factory.mktemp("edge") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEAD_SCORING_DUCKDB", str(project.warehouse))
        patch.chdir(project.root)
        build_edge_project(project)
        yield project


def build_edge_project(project: Project) -> None:
    write_edge_models(project)
    load_sources(
        project.warehouse,
        {
            "leads": [
                {
                    "lead_id": lead_id,
                    "email": f"{lead_id.lower()}@acme.com",
                    "industry": INDUSTRIES.get(lead_id),
                    "created_at": f"{created} 08:00:00",
                    "updated_at": f"{created} 08:00:00",
                }
                for lead_id, created in CREATED.items()
            ],
            "form_submissions": [
                {
                    "submission_id": f"{lead_id}-{form_id}-{day}",
                    "lead_id": lead_id,
                    "form_id": form_id,
                    "submitted_at": f"{day} 09:00:00",
                }
                for lead_id, form_id, day in FORMS
            ],
        },
    )
    project.build("--vars", "{as_of: '2026-06-20'}")


def transitions(project: Project, lead_id: str, model_id: str) -> list[tuple]:
    return project.query(
        "select cast(transition_date as varchar), to_group, lead_score"
        " from marts.fct_group_transitions"
        " where lead_id = ? and model_id = ? order by transition_date",
        [lead_id, model_id],
    )


def test_a_score_on_a_lower_bound_is_in_the_upper_group_in_every_mart(
    edge_project: Project,
) -> None:
    assert edge_project.query(
        "select lead_score, group_name, is_sales_ready from marts.fct_lead_scores"
        " where lead_id = 'E1' and model_id = 'edge'"
    ) == [(10.0, "hot", True)]
    assert transitions(edge_project, "E1", "edge") == [
        ("2026-06-16", "cold", 0.0),
        ("2026-06-20", "hot", 10.0),
    ]
    assert edge_project.query(
        "select group_name, cast(valid_from as varchar) from marts.fct_score_history"
        " where lead_id = 'E1' and model_id = 'edge' and valid_to is null"
    ) == [("hot", "2026-06-20")]
    assert edge_project.query(
        "select cast(handoff_date as varchar), handoff_score from marts.fct_handoffs"
        " where lead_id = 'E1' and model_id = 'edge'"
    ) == [("2026-06-20", 10.0)]
    assert edge_project.query(
        "select action, lead_score from marts.fct_routing_actions"
        " where lead_id = 'E1' and model_id = 'edge'"
    ) == [("route_to_sales", 10.0)]
    assert edge_project.query(
        "select group_name, lead_score, is_sales_ready from marts.fct_crm_lead_scores"
        " where lead_id = 'E1' and model_id = 'edge'"
    ) == [("hot", 10, True)]


def test_points_that_cancel_by_hand_cancel_exactly(edge_project: Project) -> None:
    assert transitions(edge_project, "C1", "edge") == [
        ("2026-06-01", "cold", 5.0),
        ("2026-06-02", "hot", 10.0),
        ("2026-06-06", "cold", -10.0),
        ("2026-06-16", "hot", 10.0),
    ]
    assert edge_project.query(
        "select lead_score, group_name from marts.fct_lead_scores"
        " where lead_id = 'C1' and model_id = 'edge'"
    ) == [(10.0, "hot")]
    assert edge_project.query(
        "select sum(decayed_points) from marts.fct_points_ledger"
        " where lead_id = 'C1' and model_id = 'edge' and category = 'intent'"
    ) == [(0.0,)]


def test_decay_onto_a_bound_stays_in_the_upper_group_that_day(
    edge_project: Project,
) -> None:
    e2 = transitions(edge_project, "E2", "edge")
    assert [row[:2] for row in e2] == [
        ("2026-05-04", "cold"),
        ("2026-05-31", "hot"),
        ("2026-06-01", "cold"),
        ("2026-06-03", "hot"),
        ("2026-06-11", "cold"),
    ]
    assert e2[4][2] == rounded(rounded(10 * 0.5**1.1) + 5)
    b1 = transitions(edge_project, "B1", "banded")
    assert [row[:2] for row in b1] == [
        ("2026-05-17", "cold"),
        ("2026-05-21", "hot"),
        ("2026-06-11", "warm"),
    ]
    assert edge_project.query(
        "select model_id, lead_id, lead_score, group_name from marts.fct_lead_scores"
        " where (lead_id, model_id) in (('E2', 'edge'), ('B1', 'banded'))"
        " order by lead_id"
    ) == [("banded", "B1", 10.0, "warm"), ("edge", "E2", 7.5, "cold")]


def test_a_one_day_half_life_is_exact_after_ten_years(edge_project: Project) -> None:
    assert transitions(edge_project, "F1", "fast") == [
        ("2016-06-01", "cold", 0.0),
        ("2026-06-18", "hot", 40.0),
    ]
    assert transitions(edge_project, "F2", "fast") == [
        ("2016-06-01", "cold", 0.0),
        ("2016-06-02", "hot", 40.0),
        ("2016-06-05", "cold", 5.0),
    ]
    assert edge_project.query(
        "select lead_id, lead_score, group_name from marts.fct_lead_scores"
        " where model_id = 'fast' and lead_id like 'F%' order by lead_id"
    ) == [("F1", 10.0, "hot"), ("F2", 0.0, "cold")]
    assert edge_project.query(
        "select lead_id, cast(handoff_date as varchar), handoff_score"
        " from marts.fct_handoffs where model_id = 'fast' order by lead_id"
    ) == [("F1", "2026-06-18", 40.0), ("F2", "2016-06-02", 40.0)]
    state = edge_project.query(
        "select fixed_points, decaying_points from intermediate.int_score_state"
    )
    assert all(math.isfinite(value) for row in state for value in row)


def test_decay_of_opposite_signs_moves_up_then_down_inside_one_segment(
    edge_project: Project,
) -> None:
    m1 = transitions(edge_project, "M1", "mixed")
    assert [row[:2] for row in m1] == [
        ("2026-06-01", "cold"),
        ("2026-06-06", "hot"),
        ("2026-06-16", "cold"),
    ]
    assert m1[0][2] == 20.0
    assert m1[1][2] == rounded(40 + rounded(-20 * 0.5**0.5))
    x = 0.5**1.5
    assert m1[2][2] == rounded(10 + rounded(60 * x) + rounded(-20 * x))
    assert edge_project.query(
        "select lead_score, group_name from marts.fct_lead_scores"
        " where lead_id = 'M1' and model_id = 'mixed'"
    ) == [(rounded(10 + rounded(60 * 0.5**1.9) + rounded(-20 * 0.5**1.9)), "cold")]


def test_inactivity_decays_onto_a_bound_after_the_latest_activity(
    edge_project: Project,
) -> None:
    assert transitions(edge_project, "Q1", "quiet") == [
        ("2026-06-01", "hot", 20.0),
        ("2026-06-19", "cold", 5.0),
    ]


def test_every_mart_places_each_lead_in_the_same_group_on_as_of(
    edge_project: Project,
) -> None:
    disagreements = edge_project.query(
        "select scores.lead_id, scores.model_id, scores.group_name,"
        " history.group_name, crm.group_name"
        " from marts.fct_lead_scores as scores"
        " left join marts.fct_score_history as history"
        "   on scores.lead_id = history.lead_id"
        "   and scores.model_id = history.model_id and history.valid_to is null"
        " left join marts.fct_crm_lead_scores as crm"
        "   on scores.lead_id = crm.lead_id and scores.model_id = crm.model_id"
        " where history.group_name is distinct from scores.group_name"
        "   or crm.group_name is distinct from scores.group_name"
    )
    assert disagreements == []
    assert edge_project.query("select count(*) from marts.fct_lead_scores") == [
        (len(CREATED) * len(MODELS),)
    ]


def test_in_matches_the_whole_value_against_each_item(edge_project: Project) -> None:
    assert edge_project.query(
        "select lead_id, fit_points from marts.fct_lead_scores"
        " where model_id = 'edge' and lead_id like 'I%' order by lead_id"
    ) == [("I1", 0.0), ("I2", 7.0)]


def test_each_rule_is_rounded_then_the_score_so_a_bound_holds_in_every_mart(
    edge_project: Project,
) -> None:
    on_bound = rounded(rounded(0.5**0.2) + rounded(0.5**0.5))
    assert on_bound == 1.577658
    assert rounded(0.5**0.2 + 0.5**0.5) == 1.577657  # not the category's sum
    assert edge_project.query(
        "select lead_score, group_name from marts.fct_lead_scores"
        " where lead_id = 'R1' and model_id = 'precise'"
    ) == [(on_bound, "hot")]
    assert edge_project.query(
        "select group_name, entry_score from marts.fct_score_history"
        " where lead_id = 'R1' and model_id = 'precise' and valid_to is null"
    ) == [("hot", rounded(1 + rounded(0.5**0.3)))]
    assert edge_project.query(
        "select group_name from marts.fct_crm_lead_scores"
        " where lead_id = 'R1' and model_id = 'precise'"
    ) == [("hot",)]
    # The decay move out of hot is the next day, not on the bound's day.
    assert edge_project.query(
        "select cast(transition_date as varchar), to_group, lead_score"
        " from intermediate.int_decay_transitions"
        " where lead_id = 'R1' and model_id = 'precise'"
    ) == [("2026-06-21", "cold", rounded(rounded(0.5**0.3) + rounded(0.5**0.6)))]


def test_a_score_fading_onto_a_bound_reaches_it_when_its_points_round_to_zero(
    edge_project: Project,
) -> None:
    assert rounded(-20 * 0.5**25) == -0.000001
    assert rounded(-20 * 0.5**26) == 0.0
    assert transitions(edge_project, "Z1", "fading") == [
        ("2026-05-01", "cold", 0.0),
        ("2026-06-15", "hot", 10.0),
    ]
    assert edge_project.query(
        "select lead_score, group_name from marts.fct_lead_scores"
        " where lead_id = 'Z1' and model_id = 'fading'"
    ) == [(10.0, "hot")]
