-- One row per segment (see int_score_segments) and day on which decay may
-- move the score across a band boundary, computed rather than searched.
-- Inside a segment every component decays by the same factor x, from 1 on
-- its first day down (see the macro decay_factor_on), so the total is a
-- function of x alone: the sum of min(cap, fixed + decaying * x), linear in
-- x between the caps' break points. Each linear piece crosses a boundary at
-- most once, at a factor found by interpolation, and the day decay reaches
-- that factor is a logarithm away: half_life, decay_days * log2(1 / x) days
-- after valid_from; inactivity, log(x) / log(1 - decay_pct) steps after the
-- latest activity. Floating point may put that day one off, so the day
-- before and the day after are candidates too: int_decay_transitions
-- scores each with the day before it and keeps the real changes.
with

segments as (

    select
        lead_id,
        model_id,
        valid_from,
        search_from,
        end_date
    from {{ ref('int_score_segments') }}
    where search_from < end_date

),

-- Models whose scores decay at all.
scoring_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct
    from {{ ref('scoring_models') }}
    where
        decay_method = 'half_life'
        or (decay_method = 'inactivity' and decay_pct > 0)

),

boundaries as (

    select
        model_id,
        min_score as boundary_score
    from {{ ref('score_groups') }}
    where min_score is not null

),

state as (

    select
        state.lead_id,
        state.model_id,
        state.valid_from,
        state.cap_points,
        state.fixed_points,
        -- Half-life points as they stand on valid_from, from which x runs.
        case
            when scoring_models.decay_method = 'half_life'
                then
                    state.decaying_points
                    * {{ decay_factor_on('state.valid_from') }}
            else state.decaying_points
        end as decaying_points,
        coalesce(state.last_activity_date, state.valid_from)
            as last_activity_date,
        segments.search_from,
        segments.end_date,
        -- The factor on the first and the last day searched.
        {{ decay_factor_on('segments.search_from', 'state.valid_from') }}
            as start_factor,
        {{ decay_factor_on('segments.end_date', 'state.valid_from') }}
            as end_factor
    from {{ ref('int_segment_state') }} as state
    inner join segments
        on
            state.lead_id = segments.lead_id
            and state.model_id = segments.model_id
            and state.valid_from = segments.valid_from
    inner join scoring_models
        on state.model_id = scoring_models.model_id

),

-- The factors at which the total changes slope: both ends, and where a
-- component reaches its cap in between.
break_points as (

    select
        lead_id,
        model_id,
        valid_from,
        last_activity_date,
        search_from,
        end_date,
        start_factor as decay_factor
    from state
    union
    select
        lead_id,
        model_id,
        valid_from,
        last_activity_date,
        search_from,
        end_date,
        end_factor as decay_factor
    from state
    union
    select
        lead_id,
        model_id,
        valid_from,
        last_activity_date,
        search_from,
        end_date,
        (cap_points - fixed_points) / decaying_points as decay_factor
    from state
    where
        cap_points is not null
        and decaying_points <> 0
        and (cap_points - fixed_points) / decaying_points > end_factor
        and (cap_points - fixed_points) / decaying_points < start_factor

),

break_point_totals as (

    select
        break_points.lead_id,
        break_points.model_id,
        break_points.valid_from,
        break_points.last_activity_date,
        break_points.search_from,
        break_points.end_date,
        break_points.decay_factor,
        sum(
            case
                when
                    state.cap_points is not null
                    and state.fixed_points
                    + state.decaying_points * break_points.decay_factor
                    > state.cap_points
                    then state.cap_points
                else
                    state.fixed_points
                    + state.decaying_points * break_points.decay_factor
            end
        ) as total_points
    from break_points
    inner join state
        on
            break_points.lead_id = state.lead_id
            and break_points.model_id = state.model_id
            and break_points.valid_from = state.valid_from
    group by
        break_points.lead_id,
        break_points.model_id,
        break_points.valid_from,
        break_points.last_activity_date,
        break_points.search_from,
        break_points.end_date,
        break_points.decay_factor

),

pieces as (

    select
        lead_id,
        model_id,
        valid_from,
        last_activity_date,
        search_from,
        end_date,
        decay_factor as low_factor,
        total_points as low_points,
        lead(decay_factor) over (
            partition by lead_id, model_id, valid_from
            order by decay_factor
        ) as high_factor,
        lead(total_points) over (
            partition by lead_id, model_id, valid_from
            order by decay_factor
        ) as high_points
    from break_point_totals

),

crossings as (

    select
        pieces.lead_id,
        pieces.model_id,
        pieces.valid_from,
        pieces.last_activity_date,
        pieces.search_from,
        pieces.end_date,
        pieces.low_factor
        + (boundaries.boundary_score - pieces.low_points)
        * (pieces.high_factor - pieces.low_factor)
        / (pieces.high_points - pieces.low_points) as crossing_factor
    from pieces
    inner join boundaries
        on pieces.model_id = boundaries.model_id
    where
        pieces.high_points <> pieces.low_points
        and boundaries.boundary_score
        >= least(pieces.low_points, pieces.high_points)
        and boundaries.boundary_score
        <= greatest(pieces.low_points, pieces.high_points)

),

-- The first day the factor is at or below the crossing factor.
crossing_days as (

    select
        crossings.lead_id,
        crossings.model_id,
        crossings.valid_from,
        crossings.search_from,
        crossings.end_date,
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
        -- The candidates' distance from it: a day, or an inactivity step.
        case
            when scoring_models.decay_method = 'half_life' then 1
            else scoring_models.decay_days
        end as step_days
    from crossings
    inner join scoring_models
        on crossings.model_id = scoring_models.model_id
    where
        crossings.crossing_factor > 0
        or scoring_models.decay_method = 'inactivity'
        and scoring_models.decay_pct >= 100

),

offsets as (

    select -1 as step_offset
    union all
    select 0 as step_offset
    union all
    select 1 as step_offset

),

candidates as (

    select distinct
        crossing_days.lead_id,
        crossing_days.model_id,
        crossing_days.valid_from,
        crossing_days.search_from,
        crossing_days.end_date,
        cast({{ dbt.dateadd(
            'day',
            'offsets.step_offset * crossing_days.step_days',
            'crossing_days.crossing_date',
        ) }} as date) as score_date
    from crossing_days
    cross join offsets

)

select
    lead_id,
    model_id,
    valid_from,
    score_date
from candidates
where score_date > search_from and score_date <= end_date
