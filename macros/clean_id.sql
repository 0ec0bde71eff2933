{#- A source id as text, trimmed; empty or blank is null (so a required
    id that is blank quarantines the row as missing_required_field). -#}
{% macro clean_id(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}
