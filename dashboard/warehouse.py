"""The dashboard's one way to the data: the published copy of the marts
(scripts/publish.py), opened read-only, never the file dbt writes. Every
query runs in DuckDB and is cached until the file changes (publish swaps a
new file in: its inode and modification time move). A swap while pages
read is safe: a query under way finishes on the file it started on."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

DEFAULT_WAREHOUSE = "data/lead_scoring.duckdb"

# The tables the pages read; a published file without them is not a build.
REQUIRED_TABLES = (
    "marts.dim_leads",
    "marts.fct_lead_scores",
    "marts.fct_lead_score_reasons",
    "marts.fct_points_ledger",
    "marts.fct_score_history",
    "marts.fct_group_transitions",
    "marts.fct_handoffs",
    "marts.fct_routing_actions",
    "marts.rpt_handoff_funnel",
    "marts.rpt_model_performance",
    "marts.rpt_model_conversion_by_band",
    "marts.rpt_scoring_runs",
    "marts.rpt_data_quality",
    "scoring_model.scoring_models",
    "scoring_model.score_groups",
)


def seeds_path() -> Path:
    """LEAD_SCORING_SEEDS, else the project's seeds/: where make calibrate
    writes a draft and its calibration plot (<draft model_id>.png)."""
    explicit = os.environ.get("LEAD_SCORING_SEEDS")
    return Path(explicit) if explicit else Path(__file__).resolve().parents[1] / "seeds"


def calibration_plots(models: Sequence[str]) -> list[tuple[str, Path]]:
    """The calibration plots make calibrate wrote for these models (drafts
    named <model_id>.png in the seed folder), in the models' order."""
    folder = seeds_path()
    return [
        (model, folder / f"{model}.png")
        for model in models
        if (folder / f"{model}.png").is_file()
    ]


def warehouse_path() -> Path:
    return Path(os.environ.get("LEAD_SCORING_DUCKDB", DEFAULT_WAREHOUSE))


def published_path() -> Path:
    """LEAD_SCORING_PUBLISHED, else the file scripts/publish.py writes next
    to the warehouse (data/lead_scoring_published.duckdb by default)."""
    explicit = os.environ.get("LEAD_SCORING_PUBLISHED")
    if explicit:
        return Path(explicit)
    warehouse = warehouse_path()
    return warehouse.with_name(f"{warehouse.stem}_published.duckdb")


@dataclass
class _Opened:
    """The published file as it was when opened, and the readers using it."""

    version: tuple[int, int]
    connection: duckdb.DuckDBPyConnection
    readers: int = 0
    is_replaced: bool = False


# One connection per published file, to its current version: the sessions
# of a served dashboard are threads of one process and share it, a cursor
# each. When publish swaps a new file in, the next query opens the new one;
# the old connection is closed only when its last reader is done (closing
# it under another session's query failed that page). Not st.cache_resource,
# which cannot wait for the readers.
_lock = threading.Lock()
_opened: dict[str, _Opened] = {}


def _open(path: str) -> duckdb.DuckDBPyConnection:
    """The file attached read-only to a database of its own in memory: a
    plain duckdb.connect(path) would hand back DuckDB's instance of the path
    while a reader still holds it, which reads the replaced file."""
    connection = duckdb.connect()
    try:
        quoted = path.replace("'", "''")
        connection.execute(f"attach '{quoted}' as published (read_only)")
    except BaseException:
        connection.close()
        raise
    return connection


def _release(opened: _Opened) -> None:
    """Under _lock: one reader fewer; close a replaced version's connection
    when nobody reads it any more."""
    opened.readers -= 1
    if opened.is_replaced and opened.readers == 0:
        opened.connection.close()


