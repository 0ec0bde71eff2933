-- Every raw identification of a cookie, cleaned, with why it is
-- quarantined (null: it is good). A cookie belongs to one lead: its
-- earliest usable identification; later ones count as duplicates.
{%- set raw_table = source('marketing', 'visitor_identities') %}
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
        {{ clean_id('visitor_id') }} as visitor_id,
        {{ clean_id('lead_id') }} as lead_id,
        {{ cast_or_flag(
            'identified_at', dbt.type_timestamp(), relation=raw_table
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
            ['visitor_id', 'lead_id', 'identified_at'],
            'identified_at',
            [('not is_lead_known', 'unknown_lead')],
            uncastable=['identified_at', '_loaded_at'],
        ) }} as row_problem
    from checked

),

-- Of a cookie's identifications, the earliest usable one is kept.
ranked as (

    select
        *,
        row_number() over (
            partition by visitor_id
            order by
                case when row_problem is null then 0 else 1 end,
                identified_at asc,
                lead_id asc
        ) as version_rank
    from problems

),

final as (

    select
        visitor_id,
        lead_id,
        coalesce(
            row_problem,
            case when version_rank > 1 then 'duplicate_key' end
        ) as quarantine_reason,
        identified_at,
        _loaded_at
    from ranked

)

select * from final
