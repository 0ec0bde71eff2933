-- One row per lead, scored model and segment of the score state (the days
-- from one change day to the next, or to as_of): the score and group on the
-- first and on the last day. Inside a segment only decay moves the score.
with

state as (

    select
        lead_id,
        model_id,
        cap_points,
        fixed_points,
        decaying_points,
        valid_from,
        valid_to,
        last_activity_date
    from {{ ref('int_score_state') }}

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

),

scored as (

    select
        state.lead_id,
        state.model_id,
        state.valid_from,
        state.end_date,
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
        scored.end_date
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
