{#- Two select items for a typed column of the source contract: the column
    cast to `type`, null when its value does not cast ('abc' as a number,
    say: loaders that write every column as text), and
    has_uncastable_<column>, true when it had a value that did not. A base_
    model quarantines a row whose required column did not cast
    (row_problem's `uncastable`) and keeps the row of an optional one with
    the value dropped (counted in rpt_data_quality). -#}
{% macro cast_or_flag(column, type) -%}
    {{ try_cast(column, type) }} as {{ column }},
    {{ column }} is not null
    and {{ try_cast(column, type) }} is null as has_uncastable_{{ column }}
{%- endmacro %}
