{#- A model's total score clamped to its min_score and max_score and taken
    to the score's precision (needs the model joined as `scoring_models`). -#}
{% macro clamp_score(total) -%}
    {{ score_precision(
        'case when ' ~ total ~ ' < scoring_models.min_score'
        ~ ' then scoring_models.min_score'
        ~ ' when ' ~ total ~ ' > scoring_models.max_score'
        ~ ' then scoring_models.max_score'
        ~ ' else ' ~ total ~ ' end'
    ) }}
{%- endmacro %}
