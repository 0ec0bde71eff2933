-- CRM stage changes up to the end of as_of, in the funnel's words (the
-- pipeline_stages seed). A stage the seed does not map is left out (the
-- test relationships on stg_crm__lead_stage_changes.stage warns).
-- funnel_rank orders the stages a lead moves forward through: a lead in
-- `sql` has passed `sal`, one in `won` or `lost` has been an opportunity.
-- depends_on: {{ ref('int_seed_fingerprints') }}  (a broken seed stops it)
with

stage_changes as (

    select
        lead_id,
        stage,
        changed_at
    from {{ ref('stg_crm__lead_stage_changes') }}

),

pipeline_stages as (

    select
        crm_stage,
        funnel_stage
    from {{ ref('pipeline_stages') }}

),

final as (

    select
        stage_changes.lead_id,
        stage_changes.stage as crm_stage,
        pipeline_stages.funnel_stage,
        case pipeline_stages.funnel_stage
            when 'sal' then 1
            when 'sql' then 2
            when 'opportunity' then 3
            when 'lost' then 3
            when 'won' then 4
            else 0
        end as funnel_rank,
        pipeline_stages.funnel_stage in ('disqualified', 'recycled')
            as is_rejection,
        cast(stage_changes.changed_at as date) as changed_date,
        stage_changes.changed_at
    from stage_changes
    inner join pipeline_stages
        on stage_changes.stage = pipeline_stages.crm_stage
    where stage_changes.changed_at < {{ end_of_as_of() }}

)

select * from final
