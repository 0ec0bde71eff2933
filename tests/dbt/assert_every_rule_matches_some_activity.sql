-- Warns about activity rules of scored models that no activity matched: a
-- typo in activity_type or match_key turns a rule off without an error.
{{ config(severity='warn') }}

with

rules as (

    select
        activity_rules.rule_id,
        activity_rules.model_id,
        activity_rules.activity_type,
        activity_rules.match_key,
        activity_rules.match_value
    from {{ ref('activity_rules') }} as activity_rules
    inner join {{ ref('scoring_models') }} as scoring_models
        on activity_rules.model_id = scoring_models.model_id
    where scoring_models.status in ('active', 'draft')

),

matched_rules as (

    select distinct rule_id
    from {{ ref('int_activities_matched_to_rules') }}

)

select rules.*
from rules
left join matched_rules
    on rules.rule_id = matched_rules.rule_id
where matched_rules.rule_id is null
