-- Conversion over each scored model's test period by score decile (1 is
-- the lowest tenth of scores) and by group, on the score each lead had
-- before sales touched it: one row per model, band kind and band. A model
-- that ranks leads well converts more in each higher band.
with

leads_scored as (

    select
        model_id,
        group_name,
        lead_score,
        score_decile,
        is_converted
    from {{ ref('int_leads_scored_for_test_period') }}

),

score_groups as (

    select
        model_id,
        group_name,
        sort_order
    from {{ ref('score_groups') }}

),

bands as (

    select
        model_id,
        'decile' as band_kind,
        cast(score_decile as {{ dbt.type_string() }}) as band,
        score_decile as band_order,
        lead_score,
        is_converted
    from leads_scored
    union all
    select
        leads_scored.model_id,
        'group' as band_kind,
        leads_scored.group_name as band,
        score_groups.sort_order as band_order,
        leads_scored.lead_score,
        leads_scored.is_converted
    from leads_scored
    inner join score_groups
        on
            leads_scored.model_id = score_groups.model_id
            and leads_scored.group_name = score_groups.group_name

),

final as (

    select
        model_id,
        band_kind,
        band,
        band_order,
        count(*) as leads,
        sum(case when is_converted then 1 else 0 end) as converted_leads,
        avg(case when is_converted then 1 else 0 end) as conversion_rate,
        min(lead_score) as min_score,
        max(lead_score) as max_score
    from bands
    group by model_id, band_kind, band, band_order

)

select * from final
