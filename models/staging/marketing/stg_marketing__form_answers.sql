-- The good form answers: the rows of
-- base_marketing__form_answers not quarantined (see rpt_data_quality).
select
    submission_id,
    question_id,
    answer,
    _loaded_at
from {{ ref('base_marketing__form_answers') }}
where quarantine_reason is null
