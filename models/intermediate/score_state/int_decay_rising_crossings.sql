-- For each segment and band boundary above its first score: the first day
-- on the rising part of the segment (before its turn day, see
-- int_decay_turns) on which the score reaches the boundary, by search.
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
        rising_peak_score
    from {{ ref('int_decay_turns') }}

),

boundaries as (

    select
        model_id,
        min_score as boundary_score
    from {{ ref('score_groups') }}
    where min_score is not null

),

rising_candidates as (

    select
        turns.lead_id,
        turns.model_id,
        turns.valid_from,
        boundaries.boundary_score,
        false as is_falling,
        turns.search_from as low_date,
        cast({{ dbt.dateadd('day', -1, 'turns.turn_date') }} as date)
            as high_date
    from turns
    inner join boundaries
        on turns.model_id = boundaries.model_id
    where
        boundaries.boundary_score > turns.start_score
        and boundaries.boundary_score <= turns.rising_peak_score
        and turns.turn_date > {{ dbt.dateadd('day', 1, 'turns.search_from') }}

),

{{ search_days('rise', 'rising_candidates', 'probe_score >= boundary_score') }}

select
    lead_id,
    model_id,
    boundary_score,
    found_score as lead_score,
    valid_from,
    found_date as crossing_date
from rise_found
where found_score >= boundary_score and found_date > valid_from
