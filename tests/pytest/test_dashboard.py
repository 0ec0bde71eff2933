"""The dashboard (dashboard/app.py) in Streamlit's AppTest, on the published
copy of the hand-made dataset of test_routing_and_feedback.py, scored as of
2026-03-20. Every figure a page shows is checked against SQL on the same
marts and against the numbers worked by hand there:

Leads by group on 03-20 (fct_lead_scores): `hand` (active) cold B, G; warm
A, C, D, F; hot E; sales-ready E only (C is excluded). `quiet` (active)
cold B, D, F, G; warm A, C; hot E. `shadow` (draft) cold B, D, G; hot A,
C, E, F, all four sales-ready.
Sales-ready leads of `hand` over time (fct_score_history): F hot from 03-05
to 03-07, A from 03-10 to 03-18, E from 03-20: 1, 0, 1, 0, 1.
SLA (fct_routing_actions): `hand` met A, breached F, open E; `quiet`
breached A, C, F, open E.
Feedback loop, `hand`, March: 3 handoffs, 2 / 3 reached sal, lift 4 / 3.
Performance, `hand`: AUC 2 / 5, precision 0, recall 0.
Lead A under `hand`: score 44.75, warm; first warm on 03-01, hot on 03-10
(activity), warm on 03-18 (decay).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import REPO, Project, SharedBuilds
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest
from test_routing_and_feedback import routed_copy

APP = REPO / "dashboard" / "app.py"
PAGES = [
    "views/overview.py",
    "views/feedback.py",
    "views/performance.py",
    "views/lead.py",
]


@pytest.fixture(scope="session")
def built(
    tmp_path_factory: pytest.TempPathFactory, shared_builds: SharedBuilds
) -> tuple[Project, Path]:
    """The routed dataset (the build test_routing_and_feedback.py reads, made
    once a run), and its published copy (published from a copy of the
    warehouse, as a dbt run in this process may hold it)."""
    root = tmp_path_factory.mktemp("dashboard")
    project = routed_copy(shared_builds, root / "project")
    published = project.publish(root / "published.duckdb")
    return project, published


@pytest.fixture
def published(
    built: tuple[Project, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    monkeypatch.setenv("LEAD_SCORING_PUBLISHED", str(built[1]))
    yield built[1]


def sql(path: Path, text: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(text).fetchall()
    finally:
        con.close()


def open_page(page: str, lead: str | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    if lead is not None:
        app.query_params["lead"] = lead
    app.run()
    if page != PAGES[0]:
        app.switch_page(page)
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def chart_data(app: AppTest, index: int) -> pd.DataFrame:
    chart = app.get("vega_lite_chart")[index].proto
    return dataframe_util.convert_arrow_bytes_to_pandas_df(chart.datasets[0].data.data)


def table_rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_overview_shows_the_groups_the_history_and_the_last_run(
    published: Path,
) -> None:
    app = open_page("views/overview.py")
    shown = metrics(app)
    assert shown["hand: leads"] == "7"
    assert shown["hand: sales-ready"] == "1"
    assert shown["shadow: sales-ready"] == "4"
    assert shown["Scores as of"] == "2026-03-20"
    groups = app.table[0].value
    assert table_rows(
        groups[["model_id", "group_name", "leads", "sales_ready_leads"]]
    ) == [
        ("hand", "cold", 2, 0),
        ("hand", "warm", 4, 0),
        ("hand", "hot", 1, 1),
        ("quiet", "cold", 4, 0),
        ("quiet", "warm", 2, 0),
        ("quiet", "hot", 1, 1),
        ("shadow", "cold", 3, 0),
        ("shadow", "hot", 4, 4),
    ]
    assert table_rows(groups[["model_id", "group_name", "leads"]]) == sql(
        published,
        "select model_id, group_name, count(*) from marts.fct_lead_scores"
        " join scoring_model.score_groups using (model_id, group_name)"
        " group by all order by model_id, min(sort_order)",
    )
    sales_ready = chart_data(app, 1)
    hand = sales_ready[sales_ready["model_id"] == "hand"]
    assert [str(day.date()) for day in hand["day"]] == [
        "2026-03-05",
        "2026-03-07",
        "2026-03-10",
        "2026-03-18",
        "2026-03-20",
    ]
    assert list(hand["sales_ready_leads"]) == [1, 0, 1, 0, 1]
    handoffs = chart_data(app, 2)
    assert handoffs.groupby("model_id")["handoffs"].sum().to_dict() == {
        "hand": 3,
        "quiet": 4,
        "shadow": 4,
    }
    quality = app.table[2].value
    assert table_rows(quality) == sql(
        published,
        "select source_table, issue, row_count from marts.rpt_data_quality"
        " order by source_table, issue <> 'usable_rows', issue",
    )
    assert "No row quarantined" in app.success[0].value


def test_overview_counts_the_sales_ready_leads_not_the_hot_ones(
    built: tuple[Project, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C is excluded under `hand`: moved to hot in a copy of the marts, it
    counts in hot (2 leads) but not as sales-ready (still 1, E)."""
    published = tmp_path / "published.duckdb"
    shutil.copy(built[1], published)
    con = duckdb.connect(str(published))
    con.execute(
        "update marts.fct_lead_scores set group_name = 'hot'"
        " where lead_id = 'C' and model_id = 'hand' and is_excluded"
    )
    con.close()
    monkeypatch.setenv("LEAD_SCORING_PUBLISHED", str(published))
    app = open_page("views/overview.py")
    assert metrics(app)["hand: sales-ready"] == "1"
    groups = app.table[0].value
    hot = groups[(groups["model_id"] == "hand") & (groups["group_name"] == "hot")]
    assert table_rows(hot[["leads", "sales_ready_leads"]]) == [(2, 1)]


