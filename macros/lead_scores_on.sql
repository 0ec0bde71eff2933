{#- The score of every lead and scored model on a date, from the score
    state: a select of lead_id, model_id, lead_score. `on_date` is a SQL date
    expression, for example "cast('2026-03-31' as date)". Use it in a model
    or an analysis:
        with scores as ({{ lead_scores_on("cast('2026-03-31' as date)") }})
        select * from scores where lead_id = 'L00000042'
    With `dates`, the name of a relation with a column score_date, it scores
    every lead on each of those days (on_date is then ignored) and selects
    score_date too; with `by_lead`, the relation also has lead_id and
    model_id, and each lead is scored on its own days. `where`, a condition
    on the state rows (`state`) and the day (`score_dates.score_date`),
    scores only some leads. `state`, the relation of the state rows
    (default int_score_state, the whole history): fct_lead_scores passes
    int_score_state_current, the rows that hold now, right only for the
    run's as_of. Besides lead_score it selects fit_points and
    engagement_points (the capped categories, before the clamp). Each
    rule's points and the score are at the score's precision (macro
    score_precision). Dates after the run's as_of are not known yet.

    Each state row is first matched with the days it holds on (a join with
    a handful of dates), then with its segment's `_fit` row on the same
    day: the work grows with the rows and the days, not with a lead's rows
    times its segments. The state is read once for the rows and once for
    the segments: DuckDB materializes a CTE read twice, in memory. Its CTE
    names are its own: Spark rejects a nested CTE that shadows an outer
    one. -#}
{% macro lead_scores_on(
    on_date, dates=none, where='true', by_lead=false, state=none
) %}
    {%- set state = state if state is not none else ref('int_score_state') %}
    {%- set day = 'score_dates.score_date' if dates is not none else on_date %}
with

lead_scores_on_rows as (

    select
        {{ day }} as score_date,
        state.lead_id,
        state.model_id,
        state.category,
        state.cap_points,
        state.fixed_points,
        state.decaying_points,
        state.decaying_from
    from {{ state }} as state
    {%- if by_lead %}
    inner join {{ dates }} as score_dates
        on
            state.lead_id = score_dates.lead_id
            and state.model_id = score_dates.model_id
    {%- elif dates is not none %}
    cross join {{ dates }} as score_dates
    {%- endif %}
    where
        state.valid_from <= {{ day }}
        and (state.valid_to is null or {{ day }} < state.valid_to)
        and {{ where }}

),

-- The segment each lead is in on the day (its `_fit` row), whose latest
-- activity inactivity decay counts from.
lead_scores_on_segments as (

    select
        {{ day }} as score_date,
        state.lead_id,
        state.model_id,
        state.valid_from,
        state.last_activity_date
    from {{ state }} as state
    {%- if by_lead %}
    inner join {{ dates }} as score_dates
        on
            state.lead_id = score_dates.lead_id
            and state.model_id = score_dates.model_id
    {%- elif dates is not none %}
    cross join {{ dates }} as score_dates
    {%- endif %}
    where
        state.component = '_fit'
        and state.valid_from <= {{ day }}
        and (state.valid_to is null or {{ day }} < state.valid_to)
        and {{ where }}

),

-- Each rule's points on the day, rounded, before its category's cap.
lead_scores_on_values as (

    select
        state.score_date,
        state.lead_id,
        state.model_id,
        state.category,
        state.cap_points,
        {{ component_value_on('state.score_date', 'segment') }} as points
    from lead_scores_on_rows as state
    inner join lead_scores_on_segments as segment
        on
            state.lead_id = segment.lead_id
            and state.model_id = segment.model_id
            and state.score_date = segment.score_date
    inner join {{ ref('scoring_models') }} as scoring_models
        on state.model_id = scoring_models.model_id
    where scoring_models.status in ('active', 'draft')

),

-- Each category's points on the day, after its cap.
lead_scores_on_categories as (

    select
        score_date,
        lead_id,
        model_id,
        category,
        {{ capped_points('sum(points)', 'cap_points') }} as points
    from lead_scores_on_values
    group by score_date, lead_id, model_id, category, cap_points

)

select
    {% if dates is not none -%} state.score_date, {%- endif %}
    state.lead_id,
    state.model_id,
    {{ score_precision(
        "sum(case when state.category = '_fit' then state.points end)"
    ) }} as fit_points,
    {{ score_precision(
        "sum(case when state.category <> '_fit' then state.points else 0 end)"
    ) }} as engagement_points,
    {{ clamp_score('sum(state.points)') }} as lead_score
from lead_scores_on_categories as state
inner join {{ ref('scoring_models') }} as scoring_models
    on state.model_id = scoring_models.model_id
group by
    state.score_date,
    state.lead_id,
    state.model_id,
    scoring_models.min_score,
    scoring_models.max_score
{% endmacro %}
