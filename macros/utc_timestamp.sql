{#- A source timestamp as a UTC timestamp without time zone, null when it
    cannot be read (docs/loading_data.md lists the formats). Text with an
    offset or zone (2026-11-11T23:30:00-05:00, ...Z, ... UTC) is converted
    to UTC; text without one, and a timestamp without time zone, are taken
    as UTC, as the source contract says; a timestamp with time zone is
    converted. `data_type` is the raw column's type in the warehouse
    (source_column_type), so that a column already of a timestamp type
    costs no parsing. -#}
{% macro utc_timestamp(expression, data_type=none) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'lead_scoring')(expression, data_type)) }}
{%- endmacro %}

{#- DuckDB: a plain timestamp or date is cast; a timestamptz is read from
    its UTC microseconds (timezone() and the cast go through ICU's calendar,
    50 to 80 times slower); text is parsed as a timestamp, or as a
    timestamptz (which applies the offset) only where it ends in an offset
    or a zone after the time, since that parse costs more. -#}
{% macro duckdb__utc_timestamp(expression, data_type) -%}
    {%- set kind = (data_type or '') | lower -%}
    {%- if kind.startswith('timestamp with time zone')
        or kind == 'timestamptz' -%}
        make_timestamp(epoch_us({{ expression }}))
    {%- elif kind.startswith('timestamp') or kind in ('date', 'datetime') -%}
        cast({{ expression }} as timestamp)
    {%- else -%}
        case
            when regexp_matches(
                cast({{ expression }} as varchar),
                ':\d\d(\.\d+)?(\s*(z|utc|gmt)|\s*[+-]\d\d?(:?\d\d)?|\s+\w+/\w+)\s*$',
                'i'
            )
                then make_timestamp(epoch_us(
                    try_cast({{ expression }} as timestamptz)
                ))
            else try_cast({{ expression }} as timestamp)
        end
    {%- endif -%}
{%- endmacro %}

{#- Spark's timestamp is an instant: an offset in text is applied, and the
    profile's session time zone (UTC) reads text without one. -#}
{% macro default__utc_timestamp(expression, data_type) -%}
    {{ try_cast(expression, dbt.type_timestamp()) }}
{%- endmacro %}
