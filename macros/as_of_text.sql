{#- as_of as text, YYYY-MM-DD: the `as_of` var, else the environment's
    LEAD_SCORING_AS_OF (how a scheduled run replays a day without changing
    dbt's vars, which makes dbt parse the project again), else the UTC date
    the run started; checked. -#}
{% macro as_of_text() -%}
    {%- set as_of = var('as_of', none)
        or env_var('LEAD_SCORING_AS_OF', '')
        or run_started_at.strftime('%Y-%m-%d') -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of | string) -%}
        {{ exceptions.raise_compiler_error(
            "as_of (the var as_of or $LEAD_SCORING_AS_OF) must be a date"
            ~ " written YYYY-MM-DD, got '" ~ as_of ~ "'"
        ) }}
    {%- endif -%}
    {{ as_of }}
{%- endmacro %}
