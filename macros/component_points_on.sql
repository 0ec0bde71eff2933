{#- component_value_on after the component's cap. -#}
{% macro component_points_on(on_date) -%}
    case
        when
            state.cap_points is not null
            and {{ component_value_on(on_date) }} > state.cap_points
            then cast(state.cap_points as double)
        else {{ component_value_on(on_date) }}
    end
{%- endmacro %}
