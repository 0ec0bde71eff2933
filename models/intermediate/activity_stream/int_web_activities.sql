-- The web part of the activity stream (docs/scoring.md): one activity per web
-- event (web.<event_type>), and one web.time_on_site per lead and UTC day
-- with web events, at the day's first event, with the day's total
-- duration. Anonymous events keep a null lead_id.
{{ config(materialized='view') }}
with

web_events as (

    select
        event_id,
        lead_id,
        event_type,
        page_url,
        asset_id,
        duration_seconds,
        occurred_at,
        loaded_at
    from {{ ref('int_web_events_stitched') }}

),

web_activities as (

    select
        {{ dbt.concat(["'web:'", 'event_id']) }} as activity_id,
        lead_id,
        {{ dbt.concat(["'web.'", 'event_type']) }} as activity_type,
        page_url as activity_key,
        asset_id as activity_value,
        duration_seconds,
        occurred_at,
        loaded_at
    from web_events

),

time_on_site_activities as (

    select
        {{ dbt.concat([
            "'time_on_site:'",
            'lead_id',
            "':'",
            'cast(cast(occurred_at as date) as ' ~ dbt.type_string() ~ ')',
        ]) }} as activity_id,
        lead_id,
        'web.time_on_site' as activity_type,
        cast(null as {{ dbt.type_string() }}) as activity_key,
        cast(null as {{ dbt.type_string() }}) as activity_value,
        cast(sum(coalesce(duration_seconds, 0)) as {{ dbt.type_int() }})
            as duration_seconds,
        min(occurred_at) as occurred_at,
        max(loaded_at) as loaded_at
    from web_events
    where lead_id is not null
    group by lead_id, cast(occurred_at as date)

)

select * from web_activities
union all
select * from time_on_site_activities
