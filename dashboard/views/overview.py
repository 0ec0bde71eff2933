"""Overview: per model, the leads in each group, the score distribution,
sales-ready leads over time, handoffs per week, the last run, how fresh the
data is and the rows quarantined."""

import altair as alt
import streamlit as st
import warehouse

filters = warehouse.filters()
models = filters.models
st.title("Overview")

# The selected models' current scores, with their group's sort order.
SCORES_WITH_GROUPS = """from marts.fct_lead_scores as scores
    left join scoring_model.score_groups as groups
        on scores.model_id = groups.model_id
        and scores.group_name = groups.group_name
    where list_contains(?, scores.model_id)"""
groups = warehouse.query(
    f"""
    select
        scores.model_id,
        scores.group_name,
        count(*) as leads,
        count(*) filter (where scores.is_sales_ready) as sales_ready_leads,
        round(avg(scores.lead_score), 1) as average_score,
        min(groups.sort_order) as sort_order
    {SCORES_WITH_GROUPS}
    group by scores.model_id, scores.group_name
    order by scores.model_id, sort_order
    """,
    [models],
)
st.subheader("Leads by group, now")
columns = st.columns(max(len(models), 1))
for column, model_id in zip(columns, models, strict=False):
    of_model = groups[groups["model_id"] == model_id]
    label = warehouse.plain(model_id)
    column.metric(f"{label}: leads", f"{int(of_model['leads'].sum()):,}")
    column.metric(
        f"{label}: sales-ready", f"{int(of_model['sales_ready_leads'].sum()):,}"
    )
warehouse.show_table(groups.drop(columns="sort_order"))

st.subheader("Score distribution")
distribution = warehouse.query(
    f"""
    select
        scores.model_id,
        scores.group_name,
        floor(scores.lead_score / 10) * 10 as score_from,
        floor(scores.lead_score / 10) * 10 + 10 as score_to,
        count(*) as leads,
        min(groups.sort_order) as sort_order
    {SCORES_WITH_GROUPS}
    group by scores.model_id, scores.group_name, score_from, score_to
    order by all
    """,
    [models],
)
st.altair_chart(
    alt.Chart(distribution)
    .mark_bar()
    .encode(
        x=alt.X("score_from:Q", bin=alt.Bin(binned=True, step=10), title="score"),
        x2="score_to:Q",
        y=alt.Y("leads:Q", title="leads"),
        color=alt.Color(
            "group_name:N",
            sort=alt.EncodingSortField("sort_order"),
            title="group",
        ),
        row=alt.Row("model_id:N", title=None),
        tooltip=["model_id", "group_name", "score_from", "score_to", "leads"],
    )
    .properties(height=140),
    width="stretch",
)

left, right = st.columns(2)
# The number of sales-ready leads on each day the count changed: +1 where a
# sales-ready stretch of fct_score_history starts, -1 where it ends.
sales_ready = warehouse.query(
    """
    with changes as (
        select model_id, valid_from as day, 1 as change
        from marts.fct_score_history
        where is_sales_ready and list_contains($models, model_id)
        union all
        select model_id, valid_to as day, -1 as change
        from marts.fct_score_history
        where is_sales_ready and valid_to is not null
            and list_contains($models, model_id)
    ),
    daily as (
        select model_id, day, sum(change) as change from changes group by all
    ),
    running as (
        select
            model_id,
            day,
            sum(change) over (partition by model_id order by day) as sales_ready_leads
        from daily
    )
    select * from running
    where day between $start and $end
    order by model_id, day
    """,
    {"models": models, "start": filters.start, "end": filters.end},
)
with left:
    st.subheader("Sales-ready leads over time")
    st.altair_chart(
        alt.Chart(sales_ready)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("day:T", title=None),
            y=alt.Y("sales_ready_leads:Q", title="sales-ready leads"),
            color=alt.Color("model_id:N", title="model"),
            tooltip=["model_id", "day", "sales_ready_leads"],
        ),
        width="stretch",
    )

handoffs = warehouse.query(
    """
    select model_id, date_trunc('week', handoff_date) as week, count(*) as handoffs
    from marts.fct_handoffs
    where list_contains(?, model_id) and handoff_date between ? and ?
    group by all
    order by all
    """,
    [models, filters.start, filters.end],
)
with right:
    st.subheader("Handoffs per week")
    st.altair_chart(
        alt.Chart(handoffs)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title="week (from Monday)"),
            xOffset="model_id:N",
            y=alt.Y("handoffs:Q", title="handoffs"),
            color=alt.Color("model_id:N", title="model"),
            tooltip=["model_id", "week", "handoffs"],
        ),
        width="stretch",
    )

st.subheader("The last run")
runs = warehouse.query(
    """
    select
        model_id,
        as_of,
        run_started_at,
        rescored_leads,
        is_model_rescored,
        is_model_changed,
        rescore_from,
        loaded_through
    from marts.rpt_scoring_runs
    where run_started_at = (select max(run_started_at) from marts.rpt_scoring_runs)
        and list_contains(?, model_id)
    order by model_id
    """,
    [models],
)
if runs.empty:
    st.info("The run log (marts.rpt_scoring_runs) has no run of these models.")
else:
    run = runs.iloc[0]
    first, second, third = st.columns(3)
    first.metric("Scores as of", str(run["as_of"].date()))
    second.metric("Run started (UTC)", f"{run['run_started_at']:%Y-%m-%d %H:%M}")
    third.metric(
        "Activities loaded through (UTC)", f"{run['loaded_through']:%Y-%m-%d %H:%M}"
    )
    warehouse.show_table(
        runs.drop(columns=["as_of", "run_started_at", "loaded_through"])
    )
    st.caption(
        "Freshness: the marts keep the latest `_loaded_at` of the activities"
        " the last run read (`loaded_through`). The freshness of each source"
        " table (warn after 24 h, error after 72 h) is checked by"
        " `dbt source freshness` in `make run` and `make daily`, and is not"
        " in the published file."
    )

st.subheader("Raw rows in the last run")
quality = warehouse.query(
    """
    select source_table, issue, row_count
    from marts.rpt_data_quality
    where run_started_at = (select max(run_started_at) from marts.rpt_data_quality)
    order by source_table, issue <> 'usable_rows', issue
    """
)
problems = quality[quality["issue"] != "usable_rows"]
if problems.empty:
    st.success(
        f"No row quarantined: {int(quality['row_count'].sum()):,} usable rows"
        f" in {len(quality)} source tables."
    )
else:
    st.warning(
        f"{int(problems['row_count'].sum()):,} raw rows quarantined or with a"
        " value dropped (rpt_data_quality); quarantined rows are not scored."
    )
warehouse.show_table(quality)
