{#- A source timestamp as a UTC timestamp without time zone, null when it
    cannot be read (docs/loading_data.md lists the formats). Text with an
    offset or zone (2026-11-11T23:30:00-05:00, ...Z, ... UTC) is converted
    to UTC; text without one, and a timestamp without time zone, are taken
    as UTC, as the source contract says; a timestamp with time zone is
    converted. -#}
{% macro utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'lead_scoring')(expression)) }}
{%- endmacro %}

{#- DuckDB's cast of text to timestamp drops an offset; to timestamptz it
    applies it (and reads text without one in the session's time zone,
    which the profile sets to UTC). -#}
{% macro duckdb__utc_timestamp(expression) -%}
    timezone('UTC', try_cast({{ expression }} as timestamptz))
{%- endmacro %}

{#- Spark's timestamp is an instant: an offset in text is applied, and the
    profile's session time zone (UTC) reads text without one. -#}
{% macro default__utc_timestamp(expression) -%}
    {{ try_cast(expression, dbt.type_timestamp()) }}
{%- endmacro %}
