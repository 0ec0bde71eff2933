{#- The values of a text expression over a group, sorted and joined with
    a newline: the same text whatever order the rows come in (dbt.listagg
    cannot sort on Spark). -#}
{% macro sorted_string_agg(expression) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'lead_scoring')(expression)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression) -%}
    string_agg({{ expression }}, chr(10) order by {{ expression }})
{%- endmacro %}

{% macro spark__sorted_string_agg(expression) -%}
    array_join(sort_array(collect_list({{ expression }})), chr(10))
{%- endmacro %}
