-- One row per scored model, month-start and lead: its score that day
-- (int_month_start_scores), group, decile and outcome in the next
-- backtest_window_days (see the YAML).
{%- set converted_rank = {'sal': 1, 'sql': 2, 'opportunity': 3, 'won': 4}[
    var('converted_funnel_stage')] %}
with

-- The scores of the leads that exist on the day (one deleted, or created
-- later than it was, keeps its old rows there) under the scored models.
lead_scores as (

    select
        month_start_scores.lead_id,
        month_start_scores.model_id,
        month_start_scores.backtest_date as score_date,
        month_start_scores.lead_score
    from {{ ref('int_month_start_scores') }} as month_start_scores
    inner join {{ ref('stg_marketing__leads') }} as leads
        on
            month_start_scores.lead_id = leads.lead_id
            and cast(leads.created_at as date)
            <= month_start_scores.backtest_date
    inner join {{ ref('scoring_models') }} as scoring_models
        on month_start_scores.model_id = scoring_models.model_id
    where scoring_models.status in ('active', 'draft')

),

-- Read apart from lead_scores: DuckDB keeps a CTE read twice in memory.
backtest_dates as (

    select distinct backtest_date as score_date
    from {{ ref('int_month_start_scores') }}

),

excluded_leads as (

    select distinct
        lead_id,
        model_id
    from {{ ref('int_leads_matched_to_fit_rules') }}
    where excludes_lead

),

funnel_changes as (

    select
        lead_id,
        funnel_rank,
        changed_date
    from {{ ref('int_stage_changes_mapped_to_funnel') }}

),

-- Per lead with CRM changes and day (not per model: the CRM is one). The
-- score is the one at the end of the day, its activities of that day in
-- it: a CRM change that day is before it (the lead is out), the outcomes
-- are those of the days after it.
window_outcomes as (

    select
        backtest_dates.score_date,
        funnel_changes.lead_id,
        max(
            case
                when funnel_changes.changed_date <= backtest_dates.score_date
                    then 1
                else 0
            end
        ) as has_changed_before,
        max(
            case
                when
                    funnel_changes.changed_date > backtest_dates.score_date
                    and funnel_changes.changed_date <= {{ dbt.dateadd(
                        'day', var('backtest_window_days'),
                        'backtest_dates.score_date'
                    ) }}
                    then funnel_changes.funnel_rank
                else 0
            end
        ) as funnel_rank
    from backtest_dates
    cross join funnel_changes
    group by backtest_dates.score_date, funnel_changes.lead_id

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

backtest_leads as (

    select
        lead_scores.lead_id,
        lead_scores.model_id,
        score_groups.group_name,
        cast(lead_scores.lead_score as double) as lead_score,
        score_groups.is_sales_ready,
        coalesce(window_outcomes.funnel_rank, 0) >= {{ converted_rank }}
            as is_converted,
        lead_scores.score_date as backtest_date
    from lead_scores
    inner join score_groups
        on
            lead_scores.model_id = score_groups.model_id
            and {{ in_band('lead_scores.lead_score', 'score_groups') }}
    left join window_outcomes
        on
            lead_scores.score_date = window_outcomes.score_date
            and lead_scores.lead_id = window_outcomes.lead_id
    left join excluded_leads
        on
            lead_scores.lead_id = excluded_leads.lead_id
            and lead_scores.model_id = excluded_leads.model_id
    where
        excluded_leads.lead_id is null
        and coalesce(window_outcomes.has_changed_before, 0) = 0

),

final as (

    select
        lead_id,
        model_id,
        group_name,
        lead_score,
        ntile(10) over (
            partition by model_id, backtest_date
            order by round(lead_score, 6), lead_id
        ) as score_decile,
        is_sales_ready,
        is_converted,
        backtest_date
    from backtest_leads

)

select * from final
