-- Part of int_decay_transitions (ephemeral): the days on which decay may
-- move a searched segment across a band bound (see the YAML).
{{ config(materialized='ephemeral') }}
with

piece_rows as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        last_activity_date,
        low_factor,
        low_points,
        high_factor,
        high_points
    from {{ ref('int_decay_pieces') }}

),

crossing_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct
    from {{ ref('scoring_models') }}

),

bound_groups as (

    select
        model_id,
        min_score
    from {{ ref('score_groups') }}

),

crossings as (

    select
        pieces.lead_id,
        pieces.model_id,
        pieces.valid_from,
        pieces.valid_to,
        pieces.last_activity_date,
        pieces.low_factor
        + (bounds.min_score - pieces.low_points)
        * (pieces.high_factor - pieces.low_factor)
        / (pieces.high_points - pieces.low_points) as crossing_factor
    from piece_rows as pieces
    inner join bound_groups as bounds
        on pieces.model_id = bounds.model_id
    where
        pieces.high_points <> pieces.low_points
        and bounds.min_score >= least(pieces.low_points, pieces.high_points)
        and bounds.min_score <= greatest(pieces.low_points, pieces.high_points)

),

crossing_days as (

    select
        crossings.lead_id,
        crossings.model_id,
        crossings.valid_from,
        crossings.valid_to,
        case
            when scoring_models.decay_method = 'half_life'
                then cast({{ dbt.dateadd(
                    'day',
                    'cast(ceil(scoring_models.decay_days * ln('
                    ~ 'crossings.crossing_factor) / ln(0.5)) as int)',
                    'crossings.valid_from',
                ) }} as date)
            when scoring_models.decay_pct >= 100
                then cast({{ dbt.dateadd(
                    'day', 'scoring_models.decay_days',
                    'crossings.last_activity_date',
                ) }} as date)
            else cast({{ dbt.dateadd(
                'day',
                'cast(ceil(ln(crossings.crossing_factor) / ln(1 - '
                ~ 'scoring_models.decay_pct / 100.0)) as int) '
                ~ '* scoring_models.decay_days',
                'crossings.last_activity_date',
            ) }} as date)
        end as crossing_date,
        case
            when scoring_models.decay_method = 'half_life' then 1
            else scoring_models.decay_days
        end as step_days
    from crossings
    inner join crossing_models as scoring_models
        on crossings.model_id = scoring_models.model_id
    where
        crossings.crossing_factor > 0
        or scoring_models.decay_method = 'inactivity'
        and scoring_models.decay_pct >= 100

),

step_offsets as (

    select -1 as step_offset
    union all
    select 0 as step_offset
    union all
    select 1 as step_offset

),

candidate_days as (

    select
        crossing_days.lead_id,
        crossing_days.model_id,
        crossing_days.valid_from,
        crossing_days.valid_to,
        cast({{ dbt.dateadd(
            'day',
            'step_offsets.step_offset * crossing_days.step_days',
            'crossing_days.crossing_date',
        ) }} as date) as score_date
    from crossing_days
    cross join step_offsets

)

select distinct
    lead_id,
    model_id,
    valid_from,
    score_date
from candidate_days
where
    score_date > valid_from
    and (valid_to is null or score_date < valid_to)
