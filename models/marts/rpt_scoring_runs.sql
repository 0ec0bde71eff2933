-- The run log: one row per run and scored model, appended once the score
-- state, its current rows, the transitions and the backtest and
-- test-period scores of the run are written. The next run reads
-- the latest rows of an earlier dbt invocation to decide what to rescore
-- (see the scoring_window macro); a run that failed half-way leaves no
-- rows, so the next one looks back further. A full refresh starts it anew.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
) }}
-- depends_on: {{ ref('fct_group_transitions') }}
-- depends_on: {{ ref('int_month_start_scores') }}
-- depends_on: {{ ref('int_test_period_scores') }}
-- depends_on: {{ ref('int_score_state_current') }}
{%- set window = scoring_window() %}
{#- A run that did not carry forward every table that reads what it
    rescored (a partial selection) is not logged: the next run must look
    back from the last one that did. A failed one is not either (the
    depends_on above: this model is skipped). #}
{%- set logged = not execute or (
    'model.lead_scoring.int_leads_rescored' in selected_resources
    and 'model.lead_scoring.int_activities_matched_to_rules'
    in selected_resources
    and 'model.lead_scoring.int_score_state' in selected_resources
    and 'model.lead_scoring.int_score_state_current' in selected_resources
    and 'model.lead_scoring.int_score_segments' in selected_resources
    and 'model.lead_scoring.int_decay_transitions' in selected_resources
    and 'model.lead_scoring.fct_group_transitions' in selected_resources
    and 'model.lead_scoring.int_month_start_scores' in selected_resources
    and 'model.lead_scoring.int_test_period_scores' in selected_resources
) %}
with

fingerprints as (

    select
        model_id,
        seed_fingerprint,
        is_rescored,
        is_changed
    from {{ ref('int_seed_fingerprints_compared') }}

),

state as (

    select
        lead_id,
        model_id
    from {{ ref('int_leads_rescored') }}
    where scored_at = {{ run_started_timestamp() }}

),

activities as (

    select loaded_at
    from {{ ref('int_activities_unioned') }}

),

rescored_leads as (

    select
        model_id,
        count(distinct lead_id) as rescored_leads
    from state
    group by model_id

),

final as (

    select
        '{{ invocation_id }}' as invocation_id,
        {{ run_started_timestamp() }} as run_started_at,
        {{ as_of_date() }} as as_of,
        fingerprints.model_id,
        fingerprints.seed_fingerprint,
        {{ "cast('" ~ window.rescore_from ~ "' as date)"
            if window.rescore_from is not none else 'cast(null as date)' }}
            as rescore_from,
        fingerprints.is_rescored as is_model_rescored,
        fingerprints.is_changed as is_model_changed,
        coalesce(rescored_leads.rescored_leads, 0) as rescored_leads,
        (select max(activities.loaded_at) from activities) as loaded_through
    from fingerprints
    left join rescored_leads
        on fingerprints.model_id = rescored_leads.model_id
    where {{ logged | lower }}

)

select * from final
