-- What the seeds leave out and needs a person: one row per CRM stage that
-- pipeline_stages does not map (its changes are left out of the funnel,
-- the handoffs and the SLAs) and per activity rule of a scored model that
-- matches no activity (a typo in activity_type or match_key turns a rule
-- off without an error). make run and make daily print every row.
with

stage_changes as (

    select stage
    from {{ ref('stg_crm__lead_stage_changes') }}

),

pipeline_stages as (

    select crm_stage
    from {{ ref('pipeline_stages') }}

),

rules as (

    select
        activity_rules.rule_id,
        activity_rules.model_id
    from {{ ref('activity_rules') }} as activity_rules
    inner join {{ ref('scoring_models') }} as scoring_models
        on activity_rules.model_id = scoring_models.model_id
    where scoring_models.status in ('active', 'draft')

),

matched_rules as (

    select distinct rule_id
    from {{ ref('int_activities_matched_to_rules') }}
    where activity_date <= {{ as_of_date() }}

),

unmapped_stages as (

    select
        'unmapped_crm_stage' as gap_type,
        cast(null as {{ dbt.type_string() }}) as model_id,
        stage_changes.stage as subject,
        count(*) as row_count
    from stage_changes
    left join pipeline_stages
        on stage_changes.stage = pipeline_stages.crm_stage
    where pipeline_stages.crm_stage is null
    group by stage_changes.stage

),

unmatched_rules as (

    select
        'rule_matches_nothing' as gap_type,
        rules.model_id,
        rules.rule_id as subject,
        0 as row_count
    from rules
    left join matched_rules
        on rules.rule_id = matched_rules.rule_id
    where matched_rules.rule_id is null

),

gaps as (

    select * from unmapped_stages
    union all
    select * from unmatched_rules

),

final as (

    select
        gap_type,
        model_id,
        subject,
        cast(row_count as {{ dbt.type_bigint() }}) as row_count,
        {{ as_of_date() }} as as_of
    from gaps

)

select * from final
