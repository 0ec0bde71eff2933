-- The backtest: for every scored model (active and draft) and month-start
-- in the history, the scores frozen on that day against the CRM outcomes
-- of the next backtest_window_days (int_leads_scored_for_backtest). One
-- row per model, backtest date and group: the model's AUC (macro
-- score_auc, as rpt_model_performance) and top-decile lift on that day,
-- and each group's conversion and handoffs a week.
with

leads_scored as (

    select
        model_id,
        group_name,
        lead_score,
        score_decile,
        is_sales_ready,
        is_converted,
        backtest_date
    from {{ ref('int_leads_scored_for_backtest') }}

),

scoring_models as (

    select
        model_id,
        status as model_status
    from {{ ref('scoring_models') }}

),

handoffs as (

    select
        model_id,
        group_name,
        handoff_date
    from {{ ref('fct_handoffs') }}

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
        ) as top_decile_conversion_rate
    from leads_scored
    group by model_id, backtest_date

),

groups_on_day as (

    select
        model_id,
        backtest_date,
        group_name,
        is_sales_ready,
        count(*) as group_leads,
        sum(case when is_converted then 1 else 0 end) as group_converted_leads
    from leads_scored
    group by model_id, backtest_date, group_name, is_sales_ready

),

-- Handoffs into each group in the window (of the days up to as_of).
group_handoffs as (

    select
        days.model_id,
        days.backtest_date,
        handoffs.group_name,
        count(*) as handoffs
    from days
    inner join handoffs
        on
            days.model_id = handoffs.model_id
            and days.backtest_date <= handoffs.handoff_date
            and handoffs.handoff_date < {{ dbt.dateadd(
                'day', var('backtest_window_days'), 'days.backtest_date'
            ) }}
    group by days.model_id, days.backtest_date, handoffs.group_name

),

final as (

    select
        days.model_id,
        scoring_models.model_status,
        groups_on_day.group_name,
        days.leads,
        backtest_auc.converted_leads,
        days.conversion_rate,
        backtest_auc.auc,
        days.top_decile_conversion_rate
        / nullif(days.conversion_rate, 0) as top_decile_lift,
        groups_on_day.group_leads,
        groups_on_day.group_converted_leads,
        groups_on_day.group_converted_leads / groups_on_day.group_leads
            as group_conversion_rate,
        case
            when groups_on_day.is_sales_ready
                then coalesce(group_handoffs.handoffs, 0) * 7.0 / least(
                    {{ var('backtest_window_days') }},
                    {{ dbt.datediff(
                        'days.backtest_date', as_of_date(), 'day'
                    ) }} + 1
                )
        end as handoffs_per_week,
        groups_on_day.is_sales_ready,
        {{ dbt.dateadd(
            'day', var('backtest_window_days') - 1, 'days.backtest_date'
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
    inner join scoring_models
        on days.model_id = scoring_models.model_id
    left join group_handoffs
        on
            groups_on_day.model_id = group_handoffs.model_id
            and groups_on_day.backtest_date = group_handoffs.backtest_date
            and groups_on_day.group_name = group_handoffs.group_name

)

select * from final
