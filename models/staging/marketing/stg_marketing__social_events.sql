with

source as (

    select * from {{ source('marketing', 'social_events') }}

),

renamed as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        lower(trim(network)) as network,
        lower(trim(event_type)) as event_type,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id order by _loaded_at desc
        ) as version_rank
    from renamed

)

select
    event_id,
    lead_id,
    network,
    event_type,
    occurred_at,
    _loaded_at
from ranked
where version_rank = 1
