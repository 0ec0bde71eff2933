{#- The one precision of the scores (docs/scoring.md): a rule's decayed
    points and a score are rounded to 1e-6, half away from zero. Every mart
    reads the rounded values, so a score that is on a band's bound by hand
    is on it on every path, carried forward or computed from scratch. -#}
{% macro score_precision(points) -%}
    round({{ points }}, 6)
{%- endmacro %}