def test_feedback_loop_shows_the_funnel_and_the_sla(published: Path) -> None:
    app = open_page("views/feedback.py")
    assert [(metric.label, metric.value) for metric in app.metric] == [
        ("hand (active): handoffs", "3"),
        ("quiet (active): handoffs", "4"),
        ("shadow (draft): handoffs", "4"),
    ]
    funnel = app.dataframe[0].value
    march = funnel[funnel["model_id"] == "hand"].iloc[0]
    assert march["handoffs"] == 3
    assert march["sal_share"] == pytest.approx(2 / 3)
    assert march["sal_lift"] == pytest.approx(4 / 3)
    assert march["median_days_to_sal"] == pytest.approx(2.5)
    sla = app.table[0].value
    assert table_rows(sla[["model_id", "met", "breached", "open"]]) == [
        ("hand", 1, 1, 1),
        ("quiet", 0, 3, 1),
    ]
    assert table_rows(sla[["model_id", "met", "breached", "open"]]) == sql(
        published,
        "select model_id, count(*) filter (where sla_status = 'met'),"
        " count(*) filter (where sla_status = 'breached'),"
        " count(*) filter (where sla_status = 'open')"
        " from marts.fct_routing_actions where sla_hours is not null"
        " group by all order by all",
    )


def test_model_performance_shows_auc_precision_recall_and_the_backtest(
    published: Path,
) -> None:
    app = open_page("views/performance.py")
    shown = metrics(app)
    assert shown["AUC hand (active)"] == "0.400"
    assert shown["Precision / recall hand"] == "0.000 / 0.000"
    (auc,) = sql(
        published,
        "select auc from marts.rpt_model_performance where model_id = 'shadow'",
    )[0]
    assert shown["AUC shadow (draft)"] == f"{auc:.3f}"
    performance = app.table[0].value
    assert list(performance["model_id"]) == ["hand", "quiet", "shadow"]
    assert list(performance["model_status"]) == ["active", "active", "draft"]
    # One row per model and month-start, as the mart has them.
    (backtest,) = [t.value for t in app.table if "backtest_date" in t.value.columns]
    backtest = backtest.assign(
        backtest_date=backtest["backtest_date"].dt.strftime("%Y-%m-%d")
    )
    expected = sql(
        published,
        "select distinct model_id, strftime(backtest_date, '%Y-%m-%d'), leads,"
        " converted_leads, auc from marts.rpt_model_backtest order by 2, 1",
    )
    assert expected
    assert [
        tuple(None if pd.isna(value) else value for value in row)
        for row in table_rows(
            backtest[["model_id", "backtest_date", "leads", "converted_leads", "auc"]]
        )
    ] == expected


