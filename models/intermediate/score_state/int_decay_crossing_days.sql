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
        coalesce(last_activity_date, valid_from) as last_activity_date,
        -- How far the rounded score may be from the unrounded total: half a
        -- millionth for each rule and for the total.
        (rule_rows + 1) * 0.0000005 as margin,
        largest_factor_points,
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

-- The factors between which a piece's total is within its margin of a
-- bound, clipped to the piece: the rounded score crosses the bound there.
crossings as (

    select
        pieces.lead_id,
        pieces.model_id,
        pieces.valid_from,
        pieces.valid_to,
        pieces.last_activity_date,
        pieces.largest_factor_points,
        pieces.low_factor,
        pieces.high_factor,
        pieces.low_factor
        + (bounds.min_score - pieces.margin - pieces.low_points)
        * (pieces.high_factor - pieces.low_factor)
        / (pieces.high_points - pieces.low_points) as below_factor,
        pieces.low_factor
        + (bounds.min_score + pieces.margin - pieces.low_points)
        * (pieces.high_factor - pieces.low_factor)
        / (pieces.high_points - pieces.low_points) as above_factor
    from piece_rows as pieces
    inner join bound_groups as bounds
        on pieces.model_id = bounds.model_id
    where
        pieces.high_points <> pieces.low_points
        and bounds.min_score + pieces.margin
        >= least(pieces.low_points, pieces.high_points)
        and bounds.min_score - pieces.margin
        <= greatest(pieces.low_points, pieces.high_points)

),

crossing_factors as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        last_activity_date,
        largest_factor_points,
        -- A larger factor is an earlier day.
        least(greatest(below_factor, above_factor), high_factor)
            as early_factor,
        greatest(least(below_factor, above_factor), low_factor)
            as late_factor
    from crossings

),

-- The first day decay reaches each factor: a logarithm away (half_life),
-- a whole number of decay steps after the latest activity (inactivity).
-- A score that stays within the margin longer than the eight candidate
-- days below is fading towards the bound: rounded, it reaches it on the
-- day its largest decaying rule falls below half a millionth (and every
-- rule rounds to 0), the fading day.
crossing_days as (

    select
        factors.lead_id,
        factors.model_id,
        factors.valid_from,
        factors.valid_to,
        {{ decay_day(
            'factors.early_factor',
            'factors.valid_from',
            'factors.last_activity_date',
        ) }} as early_date,
        {{ decay_day(
            'factors.late_factor',
            'factors.valid_from',
            'factors.last_activity_date',
        ) }} as late_date,
        case
            when
                factors.largest_factor_points >= 0.0000005
                and (
                    factors.late_factor <= 0
                    or factors.late_factor < factors.early_factor * case
                        when scoring_models.decay_method = 'half_life'
                            then power(0.5, 6.0 / scoring_models.decay_days)
                        else power(1 - scoring_models.decay_pct / 100.0, 6)
                    end
                )
                then {{ decay_day(
                    '0.0000005 / factors.largest_factor_points',
                    'factors.valid_from',
                    'factors.last_activity_date',
                ) }}
        end as fading_date,
        case
            when scoring_models.decay_method = 'half_life' then 1
            else scoring_models.decay_days
        end as step_days
    from crossing_factors as factors
    inner join crossing_models as scoring_models
        on factors.model_id = scoring_models.model_id

),

-- Floating point may put a day one off: from a step before the early day
-- to a step after the late one (at most eight steps), and a step either
-- side of the fading day.
step_offsets as (

    select
        'crossing' as day_kind,
        -1 as step_offset
    union all
    select
        'crossing' as day_kind,
        0 as step_offset
    union all
    select
        'crossing' as day_kind,
        1 as step_offset
    union all
    select
        'crossing' as day_kind,
        2 as step_offset
    union all
    select
        'crossing' as day_kind,
        3 as step_offset
    union all
    select
        'crossing' as day_kind,
        4 as step_offset
    union all
    select
        'crossing' as day_kind,
        5 as step_offset
    union all
    select
        'crossing' as day_kind,
        6 as step_offset
    union all
    select
        'fading' as day_kind,
        -1 as step_offset
    union all
    select
        'fading' as day_kind,
        0 as step_offset
    union all
    select
        'fading' as day_kind,
        1 as step_offset

),

candidate_days as (

    select
        crossing_days.lead_id,
        crossing_days.model_id,
        crossing_days.valid_from,
        crossing_days.valid_to,
        step_offsets.day_kind,
        cast({{ dbt.dateadd(
            'day',
            'step_offsets.step_offset * crossing_days.step_days',
            "case when step_offsets.day_kind = 'crossing'"
            ~ ' then crossing_days.early_date'
            ~ ' else crossing_days.fading_date end',
        ) }} as date) as score_date,
        crossing_days.late_date,
        crossing_days.step_days
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
    score_date is not null
    and score_date > valid_from
    and (valid_to is null or score_date < valid_to)
    and (
        day_kind = 'fading'
        or late_date is null
        or score_date <= cast({{ dbt.dateadd(
            'day', 'step_days', 'late_date'
        ) }} as date)
    )
