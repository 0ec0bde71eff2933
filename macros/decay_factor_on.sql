{#- The decay factor (macro decay_factor) of the decaying points of one row
    of int_score_state (alias `state`) on the day `on_date` inside its
    validity: half_life ages them from `decayed_from`, by default the
    row's decaying_from, the day they are as of; inactivity counts the
    days since the lead's latest activity. Needs the model joined as
    `scoring_models`. -#}
{% macro decay_factor_on(on_date, decayed_from='state.decaying_from') -%}
    {{ decay_factor(
        dbt.datediff(decayed_from, on_date, 'day'),
        dbt.datediff(
            'coalesce(state.last_activity_date, state.valid_from)',
            on_date,
            'day',
        ),
    ) }}
{%- endmacro %}
