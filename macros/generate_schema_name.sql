{#- Where each folder's models land, kept apart per target as dbt's own
    default does. A production target (var production_targets) writes the
    folder's schema as it is (staging, intermediate, marts, scoring_model),
    the names BI tools, the CRM sync and the scripts read. Any other target,
    a developer's dev target among them, prefixes it with its own schema:
    dev_marts, alice_marts, never touching production's tables. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name in var('production_targets') -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
