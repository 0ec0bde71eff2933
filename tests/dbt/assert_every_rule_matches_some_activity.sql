-- Warns about activity rules of scored models that no activity matched: a
-- typo in activity_type or match_key turns a rule off without an error
-- (rpt_seed_gaps; make run and make daily print them by name).
{{ config(severity='warn') }}

select
    model_id,
    subject as rule_id
from {{ ref('rpt_seed_gaps') }}
where gap_type = 'rule_matches_nothing'
