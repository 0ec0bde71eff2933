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
        -- How far the rounded score may be from the unrounded total: half a
        -- millionth for each rule and for the total.
        (rule_rows + 1) * 0.0000005 as margin,
        low_factor,
        low_points,
        high_factor,
        high_points
    from {{ ref('int_decay_pieces') }}

),

searched_rules as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        coalesce(last_activity_date, valid_from) as last_activity_date,
        abs(factor_points) as factor_points
    from {{ ref('int_decay_searched_components') }}
    where abs(factor_points) >= 0.0000005

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
        -- A larger factor is an earlier day.
        least(greatest(below_factor, above_factor), high_factor)
            as early_factor,
        greatest(least(below_factor, above_factor), low_factor)
            as late_factor
    from crossings

),

-- The first day decay reaches each factor: a logarithm away (half_life),
-- a whole number of decay steps after the latest activity (inactivity).
crossing_days as (

    select
        factors.lead_id,
        factors.model_id,
        factors.valid_from,
        factors.valid_to,
        factors.last_activity_date,
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
            when scoring_models.decay_method = 'half_life' then 1
            else scoring_models.decay_days
        end as step_days
    from crossing_factors as factors
    inner join crossing_models as scoring_models
        on factors.model_id = scoring_models.model_id

),

-- A score within the margin of a bound for longer than the candidates
-- below cover is fading towards it: rounded, it reaches the bound on the
-- day its last decaying rule falls below half a millionth (and rounds to
-- 0). That day, per rule of those segments.
fading_segments as (

    select distinct
        lead_id,
        model_id,
        valid_from,
        step_days
    from crossing_days
    where
        late_date is null
        or late_date > cast({{ dbt.dateadd(
            'day', '6 * step_days', 'early_date'
        ) }} as date)

),

fading_days as (

    select
        rules.lead_id,
        rules.model_id,
        rules.valid_from,
        rules.valid_to,
        {{ decay_day(
            '0.0000005 / rules.factor_points',
            'rules.valid_from',
            'rules.last_activity_date',
        ) }} as fading_date,
        fading_segments.step_days
    from searched_rules as rules
    inner join fading_segments
        on
            rules.lead_id = fading_segments.lead_id
            and rules.model_id = fading_segments.model_id
            and rules.valid_from = fading_segments.valid_from
    inner join crossing_models as scoring_models
        on rules.model_id = scoring_models.model_id

),

factor_days as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        early_date,
        late_date,
        step_days
    from crossing_days
    union all
    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        fading_date as early_date,
        fading_date as late_date,
        step_days
    from fading_days

),

-- Floating point may put a day one off: from a step before the early day
-- to a step after the late one, at most eight steps.
step_offsets as (

    select -1 as step_offset
    union all
    select 0 as step_offset
    union all
    select 1 as step_offset
    union all
    select 2 as step_offset
    union all
    select 3 as step_offset
    union all
    select 4 as step_offset
    union all
    select 5 as step_offset
    union all
    select 6 as step_offset

),

candidate_days as (

    select
        factor_days.lead_id,
        factor_days.model_id,
        factor_days.valid_from,
        factor_days.valid_to,
        cast({{ dbt.dateadd(
            'day',
            'step_offsets.step_offset * factor_days.step_days',
            'factor_days.early_date',
        ) }} as date) as score_date,
        factor_days.late_date,
        factor_days.step_days
    from factor_days
    cross join step_offsets
    where factor_days.early_date is not null

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
    and (
        late_date is null
        or score_date <= cast({{ dbt.dateadd(
            'day', 'step_days', 'late_date'
        ) }} as date)
    )
