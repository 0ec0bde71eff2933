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

-- Each observed lead's score on its own observed_date, kept from run to
-- run (int_test_period_scores); a row of an earlier observed_date is left
-- out.
scored as (

    select
        observed.lead_id,
        observed.model_id,
        observed.period_start,
        observed.period_end,
        observed.is_converted,
        observed.observed_date,
        scores.lead_score
    from observed
    inner join {{ ref('int_test_period_scores') }} as scores
        on
            observed.lead_id = scores.lead_id
            and observed.model_id = scores.model_id
            and observed.observed_date = scores.observed_date

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
