{#- The decay factor (macro decay_factor) of the decaying points of one
    component row (alias `state`, as in int_score_components) on the day
    `on_date` inside its validity: half_life ages them from `decayed_from`,
    by default the row's decaying_from, the day they are as of; inactivity
    counts the days since the lead's latest activity, which the segment
    row (alias `segment`, by default the same row) carries. Needs the
    model joined as `scoring_models`. -#}
{% macro decay_factor_on(
    on_date, decayed_from='state.decaying_from', segment='state'
) -%}
    {{ decay_factor(
        dbt.datediff(decayed_from, on_date, 'day'),
        dbt.datediff(
            'coalesce(' ~ segment ~ '.last_activity_date, ' ~ segment
            ~ '.valid_from)',
            on_date,
            'day',
        ),
    ) }}
{%- endmacro %}
