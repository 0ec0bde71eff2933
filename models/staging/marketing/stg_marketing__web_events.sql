-- The good web events: the rows of
-- base_marketing__web_events not quarantined (see rpt_data_quality).
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
from {{ ref('base_marketing__web_events') }}
where quarantine_reason is null
