with

source as (

    select * from {{ source('marketing', 'leads') }}

),

renamed as (

    select
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        lower(trim(email)) as email,
        lower(trim({{ dbt.split_part('email', "'@'", 2) }})) as email_domain,
        trim(job_title) as job_title,
        trim(department) as department,
        trim(company_name) as company_name,
        trim(industry) as industry,
        upper(trim(country)) as country,
        trim(city) as city,
        cast(company_size as {{ dbt.type_int() }}) as company_size,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by lead_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank
    from renamed

)

select
    lead_id,
    email,
    email_domain,
    job_title,
    department,
    company_name,
    industry,
    country,
    city,
    company_size,
    created_at,
    updated_at,
    _loaded_at
from ranked
where version_rank = 1
