-- Every raw identification of a cookie, cleaned, with why it is
-- quarantined (null: it is good). A cookie belongs to one lead: its
-- earliest complete identification; later ones count as duplicates.
with

source as (

    select * from {{ source('marketing', 'visitor_identities') }}

),

leads as (

    select lead_id
    from {{ ref('stg_marketing__leads') }}

),

renamed as (

    select
        cast(visitor_id as {{ dbt.type_string() }}) as visitor_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(identified_at as {{ dbt.type_timestamp() }}) as identified_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source

),

checked as (

    select
        renamed.*,
        leads.lead_id is not null as is_lead_known,
        row_number() over (
            partition by renamed.visitor_id
            order by
                case
                    when renamed.lead_id is null then 1
                    when renamed.identified_at is null then 1
                    else 0
                end,
                renamed.identified_at asc,
                renamed.lead_id asc
        ) as version_rank
    from renamed
    left join leads
        on renamed.lead_id = leads.lead_id

),

final as (

    select
        visitor_id,
        lead_id,
        {{ quarantine_reason(
            ['visitor_id', 'lead_id', 'identified_at'],
            'identified_at',
            [('not is_lead_known', 'unknown_lead')],
        ) }} as quarantine_reason,
        identified_at,
        _loaded_at
    from checked

)

select * from final
