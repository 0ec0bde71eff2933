{#- One seed row as text for int_seed_fingerprints: the seed's name and its
    values separated by `|`, empty for null. -#}
{% macro seed_line(seed, columns) -%}
    {%- set fields = ["'" ~ seed ~ "'"] -%}
    {%- for column in columns -%}
        {%- do fields.append("'|'") -%}
        {%- do fields.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')"
        ) -%}
    {%- endfor -%}
    {{ dbt.concat(fields) }}
{%- endmacro %}
