"""Lead: find a lead by id or email domain, then its score now, its group
over time, its transitions with their causes and its points ledger: why
the lead is hot."""

import altair as alt
import streamlit as st
import warehouse

filters = warehouse.filters()
st.title("Lead")

search = st.text_input(
    "Lead id or email domain",
    value=st.query_params.get("lead", ""),
    placeholder="for example L000042 or acme.com",
).strip()
if not search:
    st.info("Type a lead id, or an email domain to list its leads.")
    st.stop()

if not warehouse.query(
    "select lead_id from marts.dim_leads where lead_id = ?", [search]
).empty:
    lead_id = search
else:
    domain_leads = warehouse.query(
        """
        select
            leads.lead_id,
            leads.company_name,
            leads.job_title,
            max(scores.lead_score) as top_score
        from marts.dim_leads as leads
        left join marts.fct_lead_scores as scores
            on leads.lead_id = scores.lead_id
            and list_contains(?, scores.model_id)
        where leads.email_domain = lower(?)
        group by all
        order by top_score desc nulls last, leads.lead_id
        limit 500
        """,
        [filters.models, search],
    )
    if domain_leads.empty:
        st.warning(f"No lead has the id or the email domain {warehouse.plain(search)}.")
        st.stop()
    labels = {
        row.lead_id: f"{row.lead_id}: {warehouse.text(row.job_title, '?')} at"
        f" {warehouse.text(row.company_name, '?')}, top score {warehouse.number(row.top_score, 1)}"
        for row in domain_leads.itertuples()
    }
    st.caption(
        f"{len(domain_leads):,} leads with the email domain"
        f" {warehouse.plain(search.lower())}"
        + (" (the first 500 by score)" if len(domain_leads) == 500 else "")
        + ", highest score first."
    )
    lead_id = st.selectbox("Lead", list(labels), format_func=labels.get)

who = warehouse.query(
    """
    select lead_id, email_domain, job_title, department, company_name,
        company_size, industry, country, created_date
    from marts.dim_leads where lead_id = ?
    """,
    [lead_id],
).iloc[0]
st.subheader(f"Lead {warehouse.plain(lead_id)}")
st.text(
    f"{warehouse.text(who['job_title'], 'No title')}, {warehouse.text(who['department'], 'no department')},"
    f" at {warehouse.text(who['company_name'], 'an unknown company')}"
    f" ({warehouse.text(who['industry'], 'industry unknown')}, {warehouse.text(who['country'], '?')});"
    f" email domain {warehouse.text(who['email_domain'], 'unknown')};"
    f" created on {who['created_date']:%Y-%m-%d}."
)

scores = warehouse.query(
    """
    select
        scores.model_id,
        scores.model_status,
        scores.group_name,
        scores.lead_score,
        scores.fit_points,
        scores.engagement_points,
        scores.is_sales_ready,
        scores.is_excluded,
        scores.scored_as_of,
        scores.last_activity_at,
        reasons.top_reason_1,
        reasons.top_reason_2,
        reasons.top_reason_3
    from marts.fct_lead_scores as scores
    left join marts.fct_lead_score_reasons as reasons
        on scores.lead_id = reasons.lead_id and scores.model_id = reasons.model_id
    where scores.lead_id = ? and list_contains(?, scores.model_id)
    order by scores.model_status, scores.model_id
    """,
    [lead_id, filters.models],
)
if scores.empty:
    st.info("The lead has no score under the selected models (created after as_of?).")
for row in scores.itertuples():
    model = warehouse.plain(row.model_id)
    st.markdown(
        f"**{model}** ({warehouse.plain(row.model_status)}),"
        f" as of {row.scored_as_of:%Y-%m-%d}"
    )
    first, second, third, fourth = st.columns(4)
    first.metric(f"Score {model}", warehouse.number(row.lead_score, 1))
    second.metric(
        f"Group {model}",
        warehouse.plain(row.group_name),
        "sales-ready"
        if row.is_sales_ready
        else ("excluded" if row.is_excluded else None),
        delta_color="off",
    )
    third.metric("Fit points", warehouse.number(row.fit_points, 1))
    fourth.metric("Engagement points", warehouse.number(row.engagement_points, 1))
    reasons = [
        r
        for r in (row.top_reason_1, row.top_reason_2, row.top_reason_3)
        if isinstance(r, str)
    ]
    if reasons:
        st.text("Why: " + "; ".join(reasons))

st.subheader("Group over time")
history = warehouse.query(
    """
    select
        history.model_id,
        history.group_name,
        history.cause,
        history.entry_score,
        history.valid_from,
        coalesce(history.valid_to, scores.scored_as_of + 1) as valid_until
    from marts.fct_score_history as history
    left join marts.fct_lead_scores as scores
        on history.lead_id = scores.lead_id and history.model_id = scores.model_id
    where history.lead_id = ? and list_contains(?, history.model_id)
    order by history.model_id, history.valid_from
    """,
    [lead_id, filters.models],
)
st.altair_chart(
    alt.Chart(history)
    .mark_bar()
    .encode(
        x=alt.X("valid_from:T", title=None),
        x2="valid_until:T",
        y=alt.Y("model_id:N", title=None),
        color=alt.Color("group_name:N", title="group"),
        tooltip=["model_id", "group_name", "cause", "entry_score", "valid_from"],
    )
    .properties(height=40 + 40 * history["model_id"].nunique()),
    width="stretch",
)

st.subheader("Transitions")
transitions = warehouse.query(
    """
    select model_id, transition_date, from_group, to_group, direction, cause, lead_score
    from marts.fct_group_transitions
    where lead_id = ? and list_contains(?, model_id)
    order by transition_date, model_id
    """,
    [lead_id, filters.models],
)
warehouse.show_table(transitions, digits=2)

st.subheader("Points ledger")
st.caption(
    "Every activity a rule matched: the rule's points, the points after its"
    " caps, and after decay as of the score's day. Fit points and the"
    " category caps apply to the sums (see the score above)."
)
ledger = warehouse.query(
    """
    select
        model_id,
        occurred_at,
        activity_type,
        rule_description,
        category,
        rule_points,
        awarded_points,
        round(decay_factor, 3) as decay_factor,
        round(decayed_points, 2) as decayed_points,
        is_within_daily_cap
    from marts.fct_points_ledger
    where lead_id = ? and list_contains(?, model_id)
    order by occurred_at desc, model_id, rule_description
    """,
    [lead_id, filters.models],
)
st.dataframe(ledger, hide_index=True)
