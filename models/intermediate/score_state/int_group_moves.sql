-- Part of fct_group_transitions (ephemeral): the moves between groups this
-- run adds, up to as_of (see the YAML).
{{ config(materialized='ephemeral') }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
{%- set window = scoring_window(for_model='fct_group_transitions') %}
{%- set previous_as_of =
    "cast('" ~ (window.previous_as_of or as_of_text()) ~ "' as date)" %}
with

-- A segment starts with new points or activity: its group against the
-- group the previous segment ended in (only a rescored lead has new ones).
segment_starts as (

    select
        lead_id,
        model_id,
        lag(end_group) over (
            partition by lead_id, model_id order by valid_from
        ) as from_group,
        start_group as to_group,
        start_score as lead_score,
        valid_from as transition_date,
        scored_at,
        rescored_from
    from {{ ref('int_score_segments') }}
    where {{ window.rescored_rows }}

),

moves as (

    select
        lead_id,
        model_id,
        from_group,
        to_group,
        'activity' as cause,
        lead_score,
        transition_date,
        scored_at,
        rescored_from
    from segment_starts
    where from_group is null or from_group <> to_group
    union all
    select
        lead_id,
        model_id,
        from_group,
        to_group,
        'decay' as cause,
        lead_score,
        transition_date,
        scored_at,
        rescored_from
    from {{ ref('int_decay_transitions') }}

),

changes as (

    select
        lead_id,
        model_id,
        from_group,
        to_group,
        cause,
        lead_score,
        transition_date,
        {{ window.rescored_rows }} as is_rescored,
        {{ 'cast(null as date)' if window.rescore_from is none
            else 'rescored_from' }} as transitions_from
    from moves

)

-- The moves of a rescored lead from the day its state changed, and the
-- decay moves of the others since the last run's as_of.
select
    lead_id,
    model_id,
    from_group,
    to_group,
    cause,
    lead_score,
    transition_date
from changes
where
    transition_date <= {{ as_of_date() }}
    and (
        (
            is_rescored
            and (
                transitions_from is null
                or transition_date >= transitions_from
            )
        )
        or (not is_rescored and transition_date > {{ previous_as_of }})
    )
