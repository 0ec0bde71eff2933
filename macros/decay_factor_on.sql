{#- The factor decay leaves of the decaying points of one row of
    int_score_state (alias `state`) on the day `on_date` inside its
    validity: 1 on its first day, then lower as the days pass. Needs the
    model joined as `scoring_models`. -#}
{% macro decay_factor_on(on_date) -%}
    case
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
    end
{%- endmacro %}
