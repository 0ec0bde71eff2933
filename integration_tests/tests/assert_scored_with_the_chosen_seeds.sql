-- The package scored the models of the seeds this project chose: its own
-- (own_seeds) or the package's. Rows are models scored but not expected,
-- or expected but not scored.
{%- set expected = ['acme_inbound'] if var('own_seeds', false)
    else ['b2b_core', 'enterprise_it'] %}

with scored as (
    select distinct model_id from {{ ref('lead_scoring', 'fct_lead_scores') }}
),

expected as (
    {%- for model_id in expected %}
    select '{{ model_id }}' as model_id
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
)

select coalesce(scored.model_id, expected.model_id) as model_id
from scored
full outer join expected on scored.model_id = expected.model_id
where scored.model_id is null or expected.model_id is null
