-- One row per scored model and lead of its test period, with the score
-- the lead had on its observed_date, before sales touched it (see
-- int_leads_observed_for_test_period), its group and its decile.
with

scoring_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct,
        min_score,
        max_score
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

observed as (

    select
        lead_id,
        model_id,
        period_start,
        period_end,
        is_converted,
        observed_date
    from {{ ref('int_leads_observed_for_test_period') }}

),

score_state as (

    select
        lead_id,
        model_id,
        component,
        cap_points,
        fixed_points,
        decaying_points,
        decaying_from,
        valid_from,
        valid_to,
        last_activity_date
    from {{ ref('int_score_state') }}

),

-- The segment of each observed lead on its observed_date (its `_fit` row).
segments as (

    select
        observed.*,
        state.valid_from,
        state.last_activity_date
    from observed
    inner join score_state as state
        on
            observed.lead_id = state.lead_id
            and observed.model_id = state.model_id
            and state.component = '_fit'
            and observed.observed_date >= state.valid_from
            and (
                state.valid_to is null
                or observed.observed_date < state.valid_to
            )

),

score_groups as (

    select
        model_id,
        group_name,
        min_score,
        max_score,
        is_sales_ready
    from {{ ref('score_groups') }}

),

-- The rows of every component that hold on that day, and the segment's
-- latest activity for their decay: int_score_components read for one day.
scored as (

    select
        segment.lead_id,
        segment.model_id,
        segment.period_start,
        segment.period_end,
        segment.is_converted,
        segment.observed_date,
        {{ clamp_score(
            'sum('
            ~ component_points_on('segment.observed_date', 'segment')
            ~ ')'
        ) }} as lead_score
    from segments as segment
    inner join score_state as state
        on
            segment.lead_id = state.lead_id
            and segment.model_id = state.model_id
            and segment.observed_date >= state.valid_from
            and (
                state.valid_to is null
                or segment.observed_date < state.valid_to
            )
    inner join scoring_models
        on segment.model_id = scoring_models.model_id
    group by
        segment.lead_id,
        segment.model_id,
        segment.period_start,
        segment.period_end,
        segment.is_converted,
        segment.observed_date,
        scoring_models.min_score,
        scoring_models.max_score

),

final as (

    select
        scored.lead_id,
        scored.model_id,
        score_groups.group_name,
        cast(scored.lead_score as double) as lead_score,
        ntile(10) over (
            partition by scored.model_id
            order by round(scored.lead_score, 6), scored.lead_id
        ) as score_decile,
        score_groups.is_sales_ready,
        scored.is_converted,
        scored.period_start,
        scored.period_end,
        scored.observed_date
    from scored
    inner join score_groups
        on
            scored.model_id = score_groups.model_id
            and {{ in_band('scored.lead_score', 'score_groups') }}

)

select * from final
