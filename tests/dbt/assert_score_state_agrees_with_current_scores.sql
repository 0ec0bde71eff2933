-- The score state, evaluated on as_of, gives every lead the score of
-- fct_lead_scores (two independent computations of the same number), but
-- for the leads with late activities the state does not hold yet (see
-- int_late_activities).
with

from_state as (

    {{ lead_scores_on(as_of_date()) }}

),

current_scores as (

    select
        lead_id,
        model_id,
        lead_score
    from {{ ref('fct_lead_scores') }}

)

select
    current_scores.lead_id,
    current_scores.model_id,
    current_scores.lead_score,
    from_state.lead_score as lead_score_from_state
from current_scores
left join from_state
    on
        current_scores.lead_id = from_state.lead_id
        and current_scores.model_id = from_state.model_id
where
    (
        from_state.lead_id is null
        or abs(current_scores.lead_score - from_state.lead_score) > 1e-9
    )
    and not exists (
        select 1
        from {{ ref('int_late_activities') }} as late
        where
            late.lead_id = current_scores.lead_id
            and late.model_id = current_scores.model_id
    )
