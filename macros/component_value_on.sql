{#- The points one rule row of int_score_state (alias `state`) gives on the
    day `on_date` inside its validity: fixed points plus decaying points
    after decay, at the score's precision, before its category's cap. Needs
    the model joined as `scoring_models`. -#}
{% macro component_value_on(on_date, segment='state') -%}
    {{ score_precision(
        'state.fixed_points + state.decaying_points * ' ~ decay_factor_on(
            on_date, segment=segment
        )
    ) }}
{%- endmacro %}
