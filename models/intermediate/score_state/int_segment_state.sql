-- The score state rows of the segments this run examines for decay moves
-- (int_score_segments): the decay models probe many days of each segment,
-- and joining this small table is much cheaper than the whole state.
with

state as (

    select
        lead_id,
        model_id,
        component,
        valid_from,
        cap_points,
        fixed_points,
        decaying_points,
        decaying_from,
        last_activity_date
    from {{ ref('int_score_state') }}

),

segments as (

    select
        lead_id,
        model_id,
        valid_from
    from {{ ref('int_score_segments') }}

),

final as (

    select state.*
    from state
    inner join segments
        on
            state.lead_id = segments.lead_id
            and state.model_id = segments.model_id
            and state.valid_from = segments.valid_from

)

select * from final
