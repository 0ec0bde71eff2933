-- The good form submissions: the rows of
-- base_marketing__form_submissions not quarantined (see rpt_data_quality).
select
    submission_id,
    lead_id,
    visitor_id,
    form_id,
    page_url,
    submitted_at,
    _loaded_at
from {{ ref('base_marketing__form_submissions') }}
where quarantine_reason is null
