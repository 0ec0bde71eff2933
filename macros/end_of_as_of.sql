{#- The end of the as_of day (midnight after it) as a SQL timestamp: what
    happened before it is known to a run as of that day. -#}
{% macro end_of_as_of() -%}
    cast({{ dbt.dateadd('day', 1, as_of_date()) }} as {{ dbt.type_timestamp() }})
{%- endmacro %}
