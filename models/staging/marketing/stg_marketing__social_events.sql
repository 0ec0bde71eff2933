-- The good social events: the rows of
-- base_marketing__social_events not quarantined (see rpt_data_quality).
select
    event_id,
    lead_id,
    network,
    event_type,
    occurred_at,
    _loaded_at
from {{ ref('base_marketing__social_events') }}
where quarantine_reason is null
