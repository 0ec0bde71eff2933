-- One row per scored model with its test period: test_period_days from
-- activated_on (without it, the last test_period_days up to as_of), and
-- the last day observed so far (the period's last day, or as_of while it
-- runs).
{{ config(materialized='view') }}
with

scoring_models as (

    select
        model_id,
        activated_on
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

test_periods as (

    select
        model_id,
        cast(coalesce(
            activated_on,
            {{ dbt.dateadd('day', -var('test_period_days'), as_of_date()) }}
        ) as date) as period_start
    from scoring_models

),

periods as (

    select
        model_id,
        period_start,
        cast(
            {{ dbt.dateadd('day', var('test_period_days'), 'period_start') }}
            as date
        ) as period_end
    from test_periods

),

observed_periods as (

    select
        model_id,
        period_start,
        period_end,
        case
            when period_end <= {{ as_of_date() }}
                then cast({{ dbt.dateadd('day', -1, 'period_end') }} as date)
            else {{ as_of_date() }}
        end as observed_through
    from periods

)

select * from observed_periods
