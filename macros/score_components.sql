{#- The score state by segment (the select of int_score_components): one
    row per lead, scored model, segment and component, each segment (a
    `_fit` row) with the state rows that hold through it: the rules' rows
    and its own `_fit` row (segments do not overlap, so no other `_fit`
    row holds through it). `where` filters the state rows first, on both
    sides of the join: the incremental models read only the rows a run
    wrote, for example
    "scored_at > cast('2026-11-30 06:00:00' as timestamp)". Those are a
    rescored lead's segments from the one that held on the day before
    rescored_from, and every rule row that holds through them: a rule row
    ends on a change day, which starts a segment, so a row that ended
    before that segment holds through none of them. Each CTE is
    read once: DuckDB materializes a CTE read twice, in memory, which ran
    out of it at a million leads. Its CTE names are its own: Spark rejects
    a nested CTE that shadows an outer one. -#}
{% macro score_components(where='true') %}
with

segment_rows as (

    select
        lead_id,
        model_id,
        valid_from,
        valid_to,
        last_activity_date,
        scored_at,
        rescored_from,
        lead_bucket
    from {{ ref('int_score_state') }}
    where component = '_fit' and {{ where }}

),

held_rows as (

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
        scored_at
    from {{ ref('int_score_state') }}
    where {{ where }}

),

components as (

    select
        segment_rows.lead_id,
        segment_rows.model_id,
        held_rows.component,
        held_rows.category,
        held_rows.cap_points,
        held_rows.fixed_points,
        held_rows.decaying_points,
        held_rows.decaying_from,
        segment_rows.valid_from,
        segment_rows.valid_to,
        segment_rows.last_activity_date,
        segment_rows.scored_at,
        segment_rows.rescored_from,
        segment_rows.lead_bucket
    from segment_rows
    inner join held_rows
        on
            segment_rows.lead_id = held_rows.lead_id
            and segment_rows.model_id = held_rows.model_id
            and segment_rows.valid_from >= held_rows.valid_from
            and (
                held_rows.valid_to is null
                or segment_rows.valid_from < held_rows.valid_to
            )

)

select * from components
{% endmacro %}
