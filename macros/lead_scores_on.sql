{#- The score of every lead and scored model on a date, from the score
    state: a select of lead_id, model_id, lead_score. `on_date` is a SQL date
    expression, for example "cast('2026-03-31' as date)". Use it in a model
    or an analysis:
        with scores as ({{ lead_scores_on("cast('2026-03-31' as date)") }})
        select * from scores where lead_id = 'L00000042'
    With `dates`, the name of a relation with a column score_date, it scores
    every lead on each of those days (on_date is then score_dates.score_date)
    and selects score_date too. Dates after the run's as_of are not known
    yet. -#}
{% macro lead_scores_on(on_date, dates=none) %}
    select
        {% if dates is not none -%} score_dates.score_date, {%- endif %}
        state.lead_id,
        state.model_id,
        {{ clamp_score('sum(' ~ component_points_on(on_date) ~ ')') }}
            as lead_score
    from {{ ref('int_score_components') }} as state
    inner join {{ ref('scoring_models') }} as scoring_models
        on state.model_id = scoring_models.model_id
    {% if dates is not none -%}
        inner join {{ dates }} as score_dates
            on
                state.valid_from <= score_dates.score_date
                and (
                    state.valid_to is null
                    or score_dates.score_date < state.valid_to
                )
    {%- endif %}
    where
        scoring_models.status in ('active', 'draft')
        and state.valid_from <= {{ on_date }}
        and (state.valid_to is null or {{ on_date }} < state.valid_to)
    group by
        {% if dates is not none -%} score_dates.score_date, {%- endif %}
        state.lead_id,
        state.model_id,
        scoring_models.min_score,
        scoring_models.max_score
{% endmacro %}