def test_model_performance_says_when_there_is_no_backtest(
    built: tuple[Project, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file published before the backtest existed: the page says so."""
    published = tmp_path / "published.duckdb"
    shutil.copy(built[1], published)
    con = duckdb.connect(str(published))
    con.execute("drop table marts.rpt_model_backtest")
    con.close()
    monkeypatch.setenv("LEAD_SCORING_PUBLISHED", str(published))
    app = open_page("views/performance.py")
    assert "No backtest" in app.info[0].value


def test_model_performance_shows_a_drafts_calibration_plot(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """make calibrate writes <draft>.png beside the draft's seeds: the page
    shows the plot of each model shown that has one, and nothing for the
    others."""
    monkeypatch.setenv("LEAD_SCORING_SEEDS", str(tmp_path))
    app = open_page("views/performance.py")
    assert not [s for s in app.subheader if "Calibration" in s.value]
    shutil.copy(
        REPO / "docs" / "images" / "calibration_plot.png", tmp_path / "shadow.png"
    )
    app = open_page("views/performance.py")
    assert [s.value for s in app.subheader if "Calibration" in s.value] == [
        "Calibration of the drafts"
    ]
    images = app.get("image")
    assert len(images) == 1
    assert images[0].proto.imgs[0].caption == "Calibration plot of shadow"


def test_lead_page_explains_a_lead(published: Path) -> None:
    app = open_page("views/lead.py", lead="A")
    shown = metrics(app)
    (score,) = sql(
        published,
        "select lead_score from marts.fct_lead_scores"
        " where lead_id = 'A' and model_id = 'hand'",
    )[0]
    assert score == 44.75
    assert shown["Score hand"] == "44.8"
    assert shown["Group hand"] == "warm"
    transitions = app.table[0].value
    hand = transitions[transitions["model_id"] == "hand"]
    assert hand["from_group"].isna().tolist() == [True, False, False]
    assert list(hand["from_group"][1:]) == ["warm", "hot"]
    assert list(hand["to_group"]) == ["warm", "hot", "warm"]
    assert list(hand["cause"]) == ["activity", "activity", "decay"]
    assert [str(day.date()) for day in hand["transition_date"]] == [
        "2026-03-01",
        "2026-03-10",
        "2026-03-18",
    ]
    ledger = app.dataframe[0].value
    assert (
        len(ledger)
        == sql(
            published,
            "select count(*) from marts.fct_points_ledger where lead_id = 'A'",
        )[0][0]
    )
    assert ledger[ledger["model_id"] == "hand"][
        "decayed_points"
    ].sum() == pytest.approx(
        sql(
            published,
            "select sum(round(decayed_points, 2)) from marts.fct_points_ledger"
            " where lead_id = 'A' and model_id = 'hand'",
        )[0][0]
    )
    history = chart_data(app, 0)
    assert list(history[history["model_id"] == "hand"]["group_name"]) == [
        "warm",
        "hot",
        "warm",
    ]


def test_lead_page_finds_leads_by_email_domain(published: Path) -> None:
    """acme.com (in any case): A, D, E, F and G, by their top score under
    the models: A, E and F 60 (shadow), D 23.6 (hand), G 0; A is shown
    first."""
    app = open_page("views/lead.py", lead="ACME.com")
    leads = app.selectbox[0]
    assert [option.split(":")[0] for option in leads.options] == list("AEFDG")
    assert metrics(app)["Score hand"] == "44.8"
    app.selectbox[0].select("D").run()
    assert metrics(app)["Group quiet"] == "cold"
    nobody = open_page("views/lead.py", lead="nowhere.example")
    assert "No lead has the id or the email domain" in nobody.warning[0].value


def test_a_new_publish_is_seen(
    built: tuple[Project, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache and the connection follow the file: a new copy swapped in
    (as scripts/publish.py does) shows at once."""
    published = tmp_path / "published.duckdb"
    shutil.copy(built[1], published)
    monkeypatch.setenv("LEAD_SCORING_PUBLISHED", str(published))
    assert metrics(open_page("views/overview.py"))["hand: leads"] == "7"
    newer = tmp_path / "newer.duckdb"
    shutil.copy(built[1], newer)
    con = duckdb.connect(str(newer))
    con.execute("delete from marts.fct_lead_scores where lead_id = 'B'")
    con.close()
    os.replace(newer, published)
    assert metrics(open_page("views/overview.py"))["hand: leads"] == "6"


def test_readers_never_fail_while_publishes_swap_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four readers (the sessions of a served dashboard are threads of one
    process) query the published file while it is replaced 30 times, as
    scripts/publish.py replaces it: no query fails, each reads one whole
    version (version n has n rows, each saying n), and once the swaps are
    over every reader reads the last."""
    monkeypatch.syspath_prepend(str(APP.parent))
    import warehouse

    published = tmp_path / "published.duckdb"

    def publish(version: int) -> None:
        written = tmp_path / f"version_{version}.duckdb"
        con = duckdb.connect(str(written))
        con.execute("create schema marts")
        con.execute(
            f"create table marts.fct_lead_scores as select {version} as version"
            f" from range({version})"
        )
        con.close()
        os.replace(written, published)

    publish(1)
    monkeypatch.setenv("LEAD_SCORING_PUBLISHED", str(published))
    errors: list[str] = []
    wrong: list[tuple[int, int]] = []
    done = threading.Event()
    asked = iter(range(10**9))  # a new query each time: no cached answer

    def read() -> tuple[int, int]:
        frame = warehouse.query(
            "select count(*) as rows, min(version) as version, ? as asked"
            " from marts.fct_lead_scores",
            [next(asked)],
        )
        return int(frame["rows"][0]), int(frame["version"][0])

    def reader() -> None:
        while not done.is_set():
            try:
                rows, version = read()
            except Exception as error:  # noqa: BLE001 - every failure counts
                errors.append(repr(error))
                continue
            if rows != version:
                wrong.append((rows, version))

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    try:
        for version in range(2, 32):
            publish(version)
            time.sleep(0.01)
    finally:
        done.set()
        for thread in readers:
            thread.join(60)
    assert errors == []
    assert wrong == []
    assert [read() for _ in range(4)] == [(31, 31)] * 4


# Values that Markdown would render: a remote image, bold, emphasis, a link,
# a colour directive, LaTeX and HTML.
MARKUP = {
    "company_name": "![x](http://remote.example/img.png)",
    "job_title": "**bold**",
    "department": "<img src=http://remote.example/a.png>",
    "industry": ":red[alarm]",
    "country": "$x^2$",
}
REASON = "[a demo](http://remote.example/demo)"


def rendered_as_markdown(app: AppTest) -> list[str]:
    """The source of everything on the page that Streamlit renders as
    Markdown: titles, headers, Markdown and captions, alerts, metrics (label,
    value, delta) and the cells of st.table as displayed."""
    sources = [
        element.value
        for elements in (app.title, app.header, app.subheader, app.markdown)
        for element in elements
    ]
    sources += [element.value for element in app.caption]
    for alerts in (app.error, app.warning, app.info, app.success):
        sources += [alert.value for alert in alerts]
    for metric in app.metric:
        sources += [metric.proto.label, metric.proto.body, metric.proto.delta]
    for table in app.table:
        shown = dataframe_util.convert_arrow_bytes_to_pandas_df(
            table.proto.arrow_data.styler.display_values
        )
        sources += [str(value) for value in shown.to_numpy().ravel()]
    return sources


def unescaped(text: str) -> str:
    """Markdown's backslash escapes removed: the text a reader sees."""
    return re.sub(r"\\(.)", r"\1", text)


def test_values_from_the_data_are_shown_as_plain_text(
    built: tuple[Project, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a copy of the marts, lead A's attributes and first reason hold
    Markdown, the model `hand` is called `**hand**` and the group `warm`
    `*warm*` in every table. No page renders any of it as Markdown (no
    element rendered as Markdown holds it unescaped), and each still shows
    it, as plain text or escaped."""
    published = tmp_path / "published.duckdb"
    shutil.copy(built[1], published)
    con = duckdb.connect(str(published))
    for column, value in MARKUP.items():
        con.execute(
            f"update marts.dim_leads set {column} = ? where lead_id = 'A'", [value]
        )
    con.execute(
        "update marts.fct_lead_score_reasons set top_reason_1 = ?"
        " where lead_id = 'A' and model_id = 'hand'",
        [REASON],
    )
    columns = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns"
        " join information_schema.tables using (table_schema, table_name)"
        " where table_type = 'BASE TABLE' and data_type = 'VARCHAR'"
    ).fetchall()
    for schema, table, column in columns:
        for old, new in (("hand", "**hand**"), ("warm", "*warm*")):
            con.execute(
                f'update {schema}."{table}" set "{column}" = ? where "{column}" = ?',
                [new, old],
            )
    con.close()
    monkeypatch.setenv("LEAD_SCORING_PUBLISHED", str(published))
    raw = [*MARKUP.values(), REASON, "**hand**", "*warm*"]
    for page in PAGES:
        app = open_page(page, lead="A")
        sources = rendered_as_markdown(app)
        assert [
            (value, source) for source in sources for value in raw if value in source
        ] == [], page
        shown = " ".join(unescaped(source) for source in sources)
        shown += " ".join(text.value for text in app.text)
        assert "**hand**" in shown, page
        if page == "views/lead.py":
            assert all(value in shown for value in raw)
            seen = {unescaped(metric.label): metric.value for metric in app.metric}
            assert seen["Score **hand**"] == "44.8"


@pytest.mark.parametrize("page", PAGES)
def test_a_missing_or_empty_warehouse_is_said_plainly(
    page: str,
    built: tuple[Project, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No file, a file with no marts, marts with no leads, and the file dbt
    writes: an error naming the file and what to run, no traceback."""
    missing = tmp_path / "missing.duckdb"
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    no_leads = tmp_path / "no_leads.duckdb"
    shutil.copy(built[1], no_leads)
    con = duckdb.connect(str(no_leads))
    con.execute("delete from marts.fct_lead_scores")
    con.close()
    cases = {
        missing: "No published warehouse at",
        empty: "holds no built marts",
        no_leads: "has no scored leads",
        built[0].warehouse: "is the file dbt writes",
    }
    monkeypatch.setenv("LEAD_SCORING_DUCKDB", str(built[0].warehouse))
    for path, message in cases.items():
        monkeypatch.setenv("LEAD_SCORING_PUBLISHED", str(path))
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.run()
        if page != PAGES[0]:
            app.switch_page(page)
            app.run()
        assert not app.exception, [e.value for e in app.exception]
        errors = [error.value for error in app.error]
        assert len(errors) == 1, (path, errors)
        assert message in errors[0] and str(path) in errors[0]
        assert "make run" in errors[0] or "publish.py" in errors[0]
