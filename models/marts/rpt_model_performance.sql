-- Model performance over each scored model's test period, active and
-- draft side by side: one row per model, with the conversion rate, the
-- precision and recall of its sales-ready groups, and the AUC of its
-- scores (the chance that a converted lead scored higher than one that
-- did not; 0.5 is a coin toss), all on the score each lead had before
-- sales touched it (int_leads_scored_for_test_period).
with

scoring_models as (

    select
        model_id,
        status as model_status
    from {{ ref('scoring_models') }}

),

leads_scored as (

    select
        model_id,
        lead_score,
        is_sales_ready,
        is_converted,
        period_start,
        period_end
    from {{ ref('int_leads_scored_for_test_period') }}

),

-- The AUC and the converted leads (macro score_auc, as rpt_model_backtest).
rank_sums as (

    {{ score_auc('leads_scored', ['model_id']) }}

),

counts as (

    select
        model_id,
        min(period_start) as period_start,
        min(period_end) as period_end,
        count(*) as leads,
        sum(case when is_sales_ready then 1 else 0 end) as sales_ready_leads,
        sum(
            case when is_sales_ready and is_converted then 1 else 0 end
        ) as sales_ready_converted_leads
    from leads_scored
    group by model_id

),

final as (

    select
        counts.model_id,
        scoring_models.model_status,
        counts.leads,
        rank_sums.converted_leads,
        counts.sales_ready_leads,
        counts.sales_ready_converted_leads,
        rank_sums.converted_leads / counts.leads as conversion_rate,
        counts.sales_ready_converted_leads
        / nullif(counts.sales_ready_leads, 0) as sales_ready_precision,
        counts.sales_ready_converted_leads
        / nullif(rank_sums.converted_leads, 0) as sales_ready_recall,
        rank_sums.auc,
        {{ dbt.dateadd('day', -1, 'counts.period_end') }}
        <= {{ as_of_date() }} as is_test_period_complete,
        counts.period_start as test_period_start,
        counts.period_end as test_period_end
    from counts
    inner join rank_sums
        on counts.model_id = rank_sums.model_id
    inner join scoring_models
        on counts.model_id = scoring_models.model_id

)

select * from final
