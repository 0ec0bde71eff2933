-- One row per activity and activity rule of a scored model that matches it
-- (its type, key and value matched the rule's patterns, see
-- int_activity_values_matched_to_rules, and its duration is long enough),
-- with the rule's own caps applied: max_per_day counts the day's earliest
-- activities, max_points the lifetime's earliest points (undecayed).
--
-- Incremental, as the score state: a run matches the activities of the
-- leads int_leads_rescored marks, from their rescored_from on (all of them
-- for a lead rescored from its first day); the rows of a lead's earlier
-- days stay (the carry_forward strategy on activity_date), and give the
-- points its rules had awarded before (max_points). A rescored lead can be
-- left with no match under a model (its activity deleted, a rule changed):
-- the strategy so deletes by the leads int_leads_rescored marks
-- (carried_leads), not by the rows written. Spark overwrites the
-- lead_bucket partitions the rescored leads fall in, keeping the rows of
-- the leads not rescored and those dated before rescored_from.
{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite' if target.type == 'spark'
    else 'carry_forward',
    carried_until='activity_date',
    carried_leads='int_leads_rescored',
    unique_key=['lead_id', 'model_id'],
    partition_by=['lead_bucket'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
{%- set window = scoring_window() %}
{%- set carries_forward = is_incremental()
    and window.rescore_from is not none %}
with

-- The leads and models this run rescores, and the day from which (empty:
-- from the lead's first day, as whenever this table is rebuilt).
rescored_leads as (

    select
        lead_id,
        model_id,
        {{ 'rescored_from' if window.rescore_from is not none
            else 'cast(null as date)' }} as rescored_from,
        lead_bucket
    from {{ ref('int_leads_rescored') }}
    where {{ window.rescored_rows }}

),

-- Each rescored lead's earliest day a model rescores it from (empty: one
-- rescores it from its first day).
rescored_lead_days as (

    select
        lead_id,
        case
            when count(rescored_from) = count(*) then min(rescored_from)
        end as rescored_from
    from rescored_leads
    group by lead_id

),

-- The activities of a lead rescored under some model, from that day on.
activities as (

    select
        activities.activity_id,
        activities.lead_id,
        activities.activity_type,
        activities.activity_key,
        activities.activity_value,
        activities.duration_seconds,
        activities.activity_date,
        activities.occurred_at
    from {{ ref('int_activities_unioned') }} as activities
    inner join rescored_lead_days as leads
        on activities.lead_id = leads.lead_id
    where
        leads.rescored_from is null
        or activities.activity_date >= leads.rescored_from

),

activity_rules as (

    select
        activity_rules.rule_id,
        activity_rules.model_id,
        activity_rules.category,
        activity_rules.min_duration_seconds,
        activity_rules.points,
        activity_rules.max_per_day,
        activity_rules.max_points,
        coalesce(activity_rules.decays, true) as decays
    from {{ ref('activity_rules') }} as activity_rules

),

value_matches as (

    select
        activity_type,
        activity_key,
        activity_value,
        rule_id
    from {{ ref('int_activity_values_matched_to_rules') }}

),

matched as (

    select
        activities.activity_id,
        activities.lead_id,
        activity_rules.rule_id,
        activity_rules.model_id,
        activities.activity_type,
        activity_rules.category,
        activity_rules.points as rule_points,
        activity_rules.max_per_day,
        activity_rules.max_points,
        activity_rules.decays,
        activities.activity_date,
        activities.occurred_at,
        rescored_leads.rescored_from,
        rescored_leads.lead_bucket
    from activities
    inner join rescored_leads
        on activities.lead_id = rescored_leads.lead_id
    inner join value_matches
        on
            activities.activity_type = value_matches.activity_type
            and lower(activities.activity_key)
            is not distinct from value_matches.activity_key
            and lower(activities.activity_value)
            is not distinct from value_matches.activity_value
    inner join activity_rules
        on
            value_matches.rule_id = activity_rules.rule_id
            and rescored_leads.model_id = activity_rules.model_id
    where
        (
            rescored_leads.rescored_from is null
            or activities.activity_date >= rescored_leads.rescored_from
        )
        and (
            activity_rules.min_duration_seconds is null
            or activities.duration_seconds
            >= activity_rules.min_duration_seconds
        )

),

ranked_in_day as (

    select
        *,
        row_number() over (
            partition by rule_id, lead_id, activity_date
            order by occurred_at asc nulls last, activity_id asc
        ) as rank_in_day
    from matched

),

within_daily_cap as (

    select
        *,
        coalesce(rank_in_day <= max_per_day, true) as is_within_daily_cap
    from ranked_in_day

),

{%- if carries_forward %}

-- What the rules of a lead rescored from a day had counted towards
-- max_points before that day (its rows kept in place).
counted_before as (

    select
        previous.lead_id,
        previous.rule_id,
        sum(
            case
                when previous.is_within_daily_cap
                    then abs(previous.rule_points)
                else 0
            end
        ) as rule_points_counted
    from {{ this }} as previous
    inner join rescored_leads
        on
            previous.lead_id = rescored_leads.lead_id
            and previous.model_id = rescored_leads.model_id
    where previous.activity_date < rescored_leads.rescored_from
    group by previous.lead_id, previous.rule_id

),
{%- endif %}

points_before as (

    select
        within_daily_cap.*,
        {%- if carries_forward %}
        coalesce(counted_before.rule_points_counted, 0)
        + {% endif -%}
        coalesce(sum(
            case
                when within_daily_cap.is_within_daily_cap
                    then abs(within_daily_cap.rule_points)
                else 0
            end
        ) over (
            partition by within_daily_cap.rule_id, within_daily_cap.lead_id
            order by
                within_daily_cap.occurred_at asc nulls last,
                within_daily_cap.activity_id asc
            rows between unbounded preceding and 1 preceding
        ), 0) as rule_points_before
    from within_daily_cap
    {%- if carries_forward %}
    left join counted_before
        on
            within_daily_cap.lead_id = counted_before.lead_id
            and within_daily_cap.rule_id = counted_before.rule_id
    {%- endif %}

),

awarded as (

    select
        activity_id,
        lead_id,
        rule_id,
        model_id,
        activity_type,
        category,
        rule_points,
        case
            when not is_within_daily_cap then 0
            when max_points is null then rule_points
            when rule_points < 0
                then -greatest(
                    least(-rule_points, max_points - rule_points_before), 0
                )
            else greatest(
                least(rule_points, max_points - rule_points_before), 0
            )
        end as awarded_points,
        decays,
        is_within_daily_cap,
        activity_date,
        occurred_at,
        {{ run_started_timestamp() }} as scored_at,
        rescored_from,
        lead_bucket
    from points_before
    -- A later day is matched once as_of reaches it (its lead is then
    -- rescored): a row dated after as_of could outlive its activity. Its
    -- caps count only earlier activities, so the filter comes last.
    where activity_date <= {{ as_of_date() }}

)

select * from awarded
{{ spark_kept_rows(
    'rescored_leads',
    carried_from='rescored_from',
    carried_until='activity_date'
) }}
