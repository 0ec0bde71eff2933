{#- The decaying points of one int_score_state row (alias `state`) when the
    component is below its cap on `on_date`, else 0. Summed over a lead's
    components it says which way decay moves the score that day: positive,
    down; negative, up. The sum only grows as a segment ages, so the score
    rises, then falls, at most once (see int_decay_turns). -#}
{% macro decay_slope_on(on_date) -%}
    case
        when
            state.cap_points is null
            or {{ component_value_on(on_date) }} < state.cap_points
            then state.decaying_points
        else 0
    end
{%- endmacro %}
