{#- Two select items for a typed column of the source contract: the column
    cast to `type`, null when its value does not cast ('abc' as a number,
    say: loaders that write every column as text), and
    has_uncastable_<column>, true when it had a value that did not. A
    timestamp is read as UTC (utc_timestamp, told the raw column's type in
    `relation`, the source table: a text value's own offset is converted).
    `source_column` is the raw column when its name differs (the load time,
    see loaded_at_column). A base_ model quarantines a row whose required
    column did not cast (row_problem's `uncastable`) and keeps the row of
    an optional one with the value dropped (counted in rpt_data_quality). -#}
{% macro cast_or_flag(column, type, source_column=none, relation=none) -%}
    {%- set raw = source_column or column -%}
    {%- if type == dbt.type_timestamp() -%}
        {%- set cast = utc_timestamp(
            raw, source_column_type(relation, raw) if relation else none
        ) -%}
    {%- else -%}
        {%- set cast = try_cast(raw, type) -%}
    {%- endif -%}
    {{ cast }} as {{ column }},
    {{ raw }} is not null
    and {{ cast }} is null as has_uncastable_{{ column }}
{%- endmacro %}
