"""Group transitions and score history checked against brute force: every
lead's score recomputed on every day from the awarded points, following
docs/scoring.md literally (each rule's points rounded to 1e-6, then the
score), and its group changes read off day by day. The models
never score every day; this test does, on a small demo."""

from __future__ import annotations

import datetime as dt
import sys

from conftest import REPO, Project

sys.path.insert(0, str(REPO / "scripts"))
from generate_demo_data import generate  # noqa: E402

AS_OF = dt.date(2026, 10, 31)

DAILY_SCORES = """
with
leads as (
    select lead_id, cast(created_at as date) as created_date
    from staging.stg_marketing__leads
    where cast(created_at as date) <= $as_of
),
models as (
    select * from scoring_model.scoring_models where status in ('active', 'draft')
),
days as (
    select leads.lead_id, models.model_id, cast(day as date) as day
    from leads
    cross join models
    cross join generate_series(leads.created_date, $as_of, interval 1 day) as t(day)
),
activity_days as (
    select distinct lead_id, activity_date
    from intermediate.int_activities_unioned
    where lead_id is not null
),
last_activity as (
    select days.lead_id, days.model_id, days.day, max(activity_days.activity_date) as last_day
    from days
    left join activity_days
        on days.lead_id = activity_days.lead_id and activity_days.activity_date <= days.day
    group by all
),
rules as (
    select days.lead_id, days.model_id, days.day, points.rule_id, points.category,
        round(sum(points.awarded_points * case
            when not points.decays or models.decay_method = 'none' then 1.0
            when models.decay_method = 'half_life'
                then pow(0.5, (days.day - points.activity_date) / models.decay_days)
            else pow(1 - models.decay_pct / 100,
                floor((days.day - last_activity.last_day) / models.decay_days))
        end), 6) as rule_points
    from days
    join models on models.model_id = days.model_id
    join intermediate.int_activities_matched_to_rules as points
        on points.lead_id = days.lead_id and points.model_id = days.model_id
        and points.activity_date <= days.day
    join last_activity
        on last_activity.lead_id = days.lead_id
        and last_activity.model_id = days.model_id
        and last_activity.day = days.day
    group by all
),
decayed as (
    select lead_id, model_id, day, category, sum(rule_points) as category_points
    from rules
    group by all
),
engagement as (
    select decayed.lead_id, decayed.model_id, decayed.day,
        sum(least(decayed.category_points, coalesce(categories.max_points, 1e300)))
            as engagement_points
    from decayed
    left join scoring_model.score_categories as categories using (model_id, category)
    group by all
),
fit as (
    select lead_id, model_id, sum(fit_points) as fit_points
    from intermediate.int_leads_matched_to_fit_rules group by all
),
scored as (
    select days.lead_id, days.model_id, days.day,
        round(greatest(least(
            coalesce(fit.fit_points, 0) + coalesce(engagement.engagement_points, 0),
            coalesce(models.max_score, 1e300)), coalesce(models.min_score, -1e300)), 6)
            as lead_score
    from days
    join models using (model_id)
    left join fit using (lead_id, model_id)
    left join engagement using (lead_id, model_id, day)
)
select scored.*, groups.group_name
from scored
join scoring_model.score_groups as groups
    on groups.model_id = scored.model_id
    and (groups.min_score is null or scored.lead_score >= groups.min_score)
    and (groups.max_score is null or scored.lead_score < groups.max_score)
"""

DAILY_TRANSITIONS = f"""
with daily as ({DAILY_SCORES}),
changes as (
    select *, lag(group_name) over (
        partition by lead_id, model_id order by day) as previous_group
    from daily
)
select lead_id, model_id, day, previous_group, group_name
from changes
where previous_group is null or previous_group <> group_name
order by all
"""


def test_transitions_and_history_match_a_day_by_day_rescoring(project: Project) -> None:
    generate(str(project.warehouse), 150, 60, 11, AS_OF, quiet=True)
    project.build("--vars", f"{{as_of: '{AS_OF}'}}")

    expected = project.query(DAILY_TRANSITIONS.replace("$as_of", f"date '{AS_OF}'"))
    actual = project.query(
        "select lead_id, model_id, transition_date, from_group, to_group"
        " from marts.fct_group_transitions order by all"
    )
    decay_moves = project.query(
        "select count(*) from marts.fct_group_transitions where cause = 'decay'"
    )[0][0]
    assert decay_moves > 20, "the demo should exercise decay"
    assert actual == expected

    mismatched_history = project.query(
        f"""
        with daily as ({DAILY_SCORES.replace("$as_of", f"date '{AS_OF}'")})
        select count(*)
        from daily
        join marts.fct_score_history as history
            on history.lead_id = daily.lead_id
            and history.model_id = daily.model_id
            and daily.day >= history.valid_from
            and (history.valid_to is null or daily.day < history.valid_to)
        where history.group_name <> daily.group_name
            or (daily.day = history.valid_from
                and history.entry_score <> daily.lead_score)
        """
    )[0][0]
    assert mismatched_history == 0
