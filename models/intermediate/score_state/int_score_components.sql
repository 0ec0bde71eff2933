-- The score state read by segment: one row per lead, scored model, segment
-- (the days from one change day to the next, the `_fit` rows of
-- int_score_state) and component, with the category rows that hold through
-- it. A category row is written once per change of its points; this view
-- gives it each segment's dates and latest activity, which its decay on a
-- day needs (see the macros lead_scores_on and decay_factor_on).
{{ config(materialized='view') }}
with

state as (

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
        last_activity_date,
        scored_at,
        rescored_from,
        lead_bucket
    from {{ ref('int_score_state') }}

),

segments as (

    select *
    from state
    where component = '_fit'

),

categories as (

    select *
    from state
    where component <> '_fit'

),

final as (

    select
        segments.lead_id,
        segments.model_id,
        categories.component,
        categories.cap_points,
        categories.fixed_points,
        categories.decaying_points,
        categories.decaying_from,
        segments.valid_from,
        segments.valid_to,
        segments.last_activity_date,
        segments.scored_at,
        segments.rescored_from,
        segments.lead_bucket
    from segments
    inner join categories
        on
            segments.lead_id = categories.lead_id
            and segments.model_id = categories.model_id
            -- A run writes every row of a lead: one scored_at, which lets a
            -- filter on it reach both sides.
            and segments.scored_at = categories.scored_at
            and segments.valid_from >= categories.valid_from
            and (
                categories.valid_to is null
                or segments.valid_from < categories.valid_to
            )
    union all
    select *
    from segments

)

select * from final
