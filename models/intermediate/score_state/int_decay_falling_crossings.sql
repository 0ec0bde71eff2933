-- For each segment and band boundary above its last score: the first day
-- on the falling part of the segment (from its turn day on, see
-- int_decay_turns) on which the score is below the boundary, by search.
with

turns as (

    select
        lead_id,
        model_id,
        start_score,
        end_score,
        valid_from,
        search_from,
        end_date,
        turn_date,
        falling_peak_score
    from {{ ref('int_decay_turns') }}

),

boundaries as (

    select
        model_id,
        min_score as boundary_score
    from {{ ref('score_groups') }}
    where min_score is not null

),

falling_candidates as (

    select
        turns.lead_id,
        turns.model_id,
        turns.valid_from,
        boundaries.boundary_score,
        true as is_falling,
        turns.turn_date as low_date,
        turns.end_date as high_date
    from turns
    inner join boundaries
        on turns.model_id = boundaries.model_id
    where
        boundaries.boundary_score > turns.end_score
        and boundaries.boundary_score <= turns.falling_peak_score
        and turns.turn_date < turns.end_date

),

{{ search_days('fall', 'falling_candidates', 'probe_score < boundary_score') }}

select
    lead_id,
    model_id,
    boundary_score,
    found_score as lead_score,
    valid_from,
    found_date as crossing_date
from fall_found
where found_score < boundary_score and found_date > valid_from
