-- The score state's run control: what each lead's state was last computed
-- from; a run rewrites the rows of the leads it rescores (see the YAML).
{{ config(
    materialized='incremental',
    unique_key=['lead_id', 'model_id'],
    partition_by=['lead_bucket'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('stg_marketing__visitor_identities') }}
{%- set window = scoring_window() %}
{%- set rescore_from = "cast('" ~ window.rescore_from ~ "' as date)"
    if window.rescore_from else 'cast(null as date)' %}
{%- set previous_as_of = "cast('" ~ window.previous_as_of ~ "' as date)"
    if window.previous_as_of else 'cast(null as date)' %}
with

leads as (

    select
        lead_id,
        cast(created_at as date) as created_date,
        substr({{ dbt.hash('lead_id') }}, 1, 1) as lead_bucket
    from {{ ref('stg_marketing__leads') }}
    where cast(created_at as date) <= {{ as_of_date() }}

),

-- Every scored model; is_rescored: its whole history is rescored.
scoring_models as (

    select
        model_id,
        is_rescored
    from {{ ref('int_seed_fingerprints_compared') }}

),

activity_counts as (

    select
        lead_id,
        count(*) as activity_count,
        -- Up to the last run's as_of: fewer than it counted when one was
        -- deleted or moved to another lead.
        count(case when activity_date <= {{ previous_as_of }} then 1 end)
            as settled_count,
        -- Late events: dated before rescore_from, loaded after loaded_through.
        max(case when activity_date < {{ rescore_from }} then loaded_at end)
            as settled_loaded_at,
        max(activity_date) >= {{ rescore_from }} as is_active
    from {{ ref('int_activities_unioned') }}
    where lead_id is not null and activity_date <= {{ as_of_date() }}
    group by lead_id

),

fit as (

    select
        lead_id,
        model_id,
        sum(fit_points) as fit_points
    from {{ ref('int_leads_matched_to_fit_rules') }}
    group by lead_id, model_id

),

{%- if window.rescore_from is not none %}

-- Identified since rescore_from: the lead's old visits are stitched to it.
identified_leads as (

    select distinct lead_id
    from {{ ref('stg_marketing__visitor_identities') }}
    where cast(identified_at as date) >= {{ rescore_from }}

),
{%- endif %}

-- is_changed: its state may differ before rescore_from, transitions too.
reasons as (

    select
        leads.lead_id,
        scoring_models.model_id,
        leads.created_date,
        coalesce(fit.fit_points, 0) as fit_points,
        coalesce(activity_counts.activity_count, 0) as activity_count,
        coalesce(activity_counts.is_active, false) as is_active,
        {%- if window.rescore_from is none %}
            true
        {%- else %}
        previous.lead_id is null
        or leads.created_date >= {{ rescore_from }}
        or identified_leads.lead_id is not null
        or activity_counts.settled_loaded_at > previous.loaded_through
        or coalesce(activity_counts.settled_count, 0) <> previous.activity_count
        or coalesce(fit.fit_points, 0) <> previous.fit_points
        or scoring_models.is_rescored
        -- Rescored from its first day by a run that did not finish.
        or (
            previous.scored_at > cast(
                '{{ window.last_run_started_at }}' as {{ dbt.type_timestamp() }}
            )
            and previous.rescored_from is null
        )
        {%- endif %}
            as is_changed,
        leads.lead_bucket
    from leads
    cross join scoring_models
    left join activity_counts
        on leads.lead_id = activity_counts.lead_id
    left join fit
        on
            leads.lead_id = fit.lead_id
            and scoring_models.model_id = fit.model_id
    {%- if window.rescore_from is not none %}
    left join identified_leads
        on leads.lead_id = identified_leads.lead_id
    left join {{ this }} as previous
        on
            leads.lead_id = previous.lead_id
            and scoring_models.model_id = previous.model_id
    {%- endif %}

),

final as (

    select
        lead_id,
        model_id,
        created_date,
        fit_points,
        activity_count,
        (
            select max(activities.loaded_at)
            from {{ ref('int_activities_unioned') }} as activities
        ) as loaded_through,
        case when not is_changed then {{ rescore_from }} end as rescored_from,
        {{ run_started_timestamp() }} as scored_at,
        lead_bucket
    from reasons
    where is_changed or is_active

)

select * from final
{{ spark_kept_rows('final') }}
