{#- CTEs that find, for every row of the CTE `candidates`, the first day in
    (low_date, high_date] on which `predicate` holds, by halving the range
    (the predicate must be false on low_date, true on high_date and switch
    only once). The predicate may use the candidate's columns and, on the
    probed day, `probe_score` (the clamped score) and `probe_slope` (the sum
    of the decaying points of components below their cap: where it is
    positive, decay lowers the score). Select the answer from
    `<name>_found` (column found_date, with found_score). -#}
{% macro bisect_days(name, candidates, predicate, halvings=16) -%}
{%- set columns = [
    'lead_id', 'model_id', 'valid_from', 'boundary_score', 'is_falling',
] -%}
{%- for step in range(halvings + 1) %}
{{ name }}_probe_{{ step }} as (

    select
        {% for column in columns %}probe.{{ column }},
        {% endfor -%}
        probe.low_date,
        probe.high_date,
        probe.probe_date,
        {{ clamp_score(
            'sum(' ~ component_points_on('probe.probe_date') ~ ')'
        ) }} as probe_score,
        sum({{ decay_slope_on('probe.probe_date') }}) as probe_slope
    from (
        select
            *,
            {%- if step < halvings %}
            cast({{ dbt.dateadd(
                'day',
                'cast(floor(' ~ dbt.datediff('low_date', 'high_date', 'day')
                ~ ' / 2) as int)',
                'low_date',
            ) }} as date) as probe_date
            {%- else %}
            high_date as probe_date
            {%- endif %}
        from {{ candidates if step == 0 else name ~ '_search_' ~ step }}
    ) as probe
    inner join {{ ref('int_score_state') }} as state
        on
            probe.lead_id = state.lead_id
            and probe.model_id = state.model_id
            and probe.valid_from = state.valid_from
    inner join {{ ref('scoring_models') }} as scoring_models
        on probe.model_id = scoring_models.model_id
    group by
        {% for column in columns %}probe.{{ column }},
        {% endfor -%}
        probe.low_date,
        probe.high_date,
        probe.probe_date,
        scoring_models.min_score,
        scoring_models.max_score

),
{%- if step < halvings %}

{{ name }}_search_{{ step + 1 }} as (

    select
        {{ columns | join(',\n        ') }},
        case when {{ predicate }} then low_date else probe_date end
            as low_date,
        case when {{ predicate }} then probe_date else high_date end
            as high_date
    from {{ name }}_probe_{{ step }}

),
{%- endif %}
{%- endfor %}

{{ name }}_found as (

    select
        {{ columns | join(',\n        ') }},
        probe_date as found_date,
        probe_score as found_score
    from {{ name }}_probe_{{ halvings }}

)
{%- endmacro %}
