-- Every lead's score under every scored model on each month-start of the
-- history (int_backtest_dates), kept from run to run: a run scores the
-- month-starts it has not scored yet, and the earlier ones again only for
-- the leads it rescored, from the day their score may have changed
-- (rescored_from; from their first day when it is empty). A lead whose
-- score is gone (no longer scored that day) keeps its old row, which
-- int_leads_scored_for_backtest leaves out with the lead's creation date.
{{ config(
    materialized='incremental',
    unique_key=['lead_id', 'model_id', 'backtest_date'],
    partition_by=['backtest_date'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
{%- set window = scoring_window() %}
with

backtest_dates as (

    select backtest_dates.score_date
    from {{ ref('int_backtest_dates') }} as backtest_dates
    {%- if is_incremental() %}
    left join (select distinct backtest_date from {{ this }}) as scored_dates
        on backtest_dates.score_date = scored_dates.backtest_date
    where scored_dates.backtest_date is null
    {%- endif %}

),

-- Every lead on the month-starts not scored yet.
new_scores as (

    {{ lead_scores_on(none, dates='backtest_dates') }}

),
{%- if is_incremental() %}

earlier_dates as (

    select distinct backtest_date as score_date
    from {{ this }}

),

-- The leads this run rescored (the state rows it wrote hold on every day
-- from rescored_from) on the
-- earlier month-starts, from the day their score may have changed.
rescored_scores as (

    {{ lead_scores_on(
        none,
        dates='earlier_dates',
        where=window.rescored_rows ~ ' and (state.rescored_from is null'
            ~ ' or score_dates.score_date >= state.rescored_from)',
    ) }}

),
{%- endif %}

scores as (

    select
        lead_id,
        model_id,
        lead_score,
        score_date
    from new_scores
    {%- if is_incremental() %}
    union all
    select
        lead_id,
        model_id,
        lead_score,
        score_date
    from rescored_scores
    {%- endif %}

),

final as (

    select
        lead_id,
        model_id,
        cast(lead_score as double) as lead_score,
        {{ run_started_timestamp() }} as scored_at,
        -- Last: Spark puts a partition column after the others.
        score_date as backtest_date
    from scores

)

select * from final
{{ spark_kept_rows(
    'final', partition='backtest_date', key=['lead_id', 'model_id', 'backtest_date']
) }}