@contextmanager
def _reading(
    path: str, version: tuple[int, int]
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the connection to `version` of the file (opened when it
    is not the one open, the previous one set to close)."""
    with _lock:
        opened = _opened.get(path)
        if opened is None or opened.version != version:
            if opened is not None:
                opened.is_replaced = True
                opened.readers += 1
                _release(opened)
            opened = _Opened(version, _open(path))
            _opened[path] = opened
        opened.readers += 1
    try:
        with opened.connection.cursor() as cursor:
            cursor.execute("use published")  # each cursor starts in memory
            yield cursor
    finally:
        with _lock:
            _release(opened)


@st.cache_data(max_entries=1000, show_spinner=False)
def _query(
    path: str, version: tuple[int, int], sql: str, params: list | dict
) -> pd.DataFrame:
    with _reading(path, version) as cursor:
        return cursor.execute(sql, params).df()


def query(
    sql: str, params: Sequence[object] | Mapping[str, object] = ()
) -> pd.DataFrame:
    """The result of `sql` on the published file, cached per file version
    (its inode and modification time: publish swaps a new file in); params
    by position (?) or by name ($name)."""
    path = published_path()
    values = dict(params) if isinstance(params, Mapping) else list(params)
    status = path.stat()
    return _query(str(path.resolve()), (status.st_ino, status.st_mtime_ns), sql, values)


def tables() -> set[str]:
    names = query(
        "select table_schema || '.' || table_name as name"
        " from information_schema.tables"
    )
    return set(names["name"])


def problem() -> str | None:
    """Why the pages cannot show the marts, in words for the reader, or None."""
    path = published_path()
    if path.resolve() == warehouse_path().resolve():
        return (
            f"`{path}` is the file dbt writes. The dashboard reads the published"
            " copy: unset LEAD_SCORING_PUBLISHED or point it to the file"
            " `scripts/publish.py` writes."
        )
    if not path.exists():
        return (
            f"No published warehouse at `{path}`. Run `make run` to build the"
            " marts and publish them, or set LEAD_SCORING_PUBLISHED to the"
            " published file."
        )
    try:
        missing = [name for name in REQUIRED_TABLES if name not in tables()]
    except duckdb.Error as error:
        return f"`{path}` cannot be read as a DuckDB file ({error}). Run `make run`."
    if missing:
        return (
            f"`{path}` holds no built marts (missing: {', '.join(missing)})."
            " Run `make run` to build them and publish the copy."
        )
    if query("select count(*) as leads from marts.fct_lead_scores")["leads"][0] == 0:
        return (
            f"`{path}` has no scored leads: marts.fct_lead_scores is empty."
            " Load leads (docs/loading_data.md) and run `make run`."
        )
    return None


@dataclass(frozen=True)
class Filters:
    """The sidebar's choice: the scored models and a range of days."""

    models: list[str]
    start: dt.date
    end: dt.date


def draw_filters() -> Filters:
    """The sidebar's model and date filters, shared by every page."""
    models = query(
        """
        select scores.model_id, scores.model_status, any_value(models.model_name) as model_name
        from (select distinct model_id, model_status from marts.fct_lead_scores) as scores
        left join scoring_model.scoring_models as models
            on scores.model_id = models.model_id
        group by all
        order by scores.model_status, scores.model_id
        """
    )
    labels = {
        row.model_id: f"{row.model_id} ({row.model_status})"
        for row in models.itertuples()
    }
    bounds = query(
        """
        select
            (select min(valid_from) from marts.fct_score_history) as first_day,
            (select max(scored_as_of) from marts.fct_lead_scores) as as_of
        """
    ).iloc[0]
    as_of = pd.Timestamp(bounds["as_of"]).date()
    first_day = (
        pd.Timestamp(bounds["first_day"]).date()
        if pd.notna(bounds["first_day"])
        else as_of
    )
    chosen = st.sidebar.multiselect(
        "Models", list(labels), default=list(labels), format_func=labels.get
    )
    days = st.sidebar.date_input(
        "Days", value=(first_day, as_of), min_value=first_day, max_value=as_of
    )
    start, end = (days[0], days[-1]) if days else (first_day, as_of)
    st.sidebar.caption(f"Scores as of {as_of}. Data: `{published_path()}`.")
    filters = Filters(models=chosen or list(labels), start=start, end=end)
    st.session_state["filters"] = filters
    return filters


def filters() -> Filters:
    """The filters app.py drew for this run."""
    return st.session_state["filters"]


def number(value: object, digits: int) -> str:
    """A figure as the pages print it; n/a where the mart has none."""
    if value is None or pd.isna(value):
        return "n/a"
    return f"{float(value):,.{digits}f}"


# What Markdown (as Streamlit renders it: GitHub's, with colour and emoji
# directives, LaTeX and autolinks) can read as markup: every such character,
# but `_`, `-` and `.` between letters or digits (b2b_core, 2026-03-20 and
# 1.5 stay as they are; none of them is markup there).
_MARKUP = re.compile(
    r"[\\`*{}\[\]()<>#+!|~:$&@=^\"']"
    r"|(?<![0-9A-Za-z])[_.\-]|[_.\-](?![0-9A-Za-z])|(?<![0-9])\.|\.(?![0-9])"
)


def plain(value: object) -> str:
    """A value from the data for a place Streamlit renders as Markdown (a
    title, a metric, st.markdown, an alert, a cell of st.table): escaped, so
    it reads as written and nothing in it is markup; on one line."""
    return _MARKUP.sub(lambda match: "\\" + match.group(), " ".join(str(value).split()))


def text(value: object, missing: str) -> str:
    """A text column's value, or `missing` where it is null."""
    return value if isinstance(value, str) and value else missing


def show_table(frame: pd.DataFrame, digits: int = 1) -> None:
    """A small table, every row on the page (st.table), its numbers rounded
    and its days without a time for reading, its text as written (st.table
    renders cells as Markdown: text is escaped); the values stay the mart's."""
    formats = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            days = column.dropna()
            pattern = (
                "%Y-%m-%d" if (days == days.dt.normalize()).all() else "%Y-%m-%d %H:%M"
            )
            formats[name] = lambda value, pattern=pattern: (
                "" if pd.isna(value) else value.strftime(pattern)
            )
        elif pd.api.types.is_float_dtype(column):
            formats[name] = lambda value: (
                "" if pd.isna(value) else f"{value:,.{digits}f}"
            )
        elif not pd.api.types.is_numeric_dtype(column):
            formats[name] = lambda value: "" if pd.isna(value) else plain(value)
    st.table(frame.style.format(formats, na_rep=""), hide_index=True)
