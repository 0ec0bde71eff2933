-- Web events with the lead they belong to: their own lead_id, else the lead
-- their cookie was identified as (also for visits before identification).
-- loaded_at is when the event reached the warehouse as the lead's: the
-- later of the event's and the identification's _loaded_at.
-- depends_on: {{ ref('int_seed_fingerprints') }}  (a broken seed stops it)
with

web_events as (

    select
        event_id,
        visitor_id,
        lead_id,
        event_type,
        page_url,
        asset_id,
        duration_seconds,
        occurred_at,
        _loaded_at
    from {{ ref('stg_marketing__web_events') }}

),

visitor_identities as (

    select
        visitor_id,
        lead_id,
        _loaded_at
    from {{ ref('stg_marketing__visitor_identities') }}

),

stitched as (

    select
        web_events.event_id,
        web_events.visitor_id,
        web_events.event_type,
        web_events.page_url,
        web_events.asset_id,
        web_events.duration_seconds,
        web_events.lead_id is null
        and visitor_identities.lead_id is not null as is_stitched,
        web_events.occurred_at,
        {{ stitched_lead('web_events') }}
    from web_events
    left join visitor_identities
        on web_events.visitor_id = visitor_identities.visitor_id

)

select * from stitched
