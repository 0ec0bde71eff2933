-- The feedback loop: one row per scored model, month and sales-ready
-- group of the handoffs (fct_handoffs), with the share of handoffs that
-- reached each funnel stage, the median days it took, and the same shares
-- for the model's leads never handed off that were created in that month
-- (the baseline), with the lift: handoff share / baseline share.
with

handoffs as (

    select * from {{ ref('fct_handoffs') }}

),

lead_scores as (

    select
        lead_id,
        model_id,
        is_excluded
    from {{ ref('fct_lead_scores') }}

),

leads as (

    select
        lead_id,
        created_date
    from {{ ref('dim_leads') }}

),

funnel_changes as (

    select
        lead_id,
        funnel_rank,
        is_rejection
    from {{ ref('int_stage_changes_mapped_to_funnel') }}

),

lead_outcomes as (

    select
        lead_id,
        max(funnel_rank) as funnel_rank,
        max(case when is_rejection then 1 else 0 end) = 1 as is_rejected
    from funnel_changes
    group by lead_id

),

never_handed_off as (

    select
        lead_scores.model_id,
        cast(
            {{ dbt.date_trunc('month', 'leads.created_date') }} as date
        ) as cohort_month,
        coalesce(lead_outcomes.funnel_rank, 0) as funnel_rank,
        coalesce(lead_outcomes.is_rejected, false) as is_rejected
    from lead_scores
    inner join leads
        on lead_scores.lead_id = leads.lead_id
    left join lead_outcomes
        on lead_scores.lead_id = lead_outcomes.lead_id
    where
        not lead_scores.is_excluded
        and not exists (
            select 1
            from handoffs
            where
                handoffs.lead_id = lead_scores.lead_id
                and handoffs.model_id = lead_scores.model_id
        )

),

baseline as (

    select
        model_id,
        cohort_month,
        count(*) as baseline_leads,
        avg(case when funnel_rank >= 1 then 1 else 0 end)
            as baseline_sal_share,
        avg(case when funnel_rank >= 2 then 1 else 0 end)
            as baseline_sql_share,
        avg(case when funnel_rank >= 3 then 1 else 0 end)
            as baseline_opportunity_share,
        avg(case when funnel_rank >= 4 then 1 else 0 end)
            as baseline_won_share,
        avg(case when is_rejected then 1 else 0 end)
            as baseline_rejected_share
    from never_handed_off
    group by model_id, cohort_month

),

cohorts as (

    select
        model_id,
        model_status,
        group_name,
        handoff_month as cohort_month,
        count(*) as handoffs,
        avg(case when has_reached_sal then 1 else 0 end) as sal_share,
        avg(case when has_reached_sql then 1 else 0 end) as sql_share,
        avg(case when has_reached_opportunity then 1 else 0 end)
            as opportunity_share,
        avg(case when has_reached_won then 1 else 0 end) as won_share,
        avg(case when is_rejected then 1 else 0 end) as rejected_share,
        cast(median(days_to_sal) as double) as median_days_to_sal,
        cast(median(days_to_sql) as double) as median_days_to_sql,
        cast(median(days_to_opportunity) as double)
            as median_days_to_opportunity,
        cast(median(days_to_won) as double) as median_days_to_won
    from handoffs
    group by model_id, model_status, group_name, handoff_month

),

final as (

    select
        cohorts.model_id,
        cohorts.model_status,
        cohorts.group_name,
        cohorts.handoffs,
        cohorts.sal_share,
        cohorts.sql_share,
        cohorts.opportunity_share,
        cohorts.won_share,
        cohorts.rejected_share,
        cohorts.median_days_to_sal,
        cohorts.median_days_to_sql,
        cohorts.median_days_to_opportunity,
        cohorts.median_days_to_won,
        coalesce(baseline.baseline_leads, 0) as baseline_leads,
        baseline.baseline_sal_share,
        baseline.baseline_sql_share,
        baseline.baseline_opportunity_share,
        baseline.baseline_won_share,
        baseline.baseline_rejected_share,
        cohorts.sal_share / nullif(baseline.baseline_sal_share, 0)
            as sal_lift,
        cohorts.sql_share / nullif(baseline.baseline_sql_share, 0)
            as sql_lift,
        cohorts.opportunity_share
        / nullif(baseline.baseline_opportunity_share, 0) as opportunity_lift,
        cohorts.won_share / nullif(baseline.baseline_won_share, 0)
            as won_lift,
        cohorts.cohort_month
    from cohorts
    left join baseline
        on
            cohorts.model_id = baseline.model_id
            and cohorts.cohort_month = baseline.cohort_month

)

select * from final
