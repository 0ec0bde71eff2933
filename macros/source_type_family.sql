{#- The family of a column type, as the source contract check compares
    them: text, number, timestamp, boolean or other. It reads the type
    names of DuckDB and Spark (VARCHAR / string, DECIMAL(18,2), TIMESTAMP
    WITH TIME ZONE / timestamp_ntz, ...) and the contract's own
    (models/staging/*/_*__sources.yml data_type). -#}
{% macro source_type_family(data_type) -%}
    {%- set name = (data_type or '') | trim | lower -%}
    {%- set families = [
        ('text', '^(varchar|char|character|text|string|bpchar|nvarchar|nchar|clob)\\b'),
        ('number', '^(u?(tiny|small|big|huge)?int(eger)?\\d*|long|short|byte|varint|bignum|decimal|numeric|number|float\\d*|double|real)\\b'),
        ('timestamp', '^(date|datetime|timestamp\\w*)\\b'),
        ('boolean', '^bool(ean)?\\b'),
    ] -%}
    {%- for family, pattern in families -%}
        {%- if modules.re.match(pattern, name) -%}
            {{- return(family) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return('other') -}}
{%- endmacro %}
