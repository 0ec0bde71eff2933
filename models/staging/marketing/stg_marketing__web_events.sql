with

source as (

    select * from {{ source('marketing', 'web_events') }}

),

renamed as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(visitor_id as {{ dbt.type_string() }}) as visitor_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        lower(trim(event_type)) as event_type,
        page_url,
        cast(asset_id as {{ dbt.type_string() }}) as asset_id,
        cast(duration_seconds as {{ dbt.type_int() }}) as duration_seconds,
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
    visitor_id,
    lead_id,
    event_type,
    page_url,
    asset_id,
    duration_seconds,
    occurred_at,
    _loaded_at
from ranked
where version_rank = 1
