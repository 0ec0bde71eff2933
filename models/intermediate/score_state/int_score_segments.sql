-- One row per lead, scored model and segment of its score state (the days
-- from one change day up to the next; inside, only decay moves the score):
-- the score and group on its first and its last day (for the open
-- segment, the limit decay tends to), and whether decay may move it
-- across a bound inside (is_searched, see int_decay_transitions).
--
-- Written with the state: a run computes the segments whose state rows it
-- wrote (a rescored lead's, from the segment that held on the day before
-- rescored_from) and keeps the others, as the state does (carry_forward).
{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite' if target.type == 'spark'
    else 'carry_forward',
    unique_key=['lead_id', 'model_id'],
    partition_by=['lead_bucket'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
{%- set window = scoring_window() %}
with

state as (

    {{ score_components(window.rescored_rows) }}

),

scoring_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct,
        min_score,
        max_score,
        decay_method = 'half_life'
        or (decay_method = 'inactivity' and decay_pct > 0) as decays
    from {{ ref('scoring_models') }}

),

score_groups as (

    select
        model_id,
        group_name,
        min_score,
        max_score
    from {{ ref('score_groups') }}

),

-- Each rule's points on the segment's first and last day (for the open
-- segment, the limit decay tends to), rounded.
rule_points as (

    select
        state.lead_id,
        state.model_id,
        state.valid_from,
        state.valid_to,
        state.scored_at,
        state.rescored_from,
        state.lead_bucket,
        state.category,
        state.cap_points,
        state.decaying_points,
        {{ component_value_on('state.valid_from') }} as start_points,
        case
            when state.valid_to is null
                then {{ score_precision('state.fixed_points') }}
            else {{ component_value_on(
                'cast(' ~ dbt.dateadd('day', -1, 'state.valid_to')
                ~ ' as date)'
            ) }}
        end as end_points
    from state
    inner join scoring_models
        on state.model_id = scoring_models.model_id

),

category_points as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        scored_at,
        rescored_from,
        lead_bucket,
        {{ capped_points('sum(start_points)', 'cap_points') }}
            as start_points,
        {{ capped_points('sum(end_points)', 'cap_points') }} as end_points,
        min(decaying_points) as min_decaying_points,
        max(decaying_points) as max_decaying_points
    from rule_points
    group by
        lead_id,
        model_id,
        valid_from,
        valid_to,
        scored_at,
        rescored_from,
        lead_bucket,
        category,
        cap_points

),

segments as (

    select
        category_points.lead_id,
        category_points.model_id,
        category_points.valid_from,
        category_points.valid_to,
        category_points.scored_at,
        category_points.rescored_from,
        category_points.lead_bucket,
        scoring_models.decays,
        {{ clamp_score('sum(category_points.start_points)') }}
            as start_score,
        {{ clamp_score('sum(category_points.end_points)') }} as end_score,
        min(category_points.min_decaying_points) < 0
        and max(category_points.max_decaying_points) > 0 as is_mixed
    from category_points
    inner join scoring_models
        on category_points.model_id = scoring_models.model_id
    group by
        category_points.lead_id,
        category_points.model_id,
        category_points.valid_from,
        category_points.valid_to,
        category_points.scored_at,
        category_points.rescored_from,
        category_points.lead_bucket,
        scoring_models.decays,
        scoring_models.min_score,
        scoring_models.max_score

),

grouped as (

    select
        segments.*,
        start_groups.group_name as start_group,
        end_groups.group_name as end_group
    from segments
    inner join score_groups as start_groups
        on
            segments.model_id = start_groups.model_id
            and {{ in_band('segments.start_score', 'start_groups') }}
    inner join score_groups as end_groups
        on
            segments.model_id = end_groups.model_id
            and {{ in_band('segments.end_score', 'end_groups') }}

),

final as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        start_score,
        start_group,
        end_group,
        -- Every component decays by one factor x, so the score is monotone
        -- in x unless two components decay with opposite signs: it can
        -- then only cross a bound if the first and last days are in
        -- different groups.
        decays
        and (valid_to is null or valid_to > {{ dbt.dateadd(
            'day', 1, 'valid_from') }})
        and (is_mixed or start_group <> end_group) as is_searched,
        scored_at,
        rescored_from,
        lead_bucket
    from grouped

)

select * from final
{{ spark_kept_rows('final', carried_from='rescored_from') }}
