-- The good CRM stage changes: the rows of
-- base_crm__lead_stage_changes not quarantined (see rpt_data_quality).
select
    lead_id,
    stage,
    owner_id,
    amount,
    changed_at,
    _loaded_at
from {{ ref('base_crm__lead_stage_changes') }}
where quarantine_reason is null
