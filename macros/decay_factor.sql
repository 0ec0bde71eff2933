{#- The one formula of decay: the factor left of a decaying point
    `age_days` days old, for a lead last active `inactive_days` days ago,
    under the model joined as `scoring_models`:
    - half_life: 0.5 ^ (age_days / decay_days), taken as
      0.5 ^ (remainder / decay_days) * 0.5 ^ (whole half-lives), so that
      points of ages a half-life apart share one rounding (they cancel
      exactly when the hand computation says so) and an old point
      underflows to 0 instead of overflowing;
    - inactivity: (1 - decay_pct / 100) ^ the whole decay_days in
      inactive_days;
    - none: 1. -#}
{% macro decay_factor(age_days, inactive_days) -%}
    case
        when scoring_models.decay_method = 'half_life'
            then power(
                0.5,
                (
                    ({{ age_days }}) - scoring_models.decay_days * floor(
                        ({{ age_days }})
                        / cast(scoring_models.decay_days as double)
                    )
                ) / cast(scoring_models.decay_days as double)
            ) * power(
                0.5,
                floor(
                    ({{ age_days }})
                    / cast(scoring_models.decay_days as double)
                )
            )
        when scoring_models.decay_method = 'inactivity'
            then power(
                1 - scoring_models.decay_pct / 100.0,
                floor(
                    ({{ inactive_days }})
                    / cast(scoring_models.decay_days as double)
                )
            )
        else 1.0
    end
{%- endmacro %}
