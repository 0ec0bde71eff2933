-- Every raw CRM stage change, cleaned, with why it is quarantined (null: it
-- is good).
with

source as (

    select * from {{ source('crm', 'lead_stage_changes') }}

),

leads as (

    select lead_id
    from {{ ref('stg_marketing__leads') }}

),

renamed as (

    select
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        trim(stage) as stage,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(amount as {{ dbt.type_numeric() }}) as amount,
        cast(changed_at as {{ dbt.type_timestamp() }}) as changed_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source

),

checked as (

    select
        renamed.*,
        leads.lead_id is not null as is_lead_known,
        row_number() over (
            partition by renamed.lead_id, renamed.stage, renamed.changed_at
            order by renamed._loaded_at desc
        ) as version_rank
    from renamed
    left join leads
        on renamed.lead_id = leads.lead_id

),

final as (

    select
        lead_id,
        stage,
        owner_id,
        {{ quarantine_reason(
            ['lead_id', 'stage', 'changed_at'],
            'changed_at',
            [('not is_lead_known', 'unknown_lead')],
        ) }} as quarantine_reason,
        amount,
        changed_at,
        _loaded_at
    from checked

)

select * from final
