"""Time each page of the dashboard on a published warehouse: one script run
of the page in Streamlit's AppTest (every query in DuckDB and every element
built), with empty caches (the first reader after a publish) and warm (the
next ones). The browser adds its own drawing; make test-dashboard prints
that time on the demo."""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

import duckdb
import streamlit as st
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "app.py"
PAGES = {
    "Overview": "views/overview.py",
    "Feedback loop": "views/feedback.py",
    "Model performance": "views/performance.py",
    "Lead": "views/lead.py",
}


def forget() -> None:
    """Empty the query cache and close the connection, as after a publish."""
    sys.path.insert(0, str(APP.parent))
    import warehouse  # the module the app imports

    st.cache_data.clear()
    for _, connection in warehouse._connections.values():
        connection.close()
    warehouse._connections.clear()


def run_page(name: str, lead_id: str) -> float:
    page = PAGES[name]
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.query_params["lead"] = lead_id
    app.switch_page(page)
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    problems = [e.value for e in app.exception] + [e.value for e in app.error]
    if problems or app.title[0].value != name:
        raise SystemExit(f"{page} did not show: {problems}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ["LEAD_SCORING_PUBLISHED"] = str(args.published.resolve())
    logging.disable(logging.WARNING)  # not the notes of AppTest's bare mode
    con = duckdb.connect(str(args.published), read_only=True)
    leads, lead_id = con.execute(
        "select (select count(*) from marts.dim_leads),"
        " (select lead_id from marts.fct_lead_scores where is_sales_ready"
        "  order by lead_score desc, lead_id limit 1)"
    ).fetchone()
    con.close()
    print(f"{args.published}: {leads:,} leads; the lead page shows {lead_id}.")
    run_page("Overview", lead_id)  # imports, outside the timings
    print(f"{'page':<20}{'cold (s)':>10}{'warm (s)':>10}   median of {args.repeat}")
    for name in PAGES:
        cold, warm = [], []
        for _ in range(args.repeat):
            forget()
            cold.append(run_page(name, lead_id))
            warm.append(run_page(name, lead_id))
        print(
            f"{name:<20}{statistics.median(cold):>10.2f}{statistics.median(warm):>10.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
