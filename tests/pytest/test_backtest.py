"""rpt_model_backtest on a hand-made history, every number worked by hand.

Model `bt`: no decay, a page view is worth 1 point, cold below 5, hot
(sales-ready) from 5 to 100, top (sales-ready) from 100, which no lead
reaches. backtest_window_days 30, as_of 2026-03-20: the month-starts are
2026-02-01 and 2026-03-01 (January 1 is before the first lead). The
scores are those at the end of the day; the window is the 30 days after
it.

Leads L1..L10 are created on 2026-01-05 and view 9, 8, ..., 1, 0 pages in
January: on 02-01 they score 9..0. L1, L4 and L9 reach Sales Qualified in
February (in the window 02-02 to 03-03); L2 on 03-10. F is created on
01-05 and accepted by sales on 01-20: in the CRM before both days, out.
H is created on 01-05, views 9 pages on 01-10 and qualifies on 02-01
itself: in the CRM on the day, out (its score that evening already holds
what sales did that day). G is created on 02-05 and views 6 pages on
02-06: a handoff into hot.

02-01, 10 leads. Ranks of the scores, lowest first: L10 1, L9 2, ..., L1
10. Converted L1, L4, L9: rank sum 10 + 7 + 2 = 19, AUC = (19 - 3 * 4 / 2)
/ (3 * 7) = 13 / 21. The top decile (ntile of 10) is L1 alone, converted:
lift 1 / (3 / 10) = 10 / 3. hot: L1..L5, 2 converted (L1, L4); cold:
L6..L10, 1 converted (L9); top: no lead, 0 converted, no conversion rate,
no handoff: 0 a week. Handoffs into hot in the window: G's, 1 in 30 days:
7 / 30 a week.

03-01: L1, L4 and L9 moved in the CRM before it: out; 8 leads (L2, L3,
L5..L8, L10 and G scoring 6). L2 converts and scores highest: AUC 1. Eight
leads have no tenth decile: no lift. The window runs past as_of (its last
day 03-31): incomplete; no handoff in its 19 days up to as_of.
"""

from __future__ import annotations

import pytest
from conftest import Project, load_sources, write_seed

VARS = "{as_of: '2026-03-20', backtest_window_days: 30}"


def write_backtest_model(project: Project) -> None:
    write_seed(
        project.root,
        "scoring_models",
        "model_id,model_name,description,owner,status,decay_method,decay_days,"
        "decay_pct,min_score,max_score,activated_on",
        ["bt,Backtest,By hand,qa,active,none,,,,,2026-01-01"],
    )
    write_seed(
        project.root,
        "activity_rules",
        "rule_id,model_id,activity_type,match_key,match_value,"
        "min_duration_seconds,points,category,max_per_day,max_points,decays,"
        "description",
        ["bt_view,bt,web.page_view,,,,1,engagement,,,,A page view"],
    )
    write_seed(
        project.root,
        "score_categories",
        "model_id,category,max_points",
        ["bt,engagement,"],
    )
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
        ["bt,cold,,5,false,1", "bt,hot,5,100,true,2", "bt,top,100,,true,3"],
    )
    write_seed(
        project.root,
        "routing_rules",
        "model_id,group_name,on_event,action,target,sla_hours,description",
        ["bt,hot,enter,route_to_sales,sdr,24,Call hot leads"],
    )


def views(lead: str, count: int, day: str) -> list[dict]:
    return [
        {
            "event_id": f"{lead}-{number}",
            "visitor_id": f"v{lead}",
            "lead_id": lead,
            "event_type": "page_view",
            "page_url": f"/page{number}",
            "occurred_at": f"{day} 10:00:00",
        }
        for number in range(count)
    ]


def lead(lead_id: str, created: str) -> dict:
    return {
        "lead_id": lead_id,
        "created_at": f"{created} 09:00:00",
        "updated_at": f"{created} 09:00:00",
    }


def stage(lead_id: str, name: str, day: str) -> dict:
    return {"lead_id": lead_id, "stage": name, "changed_at": f"{day} 12:00:00"}


@pytest.fixture
def backtest(project: Project) -> dict[tuple[str, str], tuple]:
    write_backtest_model(project)
    leads = [lead(f"L{n}", "2026-01-05") for n in range(1, 11)]
    web = [row for n in range(1, 11) for row in views(f"L{n}", 10 - n, "2026-01-10")]
    load_sources(
        project.warehouse,
        {
            "leads": [
                *leads,
                lead("F", "2026-01-05"),
                lead("G", "2026-02-05"),
                lead("H", "2026-01-05"),
            ],
            "web_events": [
                *web,
                *views("F", 3, "2026-01-10"),
                *views("G", 6, "2026-02-06"),
                *views("H", 9, "2026-01-10"),
            ],
            "lead_stage_changes": [
                stage("L1", "Sales Qualified", "2026-02-10"),
                stage("L4", "Sales Qualified", "2026-02-15"),
                stage("L9", "Sales Qualified", "2026-02-20"),
                stage("L2", "Sales Qualified", "2026-03-10"),
                stage("F", "Sales Accepted", "2026-01-20"),
                stage("H", "Sales Qualified", "2026-02-01"),
            ],
        },
    )
    project.build("--vars", VARS)
    rows = project.query(
        "select cast(backtest_date as varchar), group_name, leads, converted_leads,"
        " auc, top_decile_lift, group_leads, group_converted_leads,"
        " group_conversion_rate, handoffs_per_week, is_sales_ready,"
        " is_window_complete, cast(window_end_date as varchar), model_status"
        " from marts.rpt_model_backtest where model_id = 'bt'"
    )
    return {(row[0], row[1]): row[2:] for row in rows}


def test_backtest_by_hand(backtest: dict[tuple[str, str], tuple]) -> None:
    assert sorted(backtest) == [
        ("2026-02-01", "cold"),
        ("2026-02-01", "hot"),
        ("2026-02-01", "top"),
        ("2026-03-01", "cold"),
        ("2026-03-01", "hot"),
        ("2026-03-01", "top"),
    ]
    leads, converted, auc, lift, *_, end, status = backtest[("2026-02-01", "hot")]
    assert (leads, converted, status, end) == (10, 3, "active", "2026-03-03")
    assert backtest[("2026-02-01", "top")][:2] == (10, 3)
    assert auc == pytest.approx(13 / 21, abs=1e-12)
    assert lift == pytest.approx(10 / 3, abs=1e-12)
    assert backtest[("2026-02-01", "hot")][4:10] == (
        5,
        2,
        pytest.approx(2 / 5),
        pytest.approx(7 / 30),
        True,
        True,
    )
    assert backtest[("2026-02-01", "cold")][4:10] == (
        5,
        1,
        pytest.approx(1 / 5),
        None,
        False,
        True,
    )
    leads, converted, auc, lift = backtest[("2026-03-01", "hot")][:4]
    assert (leads, converted, auc, lift) == (8, 1, 1.0, None)
    # hot on 03-01: L2 (8), L3 (7), G (6), L5 (5); L2 converted.
    assert backtest[("2026-03-01", "hot")][4:10] == (4, 1, 0.25, 0.0, True, False)
    assert backtest[("2026-03-01", "cold")][4:6] == (4, 0)
    # The group no lead is in, on both days: its row, nothing in it.
    for day in ("2026-02-01", "2026-03-01"):
        assert backtest[(day, "top")][4:9] == (0, 0, None, 0.0, True)
