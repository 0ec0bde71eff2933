-- The good email events: the rows of
-- base_marketing__email_events not quarantined (see rpt_data_quality).
select
    event_id,
    lead_id,
    campaign_id,
    email_id,
    event_type,
    link_url,
    occurred_at,
    _loaded_at
from {{ ref('base_marketing__email_events') }}
where quarantine_reason is null
