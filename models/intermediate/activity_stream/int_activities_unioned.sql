-- The activity stream: every raw marketing event as one activity row, in
-- the shape rules match on (docs/scoring.md). Anonymous web events stay here
-- with a null lead_id so nothing is dropped silently; they are not scored.
-- loaded_at is when the activity reached the warehouse (through a cookie
-- identification or a form submission, the later of the two _loaded_at).
-- A form answer takes its lead and time from its submission.
with

email_events as (

    select
        event_id,
        lead_id,
        campaign_id,
        event_type,
        link_url,
        occurred_at,
        _loaded_at as loaded_at
    from {{ ref('stg_marketing__email_events') }}

),

social_events as (

    select
        event_id,
        lead_id,
        network,
        event_type,
        occurred_at,
        _loaded_at as loaded_at
    from {{ ref('stg_marketing__social_events') }}

),

email_activities as (

    select
        {{ dbt.concat(["'email:'", 'event_id']) }} as activity_id,
        lead_id,
        {{ dbt.concat(["'email.'", 'event_type']) }} as activity_type,
        campaign_id as activity_key,
        link_url as activity_value,
        cast(null as {{ dbt.type_int() }}) as duration_seconds,
        occurred_at,
        loaded_at
    from email_events

),

social_activities as (

    select
        {{ dbt.concat(["'social:'", 'event_id']) }} as activity_id,
        lead_id,
        {{ dbt.concat(["'social.'", 'event_type']) }} as activity_type,
        network as activity_key,
        cast(null as {{ dbt.type_string() }}) as activity_value,
        cast(null as {{ dbt.type_int() }}) as duration_seconds,
        occurred_at,
        loaded_at
    from social_events

),

web_activities as (

    select * from {{ ref('int_web_activities') }}

),

form_activities as (

    select * from {{ ref('int_form_activities') }}

),

unioned as (

    select * from web_activities
    union all
    select * from email_activities
    union all
    select * from form_activities
    union all
    select * from social_activities

),

final as (

    select
        activity_id,
        lead_id,
        activity_type,
        activity_key,
        activity_value,
        duration_seconds,
        cast(occurred_at as date) as activity_date,
        occurred_at,
        loaded_at
    from unioned

)

select * from final
