-- Part of int_decay_transitions (ephemeral): each searched segment's
-- score as a piecewise linear function of the decay factor (see the YAML).
{{ config(materialized='ephemeral') }}
with

-- A category's points are linear in the decay factor up to its cap: its
-- rules, summed (unrounded; int_decay_transitions scores the days found).
searched as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        coalesce(last_activity_date, valid_from) as last_activity_date,
        cap_points,
        sum(fixed_points) as fixed_points,
        sum(factor_points) as factor_points,
        count(*) as rule_rows,
        max(abs(factor_points)) as largest_factor_points,
        start_factor,
        end_factor
    from {{ ref('int_decay_searched_components') }}
    group by
        lead_id,
        model_id,
        valid_from,
        valid_to,
        coalesce(last_activity_date, valid_from),
        category,
        cap_points,
        start_factor,
        end_factor

),

segment_ends as (

    select true as is_start
    union all
    select false as is_start

),

-- The factors at which the total changes slope: both ends, and where a
-- component reaches its cap in between.
break_points as (

    select
        searched.lead_id,
        searched.model_id,
        searched.valid_from,
        searched.valid_to,
        searched.last_activity_date,
        case
            when segment_ends.is_start then searched.start_factor
            else searched.end_factor
        end as decay_factor
    from searched
    cross join segment_ends
    union
    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        last_activity_date,
        (cap_points - fixed_points) / factor_points as decay_factor
    from searched
    where
        cap_points is not null
        and factor_points <> 0
        and (cap_points - fixed_points) / factor_points > end_factor
        and (cap_points - fixed_points) / factor_points < start_factor

),

totals as (

    select
        break_points.lead_id,
        break_points.model_id,
        break_points.valid_from,
        break_points.valid_to,
        break_points.last_activity_date,
        break_points.decay_factor,
        sum(searched.rule_rows) as rule_rows,
        max(searched.largest_factor_points) as largest_factor_points,
        sum(
            case
                when
                    searched.cap_points is not null
                    and searched.fixed_points
                    + searched.factor_points * break_points.decay_factor
                    > searched.cap_points
                    then searched.cap_points
                else
                    searched.fixed_points
                    + searched.factor_points * break_points.decay_factor
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

),

pieces as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        last_activity_date,
        rule_rows,
        largest_factor_points,
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
    from totals

)

select * from pieces
where high_factor is not null
