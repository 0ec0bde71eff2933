-- Activities the score state of their lead does not hold yet: loaded into
-- the warehouse after the run that last rescored the lead, and dated before
-- that run's lookback, so no run since has picked them up. One row per
-- activity and scored model. They count in fct_lead_scores and the points
-- ledger (rebuilt on every run) but not in the history and transitions
-- until the lead is rescored: when it is next active, or by a full refresh.
with

activities as (

    select
        activity_id,
        lead_id,
        activity_date,
        loaded_at
    from {{ ref('int_activities_unioned') }}
    where lead_id is not null and activity_date <= {{ as_of_date() }}

),

state as (

    select
        state.lead_id,
        state.model_id,
        max(state.loaded_through) as loaded_through
    from {{ ref('int_score_state') }} as state
    where
        state.model_id in (
            select scored.model_id
            from {{ ref('int_seed_fingerprints') }} as scored
        )
    group by state.lead_id, state.model_id

),

final as (

    select
        activities.activity_id,
        activities.lead_id,
        state.model_id,
        activities.activity_date,
        activities.loaded_at
    from activities
    inner join state
        on activities.lead_id = state.lead_id
    where activities.loaded_at > state.loaded_through

)

select * from final
