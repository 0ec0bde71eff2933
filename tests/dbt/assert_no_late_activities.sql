-- Activities that arrived after their lead was last scored and are older
-- than the lookback are not in the score history (see
-- int_late_activities). This warns on every build until the lead is
-- rescored: when it is next active, or by `dbt build --full-refresh`.
{{ config(severity='warn') }}

select
    model_id,
    count(*) as late_activities,
    count(distinct lead_id) as late_leads,
    min(activity_date) as earliest_activity_date
from {{ ref('int_late_activities') }}
group by model_id
