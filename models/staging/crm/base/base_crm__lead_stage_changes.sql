-- Every raw CRM stage change, cleaned, with why it is quarantined (null: it
-- is good).
{%- set raw_table = source('crm', 'lead_stage_changes') %}
with

source as (

    select * from {{ raw_table }}

),

leads as (

    select lead_id
    from {{ ref('stg_marketing__leads') }}

),

renamed as (

    select
        {{ clean_id('lead_id') }} as lead_id,
        nullif({{ text_value('stage') }}, '') as stage,
        {{ clean_id('owner_id') }} as owner_id,
        {{ cast_or_flag('amount', dbt.type_numeric()) }},
        {{ cast_or_flag(
            'changed_at', dbt.type_timestamp(), relation=raw_table
        ) }},
        {{ cast_or_flag(
            '_loaded_at', dbt.type_timestamp(),
            source_column=loaded_at_column('crm'), relation=raw_table
        ) }}
    from source

),

checked as (

    select
        renamed.*,
        leads.lead_id is not null as is_lead_known
    from renamed
    left join leads
        on renamed.lead_id = leads.lead_id

),

problems as (

    select
        *,
        {{ row_problem(
            ['lead_id', 'stage', 'changed_at'],
            'changed_at',
            [('not is_lead_known', 'unknown_lead')],
            uncastable=['changed_at', '_loaded_at'],
        ) }} as row_problem
    from checked

),

-- Of the rows with one key, the latest usable one is kept.
ranked as (

    select
        *,
        row_number() over (
            partition by lead_id, stage, changed_at
            order by
                case when row_problem is null then 0 else 1 end,
                _loaded_at desc
        ) as version_rank
    from problems

),

final as (

    select
        lead_id,
        stage,
        owner_id,
        coalesce(
            row_problem,
            case when version_rank > 1 then 'duplicate_key' end
        ) as quarantine_reason,
        amount,
        has_uncastable_amount,
        changed_at,
        _loaded_at
    from ranked

)

select * from final
