-- A model of the installing project on a public mart of the package: the
-- leads sales should call, by model.
select
    lead_id,
    model_id,
    group_name,
    lead_score
from {{ ref('lead_scoring', 'fct_lead_scores') }}
where is_sales_ready
