{#- The score state by segment (the select of int_score_components): one
    row per lead, scored model, segment and component, each segment (a
    `_fit` row) with the rule rows that hold through it. `where`
    filters the state rows first, on both sides of the join: the
    incremental models read only the leads a run rescored, for example
    "scored_at > cast('2026-11-30 06:00:00' as timestamp)". Its CTE names
    are its own: Spark rejects a nested CTE that shadows an outer one. -#}
{% macro score_components(where='true') %}
with

state_rows as (

    select
        lead_id,
        model_id,
        component,
        category,
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

segment_rows as (

    select *
    from state_rows
    where component = '_fit'

),

rule_rows as (

    select *
    from state_rows
    where component <> '_fit'

),

components as (

    select
        segment_rows.lead_id,
        segment_rows.model_id,
        rule_rows.component,
        rule_rows.category,
        rule_rows.cap_points,
        rule_rows.fixed_points,
        rule_rows.decaying_points,
        rule_rows.decaying_from,
        segment_rows.valid_from,
        segment_rows.valid_to,
        segment_rows.last_activity_date,
        segment_rows.scored_at,
        segment_rows.rescored_from,
        segment_rows.lead_bucket
    from segment_rows
    inner join rule_rows
        on
            segment_rows.lead_id = rule_rows.lead_id
            and segment_rows.model_id = rule_rows.model_id
            -- A run writes every row of a lead: one scored_at, which lets a
            -- filter on it reach both sides.
            and segment_rows.scored_at = rule_rows.scored_at
            and segment_rows.valid_from >= rule_rows.valid_from
            and (
                rule_rows.valid_to is null
                or segment_rows.valid_from < rule_rows.valid_to
            )
    union all
    select *
    from segment_rows

)

select * from components
{% endmacro %}
