-- One row per lead, scored model and change of group up to as_of (see the
-- YAML): a run adds int_group_moves and keeps the rows they do not replace.
{{ config(
    materialized='incremental',
    unique_key='model_id',
    partition_by=['model_id'] if target.type == 'spark' else none,
) }}
{%- set window = scoring_window() %}
{%- set previous_as_of =
    "cast('" ~ (window.previous_as_of or as_of_text()) ~ "' as date)" %}
{%- set columns = [
    'lead_id', 'model_id', 'from_group', 'to_group', 'direction', 'cause',
    'lead_score', 'transition_date',
] %}
with

transitions as (

    select
        lead_id,
        model_id,
        from_group,
        to_group,
        cause,
        lead_score,
        transition_date,
        is_model_changed
    from {{ ref('int_group_moves') }}

),

-- The leads int_score_state rescored this run, each from the day its
-- state changed (null: its first day).
leads_scored as (

    select
        lead_id,
        model_id,
        rescored_from as transitions_from
    from {{ ref('int_leads_rescored') }}
    where {{ window.rescored_rows }}

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
        transitions.transition_date,
        transitions.is_model_changed
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
                and computed.is_model_changed
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
