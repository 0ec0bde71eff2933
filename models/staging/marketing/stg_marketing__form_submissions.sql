with

source as (

    select * from {{ source('marketing', 'form_submissions') }}

),

renamed as (

    select
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(visitor_id as {{ dbt.type_string() }}) as visitor_id,
        cast(form_id as {{ dbt.type_string() }}) as form_id,
        page_url,
        cast(submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by submission_id order by _loaded_at desc
        ) as version_rank
    from renamed

)

select
    submission_id,
    lead_id,
    visitor_id,
    form_id,
    page_url,
    submitted_at,
    _loaded_at
from ranked
where version_rank = 1
