{#- A CTE `name` with the clamped score of each row of the CTE `days`
    (lead_id, model_id, valid_from of a score state, score_date inside it). -#}
{% macro scores_on_days(name, days) -%}
{{ name }} as (

    select
        days.lead_id,
        days.model_id,
        days.valid_from,
        days.score_date,
        {{ clamp_score(
            'sum(' ~ component_points_on('days.score_date') ~ ')'
        ) }} as lead_score
    from {{ days }} as days
    inner join {{ ref('int_segment_state') }} as state
        on
            days.lead_id = state.lead_id
            and days.model_id = state.model_id
            and days.valid_from = state.valid_from
    inner join {{ ref('scoring_models') }} as scoring_models
        on days.model_id = scoring_models.model_id
    group by
        days.lead_id,
        days.model_id,
        days.valid_from,
        days.score_date,
        scoring_models.min_score,
        scoring_models.max_score

)
{%- endmacro %}
