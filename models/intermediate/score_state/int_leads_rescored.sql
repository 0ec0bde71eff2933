-- The score state's run control: what each lead's state was last computed
-- from; a run rewrites the rows of the leads it rescores (see the YAML).
{{ config(
    materialized='incremental',
    unique_key=['lead_id', 'model_id'],
    partition_by=['lead_bucket'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
{%- set window = scoring_window() %}
{%- set rescore_from = "cast('" ~ window.rescore_from ~ "' as date)"
    if window.rescore_from else 'cast(null as date)' %}
{%- set previous_as_of = "cast('" ~ window.previous_as_of ~ "' as date)"
    if window.previous_as_of else 'cast(null as date)' %}
{%- set loaded_through = "cast("
    ~ ("'" ~ window.loaded_through ~ "'" if window.loaded_through else 'null')
    ~ " as " ~ dbt.type_timestamp() ~ ")" %}
with

leads as (

    select
        lead_id,
        cast(created_at as date) as created_date,
        substr({{ dbt.hash('lead_id') }}, 1, 1) as lead_bucket
    from {{ ref('stg_marketing__leads') }}
    where cast(created_at as date) <= {{ as_of_date() }}

),

activities as (

    select
        lead_id,
        activity_date,
        loaded_at,
        activity_type = 'web.time_on_site' as is_derived,
        -- What the last run counted (up to its as_of, loaded by then), if
        -- it is still there (DECISIONLOG: "What a run rescores from the
        -- first day"); web.time_on_site aside, as in every count below.
        activity_type <> 'web.time_on_site'
        and activity_date <= {{ previous_as_of }}
        and loaded_at <= {{ loaded_through }} as is_settled,
        {{ row_fingerprint([
            'activity_id', 'activity_type', 'activity_key', 'activity_value',
            'duration_seconds', 'occurred_at', 'loaded_at',
        ]) }} as fingerprint
    from {{ ref('int_activities_unioned') }}
    where lead_id is not null and activity_date <= {{ as_of_date() }}

),

-- Every scored model; is_rescored: its whole history is rescored.
scoring_models as (

    select
        model_id,
        is_rescored
    from {{ ref('int_seed_fingerprints_compared') }}

),

-- web.time_on_site is left out of the counts: it is derived from the
-- day's web events, which are counted, and its loaded_at moves whenever
-- a later event of the same day arrives.
activity_counts as (

    select
        lead_id,
        count(case when not is_derived then 1 end) as activity_count,
        -- Fewer when one was deleted, moved to another lead or sent again.
        -- Activities loaded since are the two conditions below.
        count(case when is_settled then 1 end) as settled_count,
        -- It also changes when one was sent again with other values, or
        -- another arrived late with an older _loaded_at in place of one
        -- deleted (the count stays).
        bit_xor(case when is_settled then fingerprint end)
            as settled_fingerprint,
        bit_xor(case when not is_derived then fingerprint end)
            as activity_fingerprint,
        -- Late events: dated before rescore_from, loaded after loaded_through.
        max(case when activity_date < {{ rescore_from }} then loaded_at end)
            as settled_loaded_at,
        -- Activity from rescore_from on that the last run did not score:
        -- dated after its as_of, or loaded after it (the rest of a day it
        -- scored in part, a late event, a visitor identified since). The
        -- lead is rescored from rescore_from; a lead whose activity in the
        -- lookback was all scored already keeps its state.
        count(
            case
                when
                    activity_date >= {{ rescore_from }}
                    and (
                        activity_date > {{ previous_as_of }}
                        or coalesce(loaded_at > {{ loaded_through }}, true)
                    )
                    then 1
            end
        ) > 0 as is_active
    from activities
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

-- is_changed: its state may differ before rescore_from, transitions too;
-- it is rescored from its first day. A lead whose past is as the last run
-- computed it and that has activity from rescore_from on the last run did
-- not score (is_active) is rescored from rescore_from; any other lead is
-- kept.
reasons as (

    select
        leads.lead_id,
        scoring_models.model_id,
        leads.created_date,
        coalesce(fit.fit_points, 0) as fit_points,
        coalesce(activity_counts.activity_count, 0) as activity_count,
        coalesce(activity_counts.activity_fingerprint, 0)
            as activity_fingerprint,
        coalesce(activity_counts.is_active, false) as is_active,
        {%- if window.rescore_from is none %}
            true
        {%- else %}
        -- Every term is true or false, never null: a null would leave
        -- the lead rescored from its first day (rescored_from empty).
        previous.lead_id is null
        or leads.created_date <> previous.created_date
        -- A late activity, or a visitor identified since the last run:
        -- its older visits reach the lead loaded after loaded_through
        -- (empty when no activity had been loaded).
        or coalesce(
            activity_counts.settled_loaded_at > previous.loaded_through,
            activity_counts.settled_loaded_at is not null
        )
        or coalesce(activity_counts.settled_count, 0) <> previous.activity_count
        or coalesce(activity_counts.settled_fingerprint, 0)
        <> previous.activity_fingerprint
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
        activity_fingerprint,
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
