-- One row per scored model and lead of its test period, with the score
-- the lead had on its observed_date, before sales touched it (see
-- int_leads_observed_for_test_period), its group and its decile.
with

observed as (

    select
        lead_id,
        model_id,
        period_start,
        period_end,
        is_converted,
        observed_date
    from {{ ref('int_leads_observed_for_test_period') }}

),

observed_dates as (

    select
        lead_id,
        model_id,
        observed_date as score_date
    from observed

),

-- Each observed lead's score on its own observed_date.
observed_scores as (

    {{ lead_scores_on(none, dates='observed_dates', by_lead=true) }}

),

scored as (

    select
        observed.lead_id,
        observed.model_id,
        observed.period_start,
        observed.period_end,
        observed.is_converted,
        observed.observed_date,
        observed_scores.lead_score
    from observed
    inner join observed_scores
        on
            observed.lead_id = observed_scores.lead_id
            and observed.model_id = observed_scores.model_id

),

score_groups as (

    select
        model_id,
        group_name,
        min_score,
        max_score,
        is_sales_ready
    from {{ ref('score_groups') }}

),

final as (

    select
        scored.lead_id,
        scored.model_id,
        score_groups.group_name,
        cast(scored.lead_score as double) as lead_score,
        ntile(10) over (
            partition by scored.model_id
            order by round(scored.lead_score, 6), scored.lead_id
        ) as score_decile,
        score_groups.is_sales_ready,
        scored.is_converted,
        scored.period_start,
        scored.period_end,
        scored.observed_date
    from scored
    inner join score_groups
        on
            scored.model_id = score_groups.model_id
            and {{ in_band('scored.lead_score', 'score_groups') }}

)

select * from final
