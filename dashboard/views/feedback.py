"""Feedback loop: rpt_handoff_funnel by cohort month (the share of the
handoffs reaching each funnel stage against the leads never handed off,
the lift, the median days) and the SLA of the routing actions."""

import altair as alt
import streamlit as st
import warehouse

filters = warehouse.filters()
st.title("Feedback loop")
st.caption(
    "Each cohort is the month of the handoff. The baseline is the model's"
    " leads created that month and never handed off; lift = handoff share /"
    " baseline share. The last month is always young: its leads have had"
    " little time to move."
)

funnel = warehouse.query(
    """
    select
        model_id,
        model_status,
        group_name,
        cohort_month,
        handoffs,
        sal_share,
        sql_share,
        opportunity_share,
        won_share,
        rejected_share,
        baseline_leads,
        baseline_sal_share,
        baseline_sql_share,
        baseline_opportunity_share,
        baseline_won_share,
        baseline_rejected_share,
        sal_lift,
        sql_lift,
        opportunity_lift,
        won_lift,
        median_days_to_sal,
        median_days_to_sql,
        median_days_to_opportunity,
        median_days_to_won
    from marts.rpt_handoff_funnel
    where list_contains(?, model_id)
        and cohort_month between date_trunc('month', ?::date) and ?
    order by model_status, model_id, group_name, cohort_month
    """,
    [filters.models, filters.start, filters.end],
)
# The same rows, one per stage, for the chart.
stages = warehouse.query(
    """
    with unpivoted as (
        unpivot (
            select
                model_id, group_name, cohort_month,
                sal_share, sql_share, opportunity_share, won_share,
                baseline_sal_share, baseline_sql_share,
                baseline_opportunity_share, baseline_won_share
            from marts.rpt_handoff_funnel
            where list_contains(?, model_id)
                and cohort_month between date_trunc('month', ?::date) and ?
        )
        on columns(* exclude (model_id, group_name, cohort_month))
        into name column_name value share
    )
    select
        model_id,
        group_name,
        cohort_month,
        replace(replace(column_name, 'baseline_', ''), '_share', '') as stage,
        case when column_name like 'baseline_%' then 'never handed off'
            else 'handed off' end as kind,
        share
    from unpivoted
    """,
    [filters.models, filters.start, filters.end],
)

percent = st.column_config.NumberColumn(format="percent")
lift = st.column_config.NumberColumn(format="%.2f")
st.subheader("Handoffs by cohort month")
if funnel.empty:
    st.info("No handoffs in the selected months and models.")
else:
    handoffs = funnel.groupby(["model_id", "model_status"], sort=False)["handoffs"]
    columns = st.columns(handoffs.ngroups)
    for column, ((model_id, status), count) in zip(
        columns, handoffs.sum().items(), strict=True
    ):
        column.metric(
            f"{warehouse.plain(model_id)} ({warehouse.plain(status)}): handoffs",
            f"{int(count):,}",
        )
    st.altair_chart(
        alt.Chart(stages)
        .mark_line(point=True)
        .encode(
            x=alt.X("cohort_month:T", title="cohort month"),
            y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="share reaching"),
            color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="top")),
            strokeDash=alt.StrokeDash("group_name:N", title="group"),
            column=alt.Column(
                "stage:N", sort=["sal", "sql", "opportunity", "won"], title=None
            ),
            row=alt.Row("model_id:N", title=None),
            tooltip=[
                "model_id",
                "group_name",
                "cohort_month",
                "stage",
                "kind",
                "share",
            ],
        )
        .properties(width=200, height=150)
    )
    st.dataframe(
        funnel,
        hide_index=True,
        column_config={
            **{name: percent for name in funnel.columns if name.endswith("_share")},
            **{name: lift for name in funnel.columns if name.endswith("_lift")},
            "cohort_month": st.column_config.DateColumn(format="YYYY-MM"),
        },
    )

st.subheader("SLA of the routing actions")
st.caption(
    "Actions with an SLA, by the day of their transition: met (answered in"
    " the CRM by the due time), breached (later, or not at all and past due),"
    " open (not yet answered, still in time)."
)
# The routing actions with an SLA of the selected models and days.
SLA_ACTIONS = """from marts.fct_routing_actions
    where sla_hours is not null
        and list_contains(?, model_id)
        and transition_date between ? and ?"""
sla = warehouse.query(
    f"""
    select
        model_id,
        action,
        target,
        count(*) filter (where sla_status = 'met') as met,
        count(*) filter (where sla_status = 'breached') as breached,
        count(*) filter (where sla_status = 'open') as open
    {SLA_ACTIONS}
    group by all
    order by all
    """,
    [filters.models, filters.start, filters.end],
)
if sla.empty:
    st.info("No routing action with an SLA in the selected days and models.")
else:
    warehouse.show_table(sla)
    weekly = warehouse.query(
        f"""
        select
            model_id,
            date_trunc('week', transition_date) as week,
            sla_status,
            count(*) as actions
        {SLA_ACTIONS}
        group by all
        order by all
        """,
        [filters.models, filters.start, filters.end],
    )
    st.altair_chart(
        alt.Chart(weekly)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title="week of the transition"),
            y=alt.Y("actions:Q", title="actions"),
            color=alt.Color(
                "sla_status:N",
                scale=alt.Scale(
                    domain=["met", "open", "breached"],
                    range=["#4c9a2a", "#e0b000", "#c0392b"],
                ),
                title="SLA",
            ),
            row=alt.Row("model_id:N", title=None),
            tooltip=["model_id", "week", "sla_status", "actions"],
        )
        .properties(height=140),
        width="stretch",
    )
    waiting = warehouse.query(
        """
        select
            model_id, sla_status, target, lead_id, group_name, lead_score,
            transition_date, due_at, responded_at
        from marts.fct_routing_actions
        where sla_status in ('open', 'breached')
            and list_contains(?, model_id)
            and transition_date between ? and ?
        order by due_at desc
        limit 200
        """,
        [filters.models, filters.start, filters.end],
    )
    with st.expander("Open and breached actions, latest first (at most 200)"):
        st.dataframe(waiting, hide_index=True)
