-- The score each lead of a test period had on its observed_date (see
-- int_leads_observed_for_test_period), kept from run to run: a run scores
-- a lead and model whose observed_date is not the one scored last time (a
-- new lead, a period still running, a first CRM stage change), and again a
-- lead it rescored from a day on or before its observed_date (from its
-- first day when rescored_from is empty), in the period or not. Once a
-- period has ended, a day so scores the few leads whose past changed, not
-- every lead. Spark
-- overwrites the lead_bucket partitions a run writes to, with the rows it
-- keeps.
{{ config(
    materialized='incremental',
    unique_key=['lead_id', 'model_id'],
    partition_by=['lead_bucket'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_leads_rescored') }}
{%- set window = scoring_window() %}
with

observed as (

    select
        lead_id,
        model_id,
        observed_date
    from {{ ref('int_leads_observed_for_test_period') }}

),

{%- if is_incremental() %}

-- The leads and models this run rescored, and the day from which (empty:
-- from the lead's first day).
rescored_leads as (

    select
        lead_id,
        model_id,
        rescored_from
    from {{ ref('int_leads_rescored') }}
    where {{ window.rescored_rows }}

),

-- Each lead's day: the one it is observed on now, else its row's (a lead
-- out of the period, rescored, keeps its row right for when it returns).
lead_days as (

    select
        coalesce(observed.lead_id, previous.lead_id) as lead_id,
        coalesce(observed.model_id, previous.model_id) as model_id,
        coalesce(observed.observed_date, previous.observed_date)
            as observed_date,
        previous.observed_date as scored_date
    from observed
    full outer join {{ this }} as previous
        on
            observed.lead_id = previous.lead_id
            and observed.model_id = previous.model_id

),

-- The leads whose day moved, and those this run rescored from a day on or
-- before it.
to_score as (

    select
        lead_days.lead_id,
        lead_days.model_id,
        lead_days.observed_date
    from lead_days
    left join rescored_leads
        on
            lead_days.lead_id = rescored_leads.lead_id
            and lead_days.model_id = rescored_leads.model_id
    where
        lead_days.scored_date is null
        or lead_days.scored_date <> lead_days.observed_date
        or (
            rescored_leads.lead_id is not null
            and (
                rescored_leads.rescored_from is null
                or rescored_leads.rescored_from <= lead_days.observed_date
            )
        )

),
{%- endif %}

-- The leads to score on their observed_date (all on a first build).
observed_dates as (

    select
        lead_id,
        model_id,
        observed_date as score_date
    from {{ 'to_score' if is_incremental() else 'observed' }}

),

observed_scores as (

    {{ lead_scores_on(none, dates='observed_dates', by_lead=true) }}

),

final as (

    select
        lead_id,
        model_id,
        score_date as observed_date,
        cast(lead_score as double) as lead_score,
        {{ run_started_timestamp() }} as scored_at,
        -- Last: Spark puts a partition column after the others.
        substr({{ dbt.hash('lead_id') }}, 1, 1) as lead_bucket
    from observed_scores

)

select * from final
{{ spark_kept_rows('final') }}
