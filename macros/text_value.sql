{#- A text column of the source contract as text whatever type the loader
    wrote it in (a number in company_name, say), trimmed unless `trimmed`
    is false (URLs are matched as they were written). -#}
{% macro text_value(column, trimmed=true) -%}
    {%- set text = 'cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    {{ 'trim(' ~ text ~ ')' if trimmed else text }}
{%- endmacro %}
