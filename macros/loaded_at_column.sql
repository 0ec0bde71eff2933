{#- The raw column a source's loader writes its load time to: the var
    lead_scoring_<source>_loaded_at_column, _loaded_at by default
    (Fivetran writes _fivetran_synced). The base_ models read it as
    _loaded_at. -#}
{% macro loaded_at_column(source_name) -%}
    {{ return(var('lead_scoring_' ~ source_name ~ '_loaded_at_column', '_loaded_at')) }}
{%- endmacro %}
