{#- The points one row of int_score_state (alias `state`) gives on the day
    `on_date` inside its validity: fixed points plus decaying points after
    decay, before the component's cap. Needs the model joined as
    `scoring_models`. -#}
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
