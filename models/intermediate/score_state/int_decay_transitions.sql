-- The days decay alone moves a lead into another group (see the YAML).
{{ config(
    materialized='incremental',
    unique_key='model_id',
    partition_by=['model_id'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_leads_rescored') }}, {{ ref('int_score_segments') }}
{%- set window = scoring_window() %}
with

score_models as (

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
        max_score
    from {{ ref('score_groups') }}

),

scored_days as (

    select
        lead_id,
        model_id,
        valid_from,
        score_date,
        false as is_day_before
    from {{ ref('int_decay_crossing_days') }}
    union all
    select
        lead_id,
        model_id,
        valid_from,
        cast({{ dbt.dateadd('day', -1, 'score_date') }} as date) as score_date,
        true as is_day_before
    from {{ ref('int_decay_crossing_days') }}

),

-- Each rule's points on the candidate days, rounded.
candidate_rules as (

    select
        scored_days.lead_id,
        scored_days.model_id,
        scored_days.valid_from,
        scored_days.score_date,
        scored_days.is_day_before,
        state.scored_at,
        state.rescored_from,
        state.category,
        state.cap_points,
        {{ component_value_on('scored_days.score_date') }} as points
    from scored_days
    inner join {{ ref('int_decay_searched_components') }} as state
        on
            scored_days.lead_id = state.lead_id
            and scored_days.model_id = state.model_id
            and scored_days.valid_from = state.valid_from
    inner join score_models as scoring_models
        on scored_days.model_id = scoring_models.model_id

),

candidate_categories as (

    select
        lead_id,
        model_id,
        valid_from,
        score_date,
        is_day_before,
        scored_at,
        rescored_from,
        {{ capped_points('sum(points)', 'cap_points') }} as points
    from candidate_rules
    group by
        lead_id,
        model_id,
        valid_from,
        score_date,
        is_day_before,
        scored_at,
        rescored_from,
        category,
        cap_points

),

candidate_scores as (

    select
        categories.lead_id,
        categories.model_id,
        categories.valid_from,
        categories.score_date,
        categories.is_day_before,
        categories.scored_at,
        categories.rescored_from,
        {{ clamp_score('sum(categories.points)') }} as lead_score
    from candidate_categories as categories
    inner join score_models as scoring_models
        on categories.model_id = scoring_models.model_id
    group by
        categories.lead_id,
        categories.model_id,
        categories.valid_from,
        categories.score_date,
        categories.is_day_before,
        categories.scored_at,
        categories.rescored_from,
        scoring_models.min_score,
        scoring_models.max_score

),

moves as (

    select
        on_day.lead_id,
        on_day.model_id,
        previous_groups.group_name as from_group,
        current_groups.group_name as to_group,
        on_day.lead_score,
        on_day.score_date as transition_date,
        on_day.valid_from,
        on_day.scored_at,
        on_day.rescored_from
    from candidate_scores as on_day
    inner join candidate_scores as day_before
        on
            on_day.lead_id = day_before.lead_id
            and on_day.model_id = day_before.model_id
            and on_day.valid_from = day_before.valid_from
            and day_before.score_date
            = cast({{ dbt.dateadd('day', -1, 'on_day.score_date') }} as date)
            and day_before.is_day_before
    inner join score_groups as current_groups
        on
            on_day.model_id = current_groups.model_id
            and {{ in_band('on_day.lead_score', 'current_groups') }}
    inner join score_groups as previous_groups
        on
            day_before.model_id = previous_groups.model_id
            and {{ in_band('day_before.lead_score', 'previous_groups') }}
    where
        not on_day.is_day_before
        and previous_groups.group_name <> current_groups.group_name

)

select * from moves
{%- if window.rescore_from is not none %}
union all
select
    previous.lead_id,
    previous.model_id,
    previous.from_group,
    previous.to_group,
    previous.lead_score,
    previous.transition_date,
    previous.valid_from,
    previous.scored_at,
    previous.rescored_from
from {{ this }} as previous
left join {{ ref('int_leads_rescored') }} as rescored
    on
        previous.lead_id = rescored.lead_id
        and previous.model_id = rescored.model_id
        and rescored.scored_at > cast(
            '{{ window.last_run_started_at }}' as {{ dbt.type_timestamp() }}
        )
-- A lead rescored from a day keeps its moves in the segments that ended
-- before the first one the run wrote.
left join (
    select
        lead_id,
        model_id,
        min(valid_from) as valid_from
    from {{ ref('int_score_segments') }}
    where {{ window.rescored_rows }}
    group by lead_id, model_id
) as written_segments
    on
        previous.lead_id = written_segments.lead_id
        and previous.model_id = written_segments.model_id
where
    rescored.lead_id is null
    or (
        rescored.rescored_from is not null
        and previous.valid_from < written_segments.valid_from
    )
{%- endif %}
