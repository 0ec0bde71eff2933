{#- md5 of the values of `columns` (SQL expressions), each cast to text,
    an empty value for null, joined by '|': one value that changes when any
    of them does. -#}
{% macro values_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')"
        ) -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
