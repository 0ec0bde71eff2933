-- Part of int_score_state (ephemeral): the rescored leads' points per
-- scored model, activity rule and activity day, fixed and decaying apart,
-- with the day they count from (change_date) and the number of activities
-- awarded points: points dated before the lead existed count from its
-- first day. A lead rescored from a day (rescored_from) has only the
-- points that count from that day: int_score_state carries its rows
-- before it forward.
{{ config(materialized='ephemeral') }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
{%- set window = scoring_window(for_model='int_score_state') %}
with

day_point_leads as (

    select
        lead_id,
        model_id,
        created_date,
        -- Empty when the state is rebuilt (no last run for it): every lead
        -- from its first day, whatever int_leads_rescored kept.
        {{ 'rescored_from' if window.rescore_from is not none
            else 'cast(null as date)' }} as rescored_from
    from {{ ref('int_leads_rescored') }}
    where {{ window.rescored_rows }}

),

matched_points as (

    select
        lead_id,
        model_id,
        rule_id,
        category,
        awarded_points,
        decays,
        activity_date
    from {{ ref('int_activities_matched_to_rules') }}
    where activity_date <= {{ as_of_date() }}

)

select
    points.lead_id,
    points.model_id,
    points.rule_id as component,
    points.category,
    points.activity_date,
    greatest(points.activity_date, day_point_leads.created_date) as change_date,
    sum(
        case when points.decays then 0 else points.awarded_points end
    ) as fixed_points,
    sum(
        case when points.decays then points.awarded_points else 0 end
    ) as decaying_points,
    sum(
        case when points.awarded_points <> 0 then 1 else 0 end
    ) as awarded_activities
from matched_points as points
inner join day_point_leads
    on
        points.lead_id = day_point_leads.lead_id
        and points.model_id = day_point_leads.model_id
where
    day_point_leads.rescored_from is null
    or greatest(points.activity_date, day_point_leads.created_date)
    >= day_point_leads.rescored_from
group by
    points.lead_id,
    points.model_id,
    points.rule_id,
    points.category,
    points.activity_date,
    greatest(points.activity_date, day_point_leads.created_date)
