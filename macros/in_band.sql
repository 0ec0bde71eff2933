{#- True when a score falls in a score group's band: min_score inclusive,
    max_score exclusive, an empty bound open. -#}
{% macro in_band(score, band) -%}
    ({{ band }}.min_score is null or {{ score }} >= {{ band }}.min_score)
    and ({{ band }}.max_score is null or {{ score }} < {{ band }}.max_score)
{%- endmacro %}
