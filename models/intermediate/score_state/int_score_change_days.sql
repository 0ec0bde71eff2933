-- Part of int_score_state (ephemeral): each rescored lead's change days
-- per scored model (its first scored day, a day with new points, and for
-- inactivity decay a day with any activity), each with the latest
-- activity up to it (from rescored_from on; int_score_state takes the
-- later of it and its base row's), valid to the next. A lead rescored
-- from a day (rescored_from) has only the change days from that day on:
-- int_score_state carries its segments before it forward.
{{ config(materialized='ephemeral') }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
{%- set window = scoring_window(for_model='int_score_state') %}
with

change_day_leads as (

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

-- Each lead's first day, and the earliest day a model rescores it from
-- (empty when one rescores it from its first day).
lead_created_dates as (

    select
        lead_id,
        created_date,
        case
            when count(rescored_from) = count(*) then min(rescored_from)
        end as rescored_from
    from change_day_leads
    group by lead_id, created_date

),

inactivity_models as (

    select model_id
    from {{ ref('scoring_models') }}
    where decay_method = 'inactivity'

),

activity_days as (

    select
        activities.lead_id,
        greatest(activities.activity_date, leads.created_date) as change_date,
        max(activities.activity_date) as last_activity_date
    from {{ ref('int_activities_unioned') }} as activities
    inner join lead_created_dates as leads
        on activities.lead_id = leads.lead_id
    where
        activities.activity_date <= {{ as_of_date() }}
        and (
            leads.rescored_from is null
            or greatest(activities.activity_date, leads.created_date)
            >= leads.rescored_from
        )
    group by
        activities.lead_id,
        greatest(activities.activity_date, leads.created_date)

),

change_days as (

    select
        lead_id,
        model_id,
        created_date as change_date
    from change_day_leads
    where rescored_from is null or created_date >= rescored_from
    union
    select
        lead_id,
        model_id,
        change_date
    from {{ ref('int_score_day_points') }}
    union
    select
        activity_days.lead_id,
        change_day_leads.model_id,
        activity_days.change_date
    from activity_days
    inner join change_day_leads
        on activity_days.lead_id = change_day_leads.lead_id
    inner join inactivity_models
        on change_day_leads.model_id = inactivity_models.model_id
    where
        change_day_leads.rescored_from is null
        or activity_days.change_date >= change_day_leads.rescored_from

)

select
    change_days.lead_id,
    change_days.model_id,
    change_days.change_date,
    max(activity_days.last_activity_date) over (
        partition by change_days.lead_id, change_days.model_id
        order by change_days.change_date
        rows between unbounded preceding and current row
    ) as last_activity_date,
    lead(change_days.change_date) over (
        partition by change_days.lead_id, change_days.model_id
        order by change_days.change_date
    ) as valid_to
from change_days
left join activity_days
    on
        change_days.lead_id = activity_days.lead_id
        and change_days.change_date = activity_days.change_date
