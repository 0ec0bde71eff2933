{#- CTEs that find, for every row of the CTE `candidates`, the first day in
    (low_date, high_date] on which `predicate` holds (the predicate must be
    false on low_date and switch from false to true at most once). Each of
    the `levels` steps scores `fanout` evenly spaced days of the remaining
    range and keeps the part where the predicate switches, so a range of
    fanout ^ levels days (65,536 by default) ends on a single day. Few
    deep steps keep the query plan small. The predicate may use the
    candidate's columns and, on the probed day, `probe_score` (the clamped
    score) and `probe_slope` (the sum of the decaying points of components
    below their cap: where it is positive, decay lowers the score). Select
    the answer from `<name>_found` (found_date, found_score); when the
    predicate never holds, found_date is high_date. -#}
{% macro search_days(name, candidates, predicate, fanout=16, levels=4) -%}
{%- set columns = [
    'lead_id', 'model_id', 'valid_from', 'boundary_score', 'is_falling',
] -%}
{{ name }}_steps as (

    {% for step in range(1, fanout + 1) -%}
    select {{ step }} as step
    {%- if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}

),

{{ name }}_search_0 as (

    select
        {{ columns | join(',\n        ') }},
        low_date,
        high_date
    from {{ candidates }}

),
{%- for level in range(levels + 1) %}

{{ name }}_probe_{{ level }} as (

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
        {%- if level < levels %}
        select distinct
            search.*,
            cast({{ dbt.dateadd(
                'day',
                'cast(floor(('
                ~ dbt.datediff('search.low_date', 'search.high_date', 'day')
                ~ ' * steps.step + ' ~ (fanout - 1) ~ ') / '
                ~ fanout ~ '.0) as int)',
                'search.low_date',
            ) }} as date) as probe_date
        from {{ name }}_search_{{ level }} as search
        cross join {{ name }}_steps as steps
        {%- else %}
        select
            *,
            high_date as probe_date
        from {{ name }}_search_{{ level }}
        {%- endif %}
    ) as probe
    inner join {{ ref('int_segment_state') }} as state
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
{%- if level < levels %}

{{ name }}_search_{{ level + 1 }} as (

    select
        {{ columns | join(',\n        ') }},
        coalesce(last_false_date, low_date) as low_date,
        coalesce(first_true_date, high_date) as high_date
    from (
        select
            {{ columns | join(',\n            ') }},
            low_date,
            high_date,
            max(case when not ({{ predicate }}) then probe_date end)
                as last_false_date,
            min(case when {{ predicate }} then probe_date end)
                as first_true_date
        from {{ name }}_probe_{{ level }}
        group by
            {{ columns | join(',\n            ') }},
            low_date,
            high_date
    ) as switched

),
{%- endif %}
{%- endfor %}

{{ name }}_found as (

    select
        {{ columns | join(',\n        ') }},
        probe_date as found_date,
        probe_score as found_score
    from {{ name }}_probe_{{ levels }}

)
{%- endmacro %}
