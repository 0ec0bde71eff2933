{#- A category's points after its cap (`cap`, null: no cap). -#}
{% macro capped_points(points, cap) -%}
    case
        when {{ cap }} is not null and {{ points }} > {{ cap }}
            then cast({{ cap }} as double)
        else {{ points }}
    end
{%- endmacro %}
