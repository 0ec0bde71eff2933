{#- The date scores are evaluated at (the end of that UTC day): the `as_of`
    var, or the UTC date the run started. -#}
{% macro as_of_date() -%}
    {%- set as_of = var('as_of', none) or run_started_at.strftime('%Y-%m-%d') -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of | string) -%}
        {{ exceptions.raise_compiler_error(
            "var as_of must be a date written YYYY-MM-DD, got '" ~ as_of ~ "'"
        ) }}
    {%- endif -%}
    cast('{{ as_of }}' as date)
{%- endmacro %}
