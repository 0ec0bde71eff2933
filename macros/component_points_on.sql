{#- The points one row of int_score_state (alias `state`) gives on the day
    `on_date` inside its validity: fixed points plus decaying points after
    decay, before (component_value_on) and after (component_points_on) the
    component's cap. Needs the model joined as `scoring_models`. -#}
{% macro component_value_on(on_date) -%}
    (state.fixed_points + state.decaying_points * case
        when scoring_models.decay_method = 'half_life'
            then power(
                0.5,
                {{ dbt.datediff('state.valid_from', on_date, 'day') }}
                / cast(scoring_models.decay_days as double)
            )
        when scoring_models.decay_method = 'inactivity'
            then power(
                1 - scoring_models.decay_pct / 100.0,
                floor(
                    {{ dbt.datediff(
                        'coalesce(state.last_activity_date, state.valid_from)',
                        on_date,
                        'day'
                    ) }} / cast(scoring_models.decay_days as double)
                )
            )
        else 1.0
    end)
{%- endmacro %}

{% macro component_points_on(on_date) -%}
    case
        when
            state.cap_points is not null
            and {{ component_value_on(on_date) }} > state.cap_points
            then cast(state.cap_points as double)
        else {{ component_value_on(on_date) }}
    end
{%- endmacro %}
