-- Every month-start from the first scored day up to as_of: the days
-- rpt_model_backtest freezes the scores on (up to 1,000 months of them,
-- beyond any history earliest_valid_date allows).
{{ config(materialized='view') }}
with

-- The score state (a table), not int_score_components (a view): the
-- same first day at a fraction of the cost.
state_days as (

    select valid_from
    from {{ ref('int_score_state') }}

),

history as (

    select
        min(valid_from) as first_day,
        cast({{ dbt.date_trunc('month', 'min(valid_from)') }} as date)
            as first_month_start
    from state_days

),

digits as (

    {% for digit in range(10) -%}
        select {{ digit }} as digit
        {% if not loop.last %}
            union all
        {% endif %}
    {% endfor %}

),

month_starts as (

    select
        history.first_day,
        cast({{ dbt.dateadd(
            'month',
            'hundreds.digit * 100 + tens.digit * 10 + ones.digit',
            'history.first_month_start',
        ) }} as date) as score_date
    from history
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as ones

),

final as (

    select score_date
    from month_starts
    where
        score_date >= first_day
        and score_date <= {{ as_of_date() }}

)

select * from final
