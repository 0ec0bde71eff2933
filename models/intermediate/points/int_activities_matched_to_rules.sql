-- One row per activity and activity rule of a scored model that matches it
-- (its type, key and value matched the rule's patterns, see
-- int_activity_values_matched_to_rules, and its duration is long enough),
-- with the rule's own caps applied: max_per_day counts the day's earliest
-- activities, max_points the lifetime's earliest points (undecayed).
with

activities as (

    select
        activity_id,
        lead_id,
        activity_type,
        activity_key,
        activity_value,
        duration_seconds,
        activity_date,
        occurred_at
    from {{ ref('int_activities_unioned') }}
    where lead_id is not null

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
        activities.occurred_at
    from activities
    inner join value_matches
        on
            activities.activity_type = value_matches.activity_type
            and lower(activities.activity_key)
            is not distinct from value_matches.activity_key
            and lower(activities.activity_value)
            is not distinct from value_matches.activity_value
    inner join activity_rules
        on value_matches.rule_id = activity_rules.rule_id
    where
        activity_rules.min_duration_seconds is null
        or activities.duration_seconds >= activity_rules.min_duration_seconds

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

points_before as (

    select
        *,
        coalesce(sum(
            case when is_within_daily_cap then abs(rule_points) else 0 end
        ) over (
            partition by rule_id, lead_id
            order by occurred_at asc nulls last, activity_id asc
            rows between unbounded preceding and 1 preceding
        ), 0) as rule_points_before
    from within_daily_cap

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
        occurred_at
    from points_before

)

select * from awarded
