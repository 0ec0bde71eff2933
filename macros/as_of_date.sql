{#- The date scores are evaluated at (the end of that UTC day): the `as_of`
    var, or the UTC date the run started. -#}
{% macro as_of_date() -%}
    cast('{{ as_of_text() }}' as date)
{%- endmacro %}
