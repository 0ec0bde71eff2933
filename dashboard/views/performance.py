"""Model performance over each model's test period: conversion by score
decile and by group, AUC, precision and recall, drafts beside the active
models; the backtest when the published file has one."""

import altair as alt
import streamlit as st
import warehouse

filters = warehouse.filters()
st.title("Model performance")
st.caption(
    "Over each model's test period (from its activated_on), on the score each"
    " lead had before sales touched it; converted = reached the funnel stage"
    " `converted_funnel_stage` (sql by default). The test periods are fixed:"
    " the date filter does not apply here."
)

performance = warehouse.query(
    """
    select
        model_id,
        model_status,
        test_period_start,
        test_period_end,
        is_test_period_complete,
        leads,
        converted_leads,
        round(conversion_rate, 3) as conversion_rate,
        sales_ready_leads,
        sales_ready_converted_leads,
        round(sales_ready_precision, 3) as sales_ready_precision,
        round(sales_ready_recall, 3) as sales_ready_recall,
        round(auc, 3) as auc
    from marts.rpt_model_performance
    where list_contains(?, model_id)
    order by model_status, model_id
    """,
    [filters.models],
)
if performance.empty:
    st.info("rpt_model_performance has no row for these models.")
else:
    columns = st.columns(len(performance))
    for column, row in zip(columns, performance.itertuples(), strict=True):
        model = warehouse.plain(row.model_id)
        column.metric(
            f"AUC {model} ({warehouse.plain(row.model_status)})",
            warehouse.number(row.auc, 3),
        )
        column.metric(
            f"Precision / recall {model}",
            f"{warehouse.number(row.sales_ready_precision, 3)} / {warehouse.number(row.sales_ready_recall, 3)}",
        )
    warehouse.show_table(performance, digits=3)

bands = warehouse.query(
    """
    select
        model_id,
        band_kind,
        band,
        band_order,
        leads,
        converted_leads,
        round(conversion_rate, 3) as conversion_rate,
        min_score,
        max_score
    from marts.rpt_model_conversion_by_band
    where list_contains(?, model_id)
    order by model_id, band_kind, band_order
    """,
    [filters.models],
)
deciles = bands[bands["band_kind"] == "decile"]
plots = warehouse.calibration_plots(list(filters.models))
if plots:
    st.subheader("Calibration of the drafts")
    st.caption(
        "Written by make calibrate beside each draft: predicted against observed"
        " conversion by decile, the model it was calibrated from beside the"
        " draft, on the leads after training (or the chronological holdout"
        " inside the training leads)."
    )
    for model, path in plots:
        st.image(str(path), caption=f"Calibration plot of {warehouse.plain(model)}")
by_group = bands[bands["band_kind"] == "group"]
left, right = st.columns(2)
with left:
    st.subheader("Conversion by score decile")
    st.altair_chart(
        alt.Chart(deciles)
        .mark_bar()
        .encode(
            x=alt.X("band_order:O", title="decile (10 = highest scores)"),
            xOffset="model_id:N",
            y=alt.Y("conversion_rate:Q", axis=alt.Axis(format="%"), title="converted"),
            color=alt.Color("model_id:N", title="model"),
            tooltip=["model_id", "band", "leads", "converted_leads", "conversion_rate"],
        ),
        width="stretch",
    )
with right:
    st.subheader("Conversion by group")
    st.altair_chart(
        alt.Chart(by_group)
        .mark_bar()
        .encode(
            x=alt.X("band:N", sort=None, title="group"),
            xOffset="model_id:N",
            y=alt.Y("conversion_rate:Q", axis=alt.Axis(format="%"), title="converted"),
            color=alt.Color("model_id:N", title="model"),
            tooltip=["model_id", "band", "leads", "converted_leads", "conversion_rate"],
        ),
        width="stretch",
    )
warehouse.show_table(by_group.drop(columns=["band_kind", "band_order"]), digits=3)
with st.expander("Deciles"):
    st.dataframe(deciles.drop(columns="band_kind"), hide_index=True)

st.subheader("Backtest")
if "marts.rpt_model_backtest" not in warehouse.tables():
    st.info(
        "No backtest: the published file has no marts.rpt_model_backtest."
        " Run make run to build and publish it."
    )
else:
    # One row per model and month-start: the day's figures repeat on each
    # of its groups' rows.
    days = warehouse.query(
        """
        select distinct
            model_id, model_status, backtest_date, leads, converted_leads,
            conversion_rate, auc, top_decile_lift, is_window_complete
        from marts.rpt_model_backtest
        where list_contains(?, model_id)
            and backtest_date between ? and ?
        order by backtest_date, model_id
        """,
        [filters.models, filters.start, filters.end],
    )
    st.caption(
        "Each model's scores frozen on each month-start against what the leads"
        " did in the next backtest_window_days; a window still running at"
        " as_of is young."
    )
    st.altair_chart(
        alt.Chart(days)
        .mark_line(point=True)
        .encode(
            x=alt.X("backtest_date:T", title="month-start"),
            y=alt.Y("auc:Q", scale=alt.Scale(zero=False), title="AUC"),
            color=alt.Color("model_id:N", title="model"),
            tooltip=["model_id", "backtest_date", "leads", "converted_leads", "auc"],
        ),
        width="stretch",
    )
    warehouse.show_table(days, digits=3)
    with st.expander("By group"):
        st.dataframe(
            warehouse.query(
                """
                select
                    model_id, backtest_date, group_name, group_leads,
                    group_converted_leads, group_conversion_rate,
                    handoffs_per_week
                from marts.rpt_model_backtest
                where list_contains(?, model_id)
                    and backtest_date between ? and ?
                order by backtest_date, model_id, group_name
                """,
                [filters.models, filters.start, filters.end],
            ),
            hide_index=True,
        )
