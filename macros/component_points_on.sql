{#- component_value_on after the component's cap. -#}
{% macro component_points_on(on_date, segment='state') -%}
    case
        when
            state.cap_points is not null
            and {{ component_value_on(on_date, segment) }} > state.cap_points
            then cast(state.cap_points as double)
        else {{ component_value_on(on_date, segment) }}
    end
{%- endmacro %}
