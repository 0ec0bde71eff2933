-- One row per day on which decay alone moves a lead into another group,
-- with the groups before and after. The candidate days (int_decay_crossings)
-- are each scored, with the day before, and kept where the group changes.
with

candidate_days as (

    select
        lead_id,
        model_id,
        valid_from,
        score_date
    from {{ ref('int_decay_crossings') }}

),

score_groups as (

    select
        model_id,
        group_name,
        min_score,
        max_score
    from {{ ref('score_groups') }}

),

days_before as (

    select
        lead_id,
        model_id,
        valid_from,
        cast({{ dbt.dateadd('day', -1, 'score_date') }} as date) as score_date
    from candidate_days

),

{{ scores_on_days('scores_on_candidate_days', 'candidate_days') }},

{{ scores_on_days('scores_on_days_before', 'days_before') }},

changes as (

    select
        on_day.lead_id,
        on_day.model_id,
        previous_groups.group_name as from_group,
        current_groups.group_name as to_group,
        on_day.lead_score,
        on_day.score_date as transition_date
    from scores_on_candidate_days as on_day
    inner join scores_on_days_before as day_before
        on
            on_day.lead_id = day_before.lead_id
            and on_day.model_id = day_before.model_id
            and on_day.valid_from = day_before.valid_from
            and day_before.score_date
            = cast({{ dbt.dateadd('day', -1, 'on_day.score_date') }} as date)
    inner join score_groups as current_groups
        on
            on_day.model_id = current_groups.model_id
            and {{ in_band('on_day.lead_score', 'current_groups') }}
    inner join score_groups as previous_groups
        on
            day_before.model_id = previous_groups.model_id
            and {{ in_band('day_before.lead_score', 'previous_groups') }}

)

select * from changes
where from_group <> to_group
