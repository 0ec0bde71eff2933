-- One score per lead and scored model: rows are the models whose count of
-- scores differs from the count of leads read from this project's sources.
with leads as (
    select count(*) as leads from {{ source('marketing', 'leads') }}
),

scores as (
    select model_id, count(*) as scores
    from {{ ref('lead_scoring', 'fct_lead_scores') }}
    group by model_id
)

select scores.model_id, scores.scores, leads.leads
from scores
cross join leads
where scores.scores <> leads.leads
