with

source as (

    select * from {{ source('marketing', 'email_events') }}

),

renamed as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(email_id as {{ dbt.type_string() }}) as email_id,
        lower(trim(event_type)) as event_type,
        link_url,
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
    campaign_id,
    email_id,
    event_type,
    link_url,
    occurred_at,
    _loaded_at
from ranked
where version_rank = 1
