{#- Fails with every row whose combination of columns has no row in `to`
    with the same values (a foreign key over several columns). Rows with a
    null in any of the columns pass. -#}
{% test composite_relationships(model, columns, to, to_columns=none) %}
{%- set to_columns = to_columns or columns -%}

select child.*
from {{ model }} as child
left join {{ to }} as parent
    on
    {%- for column in columns %}
        {% if not loop.first %}and {% endif -%}
        child.{{ column }} = parent.{{ to_columns[loop.index0] }}
    {%- endfor %}
where
    parent.{{ to_columns[0] }} is null
    {%- for column in columns %}
    and child.{{ column }} is not null
    {%- endfor %}

{% endtest %}
