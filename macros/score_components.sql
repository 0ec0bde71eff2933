{#- The score state by segment (the select of int_score_components): one
    row per lead, scored model, segment and component, each segment (a
    `_fit` row) with the category rows that hold through it. `where`
    filters the state rows first, on both sides of the join: the
    incremental models read only the leads a run rescored, for example
    "scored_at > cast('2026-11-30 06:00:00' as timestamp)". -#}
{% macro score_components(where='true') %}
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
    where {{ where }}

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
{% endmacro %}
