-- The score state's rows that hold now: per lead and scored model, its
-- open rule rows and its open `_fit` row (valid_to empty). The current
-- score and its reasons are computed from these (fct_lead_scores,
-- fct_lead_score_reasons) without reading the state's history, a fifth of
-- its rows at scale.
--
-- Incremental: a run replaces the rows of the leads int_score_state wrote
-- again (rescored: every one writes its open `_fit` row at least); the
-- other leads keep theirs, as in the state. Spark overwrites the
-- lead_bucket partitions the written leads fall in.
{{ config(
    materialized='incremental',
    unique_key=['lead_id', 'model_id'],
    partition_by=['lead_bucket'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
{%- set window = scoring_window() %}
with

written as (

    select
        lead_id,
        model_id,
        component,
        category,
        cap_points,
        fixed_points,
        decaying_points,
        decaying_from,
        awarded_activities,
        valid_from,
        valid_to,
        last_activity_date,
        scored_at,
        lead_bucket
    from {{ ref('int_score_state') }}
    where valid_to is null and {{ window.rescored_rows }}

)

select * from written
{{ spark_kept_rows('written') }}
