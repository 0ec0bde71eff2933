-- Every raw lead, cleaned, with why it is quarantined (null: it is good). A
-- malformed email does not quarantine the lead: the address is dropped and
-- flagged, the lead is scored without it.
{%- set raw_table = source('marketing', 'leads') %}
with

source as (

    select * from {{ raw_table }}

),

renamed as (

    select
        {{ clean_id('lead_id') }} as lead_id,
        lower({{ text_value('email') }}) as raw_email,
        {{ text_value('job_title') }} as job_title,
        {{ text_value('department') }} as department,
        {{ text_value('company_name') }} as company_name,
        {{ text_value('industry') }} as industry,
        upper({{ text_value('country') }}) as country,
        {{ text_value('city') }} as city,
        {{ cast_or_flag('company_size', dbt.type_int()) }},
        {{ cast_or_flag(
            'created_at', dbt.type_timestamp(), relation=raw_table
        ) }},
        {{ cast_or_flag(
            'updated_at', dbt.type_timestamp(), relation=raw_table
        ) }},
        {{ cast_or_flag(
            '_loaded_at', dbt.type_timestamp(),
            source_column=loaded_at_column('marketing'), relation=raw_table
        ) }}
    from source

),

checked as (

    select
        *,
        raw_email like '%_@_%._%'
        and raw_email not like '%@%@%'
        and raw_email not like '% %' as is_email_well_formed
    from renamed

),

problems as (

    select
        *,
        {{ row_problem(
            ['lead_id', 'created_at', 'updated_at'], 'created_at',
            uncastable=['created_at', 'updated_at', '_loaded_at'],
        ) }} as row_problem
    from checked

),

-- Of the rows with one key, the latest usable one is kept.
ranked as (

    select
        *,
        row_number() over (
            partition by lead_id
            order by
                case when row_problem is null then 0 else 1 end,
                updated_at desc, _loaded_at desc
        ) as version_rank
    from problems

),

final as (

    select
        lead_id,
        case when is_email_well_formed then raw_email end as email,
        case
            when is_email_well_formed
                then lower({{ dbt.split_part('raw_email', "'@'", 2) }})
        end as email_domain,
        job_title,
        department,
        company_name,
        industry,
        country,
        city,
        coalesce(
            row_problem,
            case when version_rank > 1 then 'duplicate_key' end
        ) as quarantine_reason,
        company_size,
        raw_email is not null
        and not is_email_well_formed as has_malformed_email,
        has_uncastable_company_size,
        created_at,
        updated_at,
        _loaded_at
    from ranked

)

select * from final
