-- The score state. A row per lead, scored model, activity rule and day
-- its points change, valid to the rule's next change (its running fixed
-- and decaying points, its count of activities awarded points, and its
-- category), and a `_fit` row per lead, model
-- and change day, valid to the next change day: a segment, inside which
-- only decay moves the score. int_score_components gives each segment its
-- rule rows; on a day D the score is clamp(sum over categories of min(cap,
-- sum over rules of round(fixed + decaying * decay(D), 6))), rounded (see
-- the macro lead_scores_on).
--
-- Incremental: a run rescores the leads int_leads_rescored marks, from
-- their first day (int_score_day_points, int_score_rule_changes and
-- int_score_change_days compute them); the others keep their rows. DuckDB
-- replaces a rescored lead's rows by key; Spark overwrites the lead_bucket
-- partitions the rescored leads fall in.
{{ config(
    materialized='incremental',
    unique_key=['lead_id', 'model_id'],
    partition_by=['lead_bucket'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
{%- set window = scoring_window() %}
with

rescored_leads as (

    select
        lead_id,
        model_id,
        fit_points,
        rescored_from,
        lead_bucket
    from {{ ref('int_leads_rescored') }}
    where {{ window.rescored_rows }}

),

score_categories as (

    select
        model_id,
        category,
        max_points
    from {{ ref('score_categories') }}

),

components as (

    select
        lead_id,
        model_id,
        component,
        category,
        change_date,
        fixed_points,
        decaying_points,
        decaying_from,
        awarded_activities,
        cast(null as date) as last_activity_date,
        valid_to
    from {{ ref('int_score_rule_changes') }}
    union all
    select
        lead_id,
        model_id,
        '_fit' as component,
        '_fit' as category,
        change_date,
        0 as fixed_points,
        cast(0 as double) as decaying_points,
        change_date as decaying_from,
        0 as awarded_activities,
        last_activity_date,
        valid_to
    from {{ ref('int_score_change_days') }}

),

final as (

    select
        components.lead_id,
        components.model_id,
        components.component,
        components.category,
        score_categories.max_points as cap_points,
        case
            when components.component = '_fit'
                then rescored_leads.fit_points
            else components.fixed_points
        end as fixed_points,
        -- Decaying points as they stood at the end of decaying_from
        -- (half_life), or before decay (inactivity, none).
        components.decaying_points,
        components.decaying_from,
        cast(components.awarded_activities as {{ dbt.type_bigint() }})
            as awarded_activities,
        components.change_date as valid_from,
        components.valid_to,
        components.last_activity_date,
        {{ run_started_timestamp() }} as scored_at,
        rescored_leads.rescored_from,
        rescored_leads.lead_bucket
    from components
    inner join rescored_leads
        on
            components.lead_id = rescored_leads.lead_id
            and components.model_id = rescored_leads.model_id
    left join score_categories
        on
            components.model_id = score_categories.model_id
            and components.category = score_categories.category

)

select * from final
{{ spark_kept_rows('rescored_leads') }}
