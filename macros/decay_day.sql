{#- The inverse of decay_factor: the first day on which decay has brought
    the points of a segment down to `factor` (at most 1) under the model
    joined as `scoring_models`. half_life counts days from `valid_from`, the
    day the factor is 1; inactivity counts whole decay steps from
    `last_activity_date` (a step of 100 % or more reaches 0 at the first).
    Null when decay never gets there (a factor of 0 or less). -#}
{% macro decay_day(factor, valid_from, last_activity_date) -%}
    case
        when scoring_models.decay_method = 'half_life' and {{ factor }} > 0
            then cast({{ dbt.dateadd(
                'day',
                'cast(ceil(scoring_models.decay_days * ln(' ~ factor
                ~ ') / ln(0.5)) as int)',
                valid_from,
            ) }} as date)
        when scoring_models.decay_method <> 'inactivity' then null
        when scoring_models.decay_pct >= 100
            then cast({{ dbt.dateadd(
                'day', 'scoring_models.decay_days', last_activity_date,
            ) }} as date)
        when {{ factor }} > 0
            then cast({{ dbt.dateadd(
                'day',
                'cast(ceil(ln(' ~ factor ~ ') / ln(1 - '
                ~ 'scoring_models.decay_pct / 100.0)) as int) '
                ~ '* scoring_models.decay_days',
                last_activity_date,
            ) }} as date)
    end
{%- endmacro %}
