-- One row per lead, scored model and day decay alone moves it into
-- another group, with the groups before and after and the score that day,
-- over the whole of its score state: the moves after as_of too, which are
-- fixed until the lead's next change (fct_group_transitions shows each on
-- its day). Only the segments int_score_segments marks is_searched are
-- searched. Inside a segment every component gives min(cap, a + b * x)
-- for one decay factor x, running from 1 on valid_from down (to 0 for the
-- open segment): the score is piecewise linear in x, and each piece
-- crosses a bound at most once.
--
-- Written with the state: a run searches the leads int_score_state
-- rescored, keeps the others' rows and writes the table back whole (it
-- is small; a rescored lead may have no move left to replace its old ones;
-- Spark keeps the partition column model_id last, hence the column list).
{{ config(
    materialized='incremental',
    unique_key='model_id',
    partition_by=['model_id'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
{%- set window = scoring_window() %}
{%- set rescored = 'true' if window.rescore_from is none else
    "scored_at > cast('" ~ window.last_run_started_at ~ "' as "
    ~ dbt.type_timestamp() ~ ")" %}
with

rescored_segments as (

    select
        lead_id,
        model_id,
        valid_from,
        is_searched,
        scored_at,
        rescored_from
    from {{ ref('int_score_segments') }}
    where {{ rescored }}

),

segments as (

    select *
    from rescored_segments
    where is_searched

),

rescored_components as (

    {{ score_components(rescored) }}

),

state as (

    select rescored_components.*
    from rescored_components
    inner join segments
        on
            rescored_components.lead_id = segments.lead_id
            and rescored_components.model_id = segments.model_id
            and rescored_components.valid_from = segments.valid_from

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

searched as (

    select
        state.lead_id,
        state.model_id,
        state.valid_from,
        state.valid_to,
        coalesce(state.last_activity_date, state.valid_from)
            as last_activity_date,
        state.cap_points,
        state.fixed_points,
        case
            when scoring_models.decay_method = 'half_life'
                then
                    state.decaying_points
                    * {{ decay_factor_on('state.valid_from') }}
            else state.decaying_points
        end as decaying_points,
        {{ decay_factor_on('state.valid_from', 'state.valid_from') }}
            as start_factor,
        case
            when state.valid_to is null then 0.0
            else {{ decay_factor_on(
                'cast(' ~ dbt.dateadd('day', -1, 'state.valid_to')
                ~ ' as date)', 'state.valid_from'
            ) }}
        end as end_factor
    from state
    inner join scoring_models
        on state.model_id = scoring_models.model_id

),

-- The factors at which the total changes slope: both ends, and where a
-- component reaches its cap in between.
break_points as (

    select distinct
        lead_id,
        model_id,
        valid_from,
        valid_to,
        last_activity_date,
        decay_factor
    from (
        select
            lead_id,
            model_id,
            valid_from,
            valid_to,
            last_activity_date,
            start_factor as decay_factor
        from searched
        union all
        select
            lead_id,
            model_id,
            valid_from,
            valid_to,
            last_activity_date,
            end_factor as decay_factor
        from searched
        union all
        select
            lead_id,
            model_id,
            valid_from,
            valid_to,
            last_activity_date,
            (cap_points - fixed_points) / decaying_points as decay_factor
        from searched
        where
            cap_points is not null
            and decaying_points <> 0
            and (cap_points - fixed_points) / decaying_points > end_factor
            and (cap_points - fixed_points) / decaying_points < start_factor
    ) as factors

),

pieces as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        last_activity_date,
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
    from (
        select
            break_points.lead_id,
            break_points.model_id,
            break_points.valid_from,
            break_points.valid_to,
            break_points.last_activity_date,
            break_points.decay_factor,
            sum(
                case
                    when
                        searched.cap_points is not null
                        and searched.fixed_points
                        + searched.decaying_points * break_points.decay_factor
                        > searched.cap_points
                        then searched.cap_points
                    else
                        searched.fixed_points
                        + searched.decaying_points * break_points.decay_factor
                end
            ) as total_points
        from break_points
        inner join searched
            on
                break_points.lead_id = searched.lead_id
                and break_points.model_id = searched.model_id
                and break_points.valid_from = searched.valid_from
        group by
            break_points.lead_id,
            break_points.model_id,
            break_points.valid_from,
            break_points.valid_to,
            break_points.last_activity_date,
            break_points.decay_factor
    ) as totals

),

-- Each piece crosses a bound at most once, at a factor found by
-- interpolation; the first day decay reaches it is a logarithm away.
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
    from pieces
    inner join score_groups as bounds
        on pieces.model_id = bounds.model_id
    where
        pieces.high_points <> pieces.low_points
        and bounds.min_score >= least(pieces.low_points, pieces.high_points)
        and bounds.min_score <= greatest(pieces.low_points, pieces.high_points)

),

-- The first day the factor is at or below the crossing factor, and its
-- distance to the next candidate: a day, or an inactivity step.
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
    inner join scoring_models
        on crossings.model_id = scoring_models.model_id
    where
        crossings.crossing_factor > 0
        or scoring_models.decay_method = 'inactivity'
        and scoring_models.decay_pct >= 100

),

-- Floating point may put that day one off: the days either side are
-- candidates too, each scored with the day before it.
candidate_days as (

    select distinct
        lead_id,
        model_id,
        valid_from,
        score_date
    from (
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
        cross join (
            select -1 as step_offset
            union all
            select 0 as step_offset
            union all
            select 1 as step_offset
        ) as step_offsets
    ) as candidates
    where
        score_date > valid_from
        and (valid_to is null or score_date < valid_to)

),

candidate_scores as (

    select
        scored_days.lead_id,
        scored_days.model_id,
        scored_days.valid_from,
        scored_days.score_date,
        scored_days.is_day_before,
        {{ clamp_score(
            'sum(' ~ component_points_on('scored_days.score_date') ~ ')'
        ) }} as lead_score
    from (
        select
            lead_id,
            model_id,
            valid_from,
            score_date,
            false as is_day_before
        from candidate_days
        union all
        select
            lead_id,
            model_id,
            valid_from,
            cast({{ dbt.dateadd('day', -1, 'score_date') }} as date)
                as score_date,
            true as is_day_before
        from candidate_days
    ) as scored_days
    inner join state
        on
            scored_days.lead_id = state.lead_id
            and scored_days.model_id = state.model_id
            and scored_days.valid_from = state.valid_from
    inner join scoring_models
        on scored_days.model_id = scoring_models.model_id
    group by
        scored_days.lead_id,
        scored_days.model_id,
        scored_days.valid_from,
        scored_days.score_date,
        scored_days.is_day_before,
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
        segments.scored_at,
        segments.rescored_from
    from candidate_scores as on_day
    inner join candidate_scores as day_before
        on
            on_day.lead_id = day_before.lead_id
            and on_day.model_id = day_before.model_id
            and on_day.valid_from = day_before.valid_from
            and day_before.score_date
            = cast({{ dbt.dateadd('day', -1, 'on_day.score_date') }} as date)
            and day_before.is_day_before
    inner join segments
        on
            on_day.lead_id = segments.lead_id
            and on_day.model_id = segments.model_id
            and on_day.valid_from = segments.valid_from
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

),

final as (

    select *
    from moves
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
    left join (
        select distinct
            lead_id,
            model_id
        from rescored_segments
    ) as rescored
        on
            previous.lead_id = rescored.lead_id
            and previous.model_id = rescored.model_id
    where rescored.lead_id is null
    {%- endif %}

)

select * from final
