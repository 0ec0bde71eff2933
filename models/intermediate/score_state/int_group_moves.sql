-- Part of fct_group_transitions (ephemeral): the moves between groups this
-- run adds, up to as_of (see the YAML).
{{ config(materialized='ephemeral') }}
{%- set window = scoring_window(for_model='fct_group_transitions') %}
{%- set previous_as_of =
    "cast('" ~ (window.previous_as_of or as_of_text()) ~ "' as date)" %}
with

-- The leads this run rescored.
rescored_leads as (

    select
        lead_id,
        model_id
    from {{ ref('int_leads_rescored') }}
    where {{ window.rescored_rows }}

),

-- A segment starts with new points or activity: its group against the
-- group the previous segment ended in (only a rescored lead has new ones;
-- the segment before its first new one may be one the run kept).
segment_starts as (

    select
        segments.lead_id,
        segments.model_id,
        lag(segments.end_group) over (
            partition by segments.lead_id, segments.model_id
            order by segments.valid_from
        ) as from_group,
        segments.start_group as to_group,
        segments.start_score as lead_score,
        segments.valid_from as transition_date,
        segments.scored_at,
        segments.rescored_from
    from {{ ref('int_score_segments') }} as segments
    inner join rescored_leads
        on
            segments.lead_id = rescored_leads.lead_id
            and segments.model_id = rescored_leads.model_id

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

-- is_changed: the model's seeds changed since the last run.
seed_changes as (

    select
        model_id,
        is_changed
    from {{ ref('int_seed_fingerprints_compared') }}

),

changes as (

    select
        moves.lead_id,
        moves.model_id,
        moves.from_group,
        moves.to_group,
        moves.cause,
        moves.lead_score,
        moves.transition_date,
        seed_changes.is_changed as is_model_changed,
        {{ window.rescored_rows }} as is_rescored,
        {{ 'cast(null as date)' if window.rescore_from is none
            else 'moves.rescored_from' }} as transitions_from
    from moves
    inner join seed_changes
        on moves.model_id = seed_changes.model_id

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
    transition_date,
    is_model_changed
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
