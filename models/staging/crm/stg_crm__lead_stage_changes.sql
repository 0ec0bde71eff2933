with

source as (

    select * from {{ source('crm', 'lead_stage_changes') }}

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

ranked as (

    select
        *,
        row_number() over (
            partition by lead_id, stage, changed_at order by _loaded_at desc
        ) as version_rank
    from renamed

)

select
    lead_id,
    stage,
    owner_id,
    amount,
    changed_at,
    _loaded_at
from ranked
where version_rank = 1
