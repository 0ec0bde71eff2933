-- One lead per cookie: the first identification wins, so a shared browser
-- never moves events from one lead to another after the fact.
with

source as (

    select * from {{ source('marketing', 'visitor_identities') }}

),

renamed as (

    select
        cast(visitor_id as {{ dbt.type_string() }}) as visitor_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(identified_at as {{ dbt.type_timestamp() }}) as identified_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source
    where lead_id is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by visitor_id
            order by identified_at asc nulls last, lead_id asc
        ) as identity_rank
    from renamed

)

select
    visitor_id,
    lead_id,
    identified_at,
    _loaded_at
from ranked
where identity_rank = 1
