-- Every raw social event, cleaned, with why it is quarantined (null: it is
-- good).
{%- set raw_table = source('marketing', 'social_events') %}
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
        {{ clean_id('event_id') }} as event_id,
        {{ clean_id('lead_id') }} as lead_id,
        nullif(lower({{ text_value('network') }}), '') as network,
        nullif(lower({{ text_value('event_type') }}), '') as event_type,
        {{ cast_or_flag(
            'occurred_at', dbt.type_timestamp(), relation=raw_table
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
            ['event_id', 'lead_id', 'network', 'event_type', 'occurred_at'],
            'occurred_at',
            [('not is_lead_known', 'unknown_lead')],
            uncastable=['occurred_at', '_loaded_at'],
        ) }} as row_problem
    from checked

),

-- Of the rows with one key, the latest usable one is kept.
ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by
                case when row_problem is null then 0 else 1 end,
                _loaded_at desc
        ) as version_rank
    from problems

),

final as (

    select
        event_id,
        lead_id,
        network,
        event_type,
        coalesce(
            row_problem,
            case when version_rank > 1 then 'duplicate_key' end
        ) as quarantine_reason,
        occurred_at,
        _loaded_at
    from ranked

)

select * from final
