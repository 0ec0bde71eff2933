-- One row per score segment that decay may move across a band boundary,
-- with its turn day: the score rises (negative points decaying, caps
-- letting go) until the day before the turn day and falls from it on.
-- The sum of the decaying points of the components below their cap only
-- grows as a segment ages, so there is at most one turn, found by bisection.
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
        end_date,
        cast({{ dbt.dateadd('day', 1, 'end_date') }} as date) as day_after_end
    from {{ ref('int_score_segments') }}
    where valid_from < end_date

),

turning_candidates as (

    select
        lead_id,
        model_id,
        valid_from,
        cast(null as double) as boundary_score,
        false as is_falling,
        valid_from as low_date,
        end_date as high_date
    from segments
    where start_slope < 0 and end_slope >= 0

),

{{ bisect_days('turn', 'turning_candidates', 'probe_slope >= 0') }},

final as (

    select
        segments.lead_id,
        segments.model_id,
        segments.start_score,
        segments.end_score,
        segments.valid_from,
        segments.end_date,
        case
            when segments.start_slope >= 0 then segments.valid_from
            when segments.end_slope < 0 then segments.day_after_end
            else turn_found.found_date
        end as turn_date
    from segments
    left join turn_found
        on
            segments.lead_id = turn_found.lead_id
            and segments.model_id = turn_found.model_id
            and segments.valid_from = turn_found.valid_from

)

select * from final
