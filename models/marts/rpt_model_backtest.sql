-- The backtest (see the YAML): each scored model's scores at the end of
-- each month-start against the outcomes of the window after it.
with

leads_scored as (

    select
        model_id,
        group_name,
        lead_score,
        score_decile,
        is_converted,
        backtest_date
    from {{ ref('int_leads_scored_for_backtest') }}

),

model_groups as (

    select
        scoring_models.model_id,
        scoring_models.status as model_status,
        score_groups.group_name,
        score_groups.is_sales_ready
    from {{ ref('scoring_models') }} as scoring_models
    inner join {{ ref('score_groups') }} as score_groups
        on scoring_models.model_id = score_groups.model_id

),

backtest_auc as (

    {{ score_auc('leads_scored', ['model_id', 'backtest_date']) }}

),

days as (

    select
        model_id,
        backtest_date,
        count(*) as leads,
        avg(cast(is_converted as integer)) as conversion_rate,
        avg(
            case when score_decile = 10 then cast(is_converted as integer) end
        ) as top_decile_conversion_rate,
        least({{ var('backtest_window_days') }}, {{ dbt.datediff(
            'backtest_date', as_of_date(), 'day'
        ) }}) as window_days_passed
    from leads_scored
    group by model_id, backtest_date

),

groups_on_day as (

    select
        days.model_id,
        days.backtest_date,
        model_groups.model_status,
        model_groups.group_name,
        model_groups.is_sales_ready,
        count(leads_scored.model_id) as group_leads,
        count(case when leads_scored.is_converted then 1 end)
            as group_converted_leads
    from days
    inner join model_groups on days.model_id = model_groups.model_id
    left join leads_scored
        on
            days.model_id = leads_scored.model_id
            and days.backtest_date = leads_scored.backtest_date
            and model_groups.group_name = leads_scored.group_name
    group by
        days.model_id,
        days.backtest_date,
        model_groups.model_status,
        model_groups.group_name,
        model_groups.is_sales_ready

),

-- Handoffs into each group in the window, the days after the backtest
-- date (those up to as_of).
group_handoffs as (

    select
        days.model_id,
        days.backtest_date,
        handoffs.group_name,
        count(*) as handoffs
    from days
    inner join {{ ref('fct_handoffs') }} as handoffs
        on
            days.model_id = handoffs.model_id
            and days.backtest_date < handoffs.handoff_date
            and handoffs.handoff_date <= {{ dbt.dateadd(
                'day', var('backtest_window_days'), 'days.backtest_date'
            ) }}
    group by days.model_id, days.backtest_date, handoffs.group_name

),

final as (

    select
        days.model_id,
        groups_on_day.model_status,
        groups_on_day.group_name,
        days.leads,
        backtest_auc.converted_leads,
        days.conversion_rate,
        backtest_auc.auc,
        days.top_decile_conversion_rate
        / nullif(days.conversion_rate, 0) as top_decile_lift,
        groups_on_day.group_leads,
        groups_on_day.group_converted_leads,
        groups_on_day.group_converted_leads
        / nullif(groups_on_day.group_leads, 0) as group_conversion_rate,
        case
            when groups_on_day.is_sales_ready
                then
                    coalesce(group_handoffs.handoffs, 0) * 7.0
                    / nullif(days.window_days_passed, 0)
        end as handoffs_per_week,
        groups_on_day.is_sales_ready,
        {{ dbt.dateadd(
            'day', var('backtest_window_days'), 'days.backtest_date'
        ) }} <= {{ as_of_date() }} as is_window_complete,
        days.backtest_date,
        cast({{ dbt.dateadd(
            'day', var('backtest_window_days'), 'days.backtest_date'
        ) }} as date) as window_end_date
    from days
    inner join backtest_auc
        on
            days.model_id = backtest_auc.model_id
            and days.backtest_date = backtest_auc.backtest_date
    inner join groups_on_day
        on
            days.model_id = groups_on_day.model_id
            and days.backtest_date = groups_on_day.backtest_date
    left join group_handoffs
        on
            groups_on_day.model_id = group_handoffs.model_id
            and groups_on_day.backtest_date = group_handoffs.backtest_date
            and groups_on_day.group_name = group_handoffs.group_name

)

select * from final
