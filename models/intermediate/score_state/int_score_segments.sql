-- One row per lead, scored model and segment of the score state (the days
-- from one change day to the next, or to as_of): the score and group on the
-- first and on the last day. Inside a segment only decay moves the score.
-- When fct_group_transitions is carried forward, only the segments that
-- can hold a new transition are here: every segment of a lead rescored
-- since the last run (is_rescored), and the last segment of the others,
-- which decay carries from the last run's as_of to this one.
{%- set window = scoring_window('fct_group_transitions') %}
{%- set rescored = 'true' if window.rescore_from is none else
    "state.scored_at > cast('" ~ window.last_run_started_at ~ "' as "
    ~ dbt.type_timestamp() ~ ")" %}
with

state as (

    select
        state.lead_id,
        state.model_id,
        state.cap_points,
        state.fixed_points,
        state.decaying_points,
        state.valid_from,
        state.valid_to,
        state.last_activity_date,
        max(
            case when {{ rescored }} then 1 else 0 end
        ) over (partition by state.lead_id, state.model_id) = 1 as is_rescored
    from {{ ref('int_score_state') }} as state
    inner join {{ ref('int_seed_fingerprints') }} as scored_models
        on state.model_id = scored_models.model_id

),

scoring_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct,
        min_score,
        max_score
    from {{ ref('scoring_models') }}

),

score_groups as (

    select
        model_id,
        group_name,
        min_score,
        max_score,
        sort_order
    from {{ ref('score_groups') }}

),

bounded as (

    select
        *,
        case
            when valid_to is null or valid_to > {{ as_of_date() }}
                then {{ as_of_date() }}
            else cast({{ dbt.dateadd('day', -1, 'valid_to') }} as date)
        end as end_date
    from state
    {%- if window.rescore_from is not none %}
    where is_rescored or valid_to is null
    {%- endif %}

),

scored as (

    select
        state.lead_id,
        state.model_id,
        state.valid_from,
        state.end_date,
        state.is_rescored,
        {{ clamp_score(
            'sum(' ~ component_points_on('state.valid_from') ~ ')'
        ) }} as start_score,
        {{ clamp_score(
            'sum(' ~ component_points_on('state.end_date') ~ ')'
        ) }} as end_score,
        sum({{ decay_slope_on('state.valid_from') }}) as start_slope,
        sum({{ decay_slope_on('state.end_date') }}) as end_slope
    from bounded as state
    inner join scoring_models
        on state.model_id = scoring_models.model_id
    group by
        state.lead_id,
        state.model_id,
        state.valid_from,
        state.end_date,
        state.is_rescored,
        scoring_models.min_score,
        scoring_models.max_score

),

final as (

    select
        scored.lead_id,
        scored.model_id,
        start_groups.group_name as start_group,
        end_groups.group_name as end_group,
        scored.start_score,
        scored.end_score,
        scored.start_slope,
        scored.end_slope,
        scored.valid_from,
        scored.end_date,
        scored.is_rescored
    from scored
    left join score_groups as start_groups
        on
            scored.model_id = start_groups.model_id
            and {{ in_band('scored.start_score', 'start_groups') }}
    left join score_groups as end_groups
        on
            scored.model_id = end_groups.model_id
            and {{ in_band('scored.end_score', 'end_groups') }}

)

select * from final
