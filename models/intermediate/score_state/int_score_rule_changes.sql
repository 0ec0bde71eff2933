-- Part of int_score_state (ephemeral): each rescored lead's activity
-- rules per scored model on each day their points change, with the
-- running fixed and decaying points and count of activities awarded
-- points, valid to the rule's next change, summed over the points
-- int_score_day_points gives (from the lead's first day, or from
-- rescored_from: int_score_state adds them to the rows it carries
-- forward). decaying_from is empty while no day had decaying points.
{{ config(materialized='ephemeral') }}
with

day_points as (

    select
        lead_id,
        model_id,
        component,
        category,
        activity_date,
        change_date,
        fixed_points,
        decaying_points,
        awarded_activities
    from {{ ref('int_score_day_points') }}

),

half_life_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct
    from {{ ref('scoring_models') }}
    where decay_method = 'half_life'

),

daily_points as (

    select
        lead_id,
        model_id,
        component,
        category,
        change_date,
        sum(fixed_points) as fixed_points,
        sum(decaying_points) as decaying_points,
        sum(awarded_activities) as awarded_activities,
        -- The latest activity day whose decaying points do not cancel out.
        max(case when decaying_points <> 0 then activity_date end)
            as decaying_from
    from day_points
    group by lead_id, model_id, component, category, change_date

),

component_sums as (

    select
        lead_id,
        model_id,
        component,
        category,
        change_date,
        sum(fixed_points) over (
            partition by lead_id, model_id, component
            order by change_date
            rows between unbounded preceding and current row
        ) as fixed_points,
        sum(decaying_points) over (
            partition by lead_id, model_id, component
            order by change_date
            rows between unbounded preceding and current row
        ) as undecayed_points,
        sum(awarded_activities) over (
            partition by lead_id, model_id, component
            order by change_date
            rows between unbounded preceding and current row
        ) as awarded_activities,
        max(decaying_from) over (
            partition by lead_id, model_id, component
            order by change_date
            rows between unbounded preceding and current row
        ) as decaying_from,
        lead(change_date) over (
            partition by lead_id, model_id, component
            order by change_date
        ) as valid_to
    from daily_points

),

-- Half-life points at the end of decaying_from, each day's points decayed
-- from their own day: exact where the hand computation is, and finite
-- however old (see the macro decay_factor).
half_life_points as (

    select
        sums.lead_id,
        sums.model_id,
        sums.component,
        sums.decaying_from,
        sum(
            day_points.decaying_points * {{ decay_factor(
                dbt.datediff(
                    'day_points.activity_date', 'sums.decaying_from', 'day'
                ),
                'null',
            ) }}
        ) as decaying_points
    from (
        select distinct
            lead_id,
            model_id,
            component,
            decaying_from
        from component_sums
    ) as sums
    inner join half_life_models as scoring_models
        on sums.model_id = scoring_models.model_id
    inner join day_points
        on
            sums.lead_id = day_points.lead_id
            and sums.model_id = day_points.model_id
            and sums.component = day_points.component
            and sums.decaying_from >= day_points.activity_date
    group by
        sums.lead_id,
        sums.model_id,
        sums.component,
        sums.decaying_from

)

select
    component_sums.lead_id,
    component_sums.model_id,
    component_sums.component,
    component_sums.category,
    component_sums.change_date,
    component_sums.fixed_points,
    coalesce(
        half_life_points.decaying_points, component_sums.undecayed_points
    ) as decaying_points,
    component_sums.decaying_from,
    component_sums.awarded_activities,
    component_sums.valid_to
from component_sums
left join half_life_points
    on
        component_sums.lead_id = half_life_points.lead_id
        and component_sums.model_id = half_life_points.model_id
        and component_sums.component = half_life_points.component
        and component_sums.decaying_from = half_life_points.decaying_from
