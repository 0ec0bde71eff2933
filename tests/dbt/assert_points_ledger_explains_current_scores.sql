-- The points ledger explains every current score: its decayed points,
-- summed per rule at the score's precision, then per category, capped,
-- plus the fit and clamped, give fct_lead_scores.lead_score exactly. The
-- ledger decays each activity on its own while the score state decays
-- each day's sum; the precision (1e-6) makes the two paths equal.
with

rules as (

    select
        lead_id,
        model_id,
        category,
        {{ score_precision('sum(decayed_points)') }} as rule_points
    from {{ ref('fct_points_ledger') }}
    group by lead_id, model_id, rule_id, category

),

ledger as (

    select
        lead_id,
        model_id,
        category,
        sum(rule_points) as category_points
    from rules
    group by lead_id, model_id, category

),

engagement as (

    select
        ledger.lead_id,
        ledger.model_id,
        sum(
            case
                when ledger.category_points > categories.max_points
                    then categories.max_points
                else ledger.category_points
            end
        ) as engagement_points
    from ledger
    left join {{ ref('score_categories') }} as categories
        on
            ledger.model_id = categories.model_id
            and ledger.category = categories.category
    group by ledger.lead_id, ledger.model_id

),

explained as (

    select
        scores.lead_id,
        scores.model_id,
        scores.lead_score,
        {{ clamp_score(
            'scores.fit_points + coalesce(engagement.engagement_points, 0)'
        ) }} as explained_score
    from {{ ref('fct_lead_scores') }} as scores
    inner join {{ ref('scoring_models') }} as scoring_models
        on scores.model_id = scoring_models.model_id
    left join engagement
        on
            scores.lead_id = engagement.lead_id
            and scores.model_id = engagement.model_id

)

select *
from explained
where lead_score <> explained_score
