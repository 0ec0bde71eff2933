-- One row per lead, scored model and change of group up to as_of: the
-- first group (from none), moves caused by new activity, moves caused by
-- decay alone on the first day the decayed score crosses the band, and
-- (cause model_change) moves that appeared when the model's seeds changed.
--
-- Incremental: a run recomputes the transitions of the leads it rescored
-- from the day their state changed (see int_score_segments), adds the
-- decay transitions of the others since the last run's as_of, keeps every
-- other row, and writes the whole table back (it is small).
{{ config(
    materialized='incremental',
    unique_key='model_id',
    partition_by=['model_id'] if target.type == 'spark' else none,
) }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
{%- set window = scoring_window() %}
{%- set changed_models = "'" ~ window.changed_models | join("', '") ~ "'" %}
{%- set previous_as_of =
    "cast('" ~ (window.previous_as_of or as_of_text()) ~ "' as date)" %}
{%- set columns = [
    'lead_id', 'model_id', 'from_group', 'to_group', 'direction', 'cause',
    'lead_score', 'transition_date',
] %}
{%- set rescored = 'true' if window.rescore_from is none else
    "scored_at > cast('" ~ window.last_run_started_at ~ "' as "
    ~ dbt.type_timestamp() ~ ")" %}
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
    where {{ rescored }}

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
        {{ rescored }} as is_rescored,
        {{ 'cast(null as date)' if window.rescore_from is none
            else 'rescored_from' }} as transitions_from
    from moves

),

-- The leads int_score_state rescored this run, each from the day its
-- state changed (null: its first day).
leads_scored as (

    select distinct
        lead_id,
        model_id,
        transitions_from
    from changes
    where is_rescored

),

-- What this run adds: the moves of a rescored lead from the day its state
-- changed, and the decay moves of the others since the last run's as_of.
transitions as (

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

),

score_groups as (

    select
        model_id,
        group_name,
        sort_order
    from {{ ref('score_groups') }}

),

computed as (

    select
        transitions.lead_id,
        transitions.model_id,
        transitions.from_group,
        transitions.to_group,
        case
            when transitions.from_group is null then 'first'
            when to_groups.sort_order > from_groups.sort_order then 'up'
            else 'down'
        end as direction,
        transitions.cause,
        transitions.lead_score,
        transitions.transition_date
    from transitions
    inner join score_groups as to_groups
        on
            transitions.model_id = to_groups.model_id
            and transitions.to_group = to_groups.group_name
    left join score_groups as from_groups
        on
            transitions.model_id = from_groups.model_id
            and transitions.from_group = from_groups.group_name

),

-- The table as the last run left it (nothing on a full refresh).
previous as (

    select
        {{ columns | join(',\n        ') }}
    from {{ 'computed' if window.rescore_from is none else this }}
    where {{ (window.rescore_from is not none) | lower }}

),

-- A recomputed transition keeps the cause model_change it was given; one
-- up to the last run's as_of that did not exist before the model's seeds
-- changed gets it. Kept rows stop where recomputed ones start, so a run
-- repeated after a failure does not count a move twice.
final as (

    select
        computed.lead_id,
        computed.model_id,
        computed.from_group,
        computed.to_group,
        computed.direction,
        case
            when previous.cause = 'model_change' then previous.cause
            when
                previous.lead_id is null
                and computed.model_id in ({{ changed_models }})
                and computed.transition_date <= {{ previous_as_of }}
                then 'model_change'
            else computed.cause
        end as cause,
        computed.lead_score,
        computed.transition_date
    from computed
    left join previous
        on
            computed.lead_id = previous.lead_id
            and computed.model_id = previous.model_id
            and computed.transition_date = previous.transition_date
            and coalesce(computed.from_group, '')
            = coalesce(previous.from_group, '')
            and computed.to_group = previous.to_group
    union all
    select
        previous.{{ columns | join(',\n        previous.') }}
    from previous
    left join leads_scored
        on
            previous.lead_id = leads_scored.lead_id
            and previous.model_id = leads_scored.model_id
    where
        (
            leads_scored.lead_id is null
            and previous.transition_date <= {{ previous_as_of }}
        )
        or previous.transition_date < leads_scored.transitions_from

)

select * from final
