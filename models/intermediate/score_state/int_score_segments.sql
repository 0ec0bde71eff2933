-- One row per lead, scored model and segment of the score state (the days
-- from one change day to the next, or to as_of): the score and group on the
-- first and on the last day. Inside a segment only decay moves the score.
-- When fct_group_transitions is carried forward, only the segments that
-- can hold a new transition are here: those of a lead rescored since the
-- last run (is_rescored) from the one before transitions_from (the day its
-- state changed from; null: its first day), and the last segment of the
-- others, which decay carries from the last run's as_of to this one: for
-- those, start_score is taken on search_from, the last
-- run's as_of, and decay moves are searched for after it only.
{%- set window = scoring_window('fct_group_transitions') %}
{%- set rescored = 'true' if window.rescore_from is none else
    "state.scored_at > cast('" ~ window.last_run_started_at ~ "' as "
    ~ dbt.type_timestamp() ~ ")" %}
{%- set transitions_from = 'cast(null as date)' if window.rescore_from is none
    else 'state.rescored_from' %}
with

state as (

    select
        state.lead_id,
        state.model_id,
        state.cap_points,
        state.fixed_points,
        state.decaying_points,
        state.decaying_from,
        state.valid_from,
        state.valid_to,
        state.last_activity_date,
        -- A run rewrites every row of a lead it rescores.
        {{ rescored }} as is_rescored,
        {{ transitions_from }} as transitions_from
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
        end as end_date,
        case
            when is_rescored then valid_from
            else cast('{{ window.previous_as_of or as_of_text() }}' as date)
        end as search_from
    from state
    where
        valid_to is null
        or (
            is_rescored
            and (transitions_from is null or valid_to >= transitions_from)
        )

),

scored as (

    select
        state.lead_id,
        state.model_id,
        state.valid_from,
        state.end_date,
        state.is_rescored,
        state.transitions_from,
        state.search_from,
        {{ clamp_score(
            'sum(' ~ component_points_on('state.search_from') ~ ')'
        ) }} as start_score,
        {{ clamp_score(
            'sum(' ~ component_points_on('state.end_date') ~ ')'
        ) }} as end_score
    from bounded as state
    inner join scoring_models
        on state.model_id = scoring_models.model_id
    group by
        state.lead_id,
        state.model_id,
        state.valid_from,
        state.end_date,
        state.is_rescored,
        state.transitions_from,
        state.search_from,
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
        scored.valid_from,
        scored.end_date,
        scored.is_rescored,
        scored.transitions_from,
        scored.search_from
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
