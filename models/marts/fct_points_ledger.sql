-- The explanation of every score: one row per activity and rule that
-- matched it, as of the `as_of` date, with the rule's points, the points
-- awarded after the rule's caps and the points left after decay. A view:
-- the decay moves with as_of, so it is computed when read instead of
-- being written again into every row each run. It reads only tables built
-- by dbt (the seeds through int_activity_rules_with_models, the leads
-- through dim_leads), so a seed that fails to load or fails a test, or a
-- new raw load, leaves it as the last good build had it.
{{ config(materialized='view') }}
with

matched as (

    select
        activity_id,
        lead_id,
        rule_id,
        model_id,
        activity_type,
        category,
        rule_points,
        awarded_points,
        decays,
        is_within_daily_cap,
        activity_date,
        occurred_at
    from {{ ref('int_activities_matched_to_rules') }}
    where activity_date <= {{ as_of_date() }}

),

activities as (

    select
        lead_id,
        activity_date
    from {{ ref('int_activities_unioned') }}
    where lead_id is not null and activity_date <= {{ as_of_date() }}

),

leads as (

    select lead_id
    from {{ ref('dim_leads') }}
    where created_date <= {{ as_of_date() }}

),

-- Named scoring_models for the decay_factor macro.
scoring_models as (

    select
        rule_id,
        rule_description,
        decay_method,
        decay_days,
        decay_pct
    from {{ ref('int_activity_rules_with_models') }}

),

last_activity as (

    select
        lead_id,
        max(activity_date) as last_activity_date
    from activities
    group by lead_id

),

decayed as (

    select
        matched.*,
        scoring_models.rule_description,
        {{ dbt.datediff('matched.activity_date', as_of_date(), 'day') }}
            as age_days,
        case
            when not matched.decays then 1.0
            else {{ decay_factor(
                dbt.datediff('matched.activity_date', as_of_date(), 'day'),
                dbt.datediff(
                    'last_activity.last_activity_date', as_of_date(), 'day'
                ),
            ) }}
        end as decay_factor
    from matched
    inner join leads
        on matched.lead_id = leads.lead_id
    inner join scoring_models
        on matched.rule_id = scoring_models.rule_id
    inner join last_activity
        on matched.lead_id = last_activity.lead_id

),

final as (

    select
        decayed.activity_id,
        decayed.rule_id,
        decayed.lead_id,
        decayed.model_id,
        decayed.category,
        decayed.activity_type,
        decayed.rule_description,
        decayed.rule_points,
        decayed.awarded_points,
        decayed.decay_factor,
        decayed.awarded_points * decayed.decay_factor as decayed_points,
        decayed.age_days,
        decayed.is_within_daily_cap,
        decayed.decays as is_decaying,
        decayed.activity_date,
        {{ as_of_date() }} as scored_as_of,
        decayed.occurred_at
    from decayed

)

select * from final
