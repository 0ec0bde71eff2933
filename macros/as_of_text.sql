{#- as_of as text, YYYY-MM-DD: the `as_of` var, checked, or the UTC date
    the run started. -#}
{% macro as_of_text() -%}
    {%- set as_of = var('as_of', none) or run_started_at.strftime('%Y-%m-%d') -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of | string) -%}
        {{ exceptions.raise_compiler_error(
            "var as_of must be a date written YYYY-MM-DD, got '" ~ as_of ~ "'"
        ) }}
    {%- endif -%}
    {{ as_of }}
{%- endmacro %}
