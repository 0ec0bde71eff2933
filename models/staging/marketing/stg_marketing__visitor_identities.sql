-- The good identified cookies: the rows of
-- base_marketing__visitor_identities not quarantined (see rpt_data_quality).
select
    visitor_id,
    lead_id,
    identified_at,
    _loaded_at
from {{ ref('base_marketing__visitor_identities') }}
where quarantine_reason is null
