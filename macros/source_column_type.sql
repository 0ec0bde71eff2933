{#- The warehouse type of a column of a source table (dbt's dtype, for
    example 'TIMESTAMP WITH TIME ZONE'), none while parsing or when the
    table or column is not there. -#}
{% macro source_column_type(relation, column) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for found in adapter.get_columns_in_relation(relation) -%}
        {%- if found.name | lower == column | lower -%}
            {{ return(found.dtype) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}
