-- The good leads: the rows of
-- base_marketing__leads not quarantined (see rpt_data_quality).
select
    lead_id,
    email,
    email_domain,
    job_title,
    department,
    company_name,
    industry,
    country,
    city,
    company_size,
    created_at,
    updated_at,
    _loaded_at
from {{ ref('base_marketing__leads') }}
where quarantine_reason is null
