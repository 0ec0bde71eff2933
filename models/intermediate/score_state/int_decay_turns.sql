-- One row per score segment that decay may move across a band boundary,
-- with its turn day: the score rises (negative points decaying, caps
-- letting go) until the day before the turn day and falls from it on.
-- The sum of the decaying points of the components below their cap only
-- grows as a segment ages, so there is at most one turn, found by search.
-- The highest score of each part bounds the boundaries it can cross.
with

segments as (

    select
        lead_id,
        model_id,
        start_score,
        end_score,
        start_slope,
        end_slope,
        valid_from,
        search_from,
        end_date,
        cast({{ dbt.dateadd('day', 1, 'end_date') }} as date) as day_after_end
    from {{ ref('int_score_segments') }}
    where search_from < end_date

),

turning_candidates as (

    select
        lead_id,
        model_id,
        valid_from,
        cast(null as double) as boundary_score,
        false as is_falling,
        search_from as low_date,
        end_date as high_date
    from segments
    where start_slope < 0 and end_slope >= 0

),

{{ search_days('turn', 'turning_candidates', 'probe_slope >= 0') }},

days_before_turns as (

    select
        lead_id,
        model_id,
        valid_from,
        cast({{ dbt.dateadd('day', -1, 'found_date') }} as date) as score_date
    from turn_found

),

{{ scores_on_days('scores_before_turns', 'days_before_turns') }},

final as (

    select
        segments.lead_id,
        segments.model_id,
        segments.start_score,
        segments.end_score,
        segments.valid_from,
        segments.search_from,
        segments.end_date,
        case
            when segments.start_slope >= 0 then segments.search_from
            when segments.end_slope < 0 then segments.day_after_end
            else turn_found.found_date
        end as turn_date,
        -- The score on the day before the turn day (rising part) and on
        -- the turn day (falling part); null where the part is empty.
        case
            when segments.start_slope >= 0 then null
            when segments.end_slope < 0 then segments.end_score
            else scores_before_turns.lead_score
        end as rising_peak_score,
        case
            when segments.start_slope >= 0 then segments.start_score
            when segments.end_slope < 0 then null
            else turn_found.found_score
        end as falling_peak_score
    from segments
    left join turn_found
        on
            segments.lead_id = turn_found.lead_id
            and segments.model_id = turn_found.model_id
            and segments.valid_from = turn_found.valid_from
    left join scores_before_turns
        on
            segments.lead_id = scores_before_turns.lead_id
            and segments.model_id = scores_before_turns.model_id
            and segments.valid_from = scores_before_turns.valid_from

)

select * from final
