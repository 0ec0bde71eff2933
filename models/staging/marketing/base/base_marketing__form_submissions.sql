-- Every raw form submission, cleaned, with why it is quarantined (null: it
-- is good).
{%- set raw_table = source('marketing', 'form_submissions') %}
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
        {{ clean_id('submission_id') }} as submission_id,
        {{ clean_id('lead_id') }} as lead_id,
        {{ clean_id('visitor_id') }} as visitor_id,
        {{ clean_id('form_id') }} as form_id,
        {{ text_value('page_url', trimmed=false) }} as page_url,
        {{ cast_or_flag(
            'submitted_at', dbt.type_timestamp(), relation=raw_table
        ) }},
        {{ cast_or_flag(
            '_loaded_at', dbt.type_timestamp(),
            source_column=loaded_at_column('marketing'), relation=raw_table
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
            ['submission_id', 'form_id', 'submitted_at'],
            'submitted_at',
            [('lead_id is not null and not is_lead_known', 'unknown_lead')],
            uncastable=['submitted_at', '_loaded_at'],
        ) }} as row_problem
    from checked

),

-- Of the rows with one key, the latest usable one is kept.
ranked as (

    select
        *,
        row_number() over (
            partition by submission_id
            order by
                case when row_problem is null then 0 else 1 end,
                _loaded_at desc
        ) as version_rank
    from problems

),

final as (

    select
        submission_id,
        lead_id,
        visitor_id,
        form_id,
        {{ text_value('page_url', trimmed=false) }} as page_url,
        coalesce(
            row_problem,
            case when version_rank > 1 then 'duplicate_key' end
        ) as quarantine_reason,
        submitted_at,
        _loaded_at
    from ranked

)

select * from final
