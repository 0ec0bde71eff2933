-- One row per lead: who the lead is, without the raw email address (the CRM
-- sync table is the only mart that carries it).
-- depends_on: {{ ref('int_seed_fingerprints') }}  (a broken seed stops it)
with

leads as (

    select
        lead_id,
        email_domain,
        job_title,
        department,
        company_name,
        industry,
        country,
        city,
        company_size,
        created_at,
        updated_at
    from {{ ref('stg_marketing__leads') }}

),

visitor_identities as (

    select
        lead_id,
        visitor_id,
        identified_at
    from {{ ref('stg_marketing__visitor_identities') }}

),

identified_visitors as (

    select
        lead_id,
        count(*) as identified_visitor_count,
        min(identified_at) as first_identified_at
    from visitor_identities
    group by lead_id

),

final as (

    select
        leads.lead_id,
        leads.email_domain,
        leads.job_title,
        leads.department,
        leads.company_name,
        leads.industry,
        leads.country,
        leads.city,
        leads.company_size,
        coalesce(identified_visitors.identified_visitor_count, 0)
            as identified_visitor_count,
        cast(leads.created_at as date) as created_date,
        leads.created_at,
        leads.updated_at,
        identified_visitors.first_identified_at
    from leads
    left join identified_visitors
        on leads.lead_id = identified_visitors.lead_id

)

select * from final
