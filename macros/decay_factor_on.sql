{#- The factor decay leaves of the decaying points of one row of
    int_score_state (alias `state`) on the day `on_date` inside its
    validity. `half_life`: 0.5 ^ (days since `decayed_from` / decay_days),
    by default since the row's decaying_from, the day its decaying points
    are as of; `inactivity`: (1 - decay_pct / 100) ^ the whole decay_days
    since the lead's latest activity. Needs the model joined as
    `scoring_models`. -#}
{% macro decay_factor_on(on_date, decayed_from='state.decaying_from') -%}
    case
        when scoring_models.decay_method = 'half_life'
            then power(
                0.5,
                {{ dbt.datediff(decayed_from, on_date, 'day') }}
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
