-- One row per lead, scored model and change of group up to as_of: the
-- first group (from none), moves caused by new activity, and moves caused
-- by decay alone on the first day the decayed score crosses the band.
with

segments as (

    select
        lead_id,
        model_id,
        start_group,
        end_group,
        start_score,
        valid_from
    from {{ ref('int_score_segments') }}

),

decay_transitions as (

    select
        lead_id,
        model_id,
        from_group,
        to_group,
        lead_score,
        transition_date
    from {{ ref('int_decay_transitions') }}

),

score_groups as (

    select
        model_id,
        group_name,
        sort_order
    from {{ ref('score_groups') }}

),

-- A segment starts with new points or activity: its group against the
-- group the previous segment ended in.
segment_starts as (

    select
        lead_id,
        model_id,
        lag(end_group) over (
            partition by lead_id, model_id order by valid_from
        ) as from_group,
        start_group as to_group,
        start_score as lead_score,
        valid_from as transition_date
    from segments

),

transitions as (

    select
        lead_id,
        model_id,
        from_group,
        to_group,
        'activity' as cause,
        lead_score,
        transition_date
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
        transition_date
    from decay_transitions

),

final as (

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

)

select * from final
