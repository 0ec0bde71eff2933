"""The comparison behind `make test-spark`: it must notice any difference
between the DuckDB and the Spark marts, and only real ones."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from spark_parity import compare_marts, compare_rows  # noqa: E402

ROWS = [("L1", "hot", 59.5, True), ("L2", "cold", 0.0, False)]


def test_equal_rows_in_any_order_match() -> None:
    assert compare_rows(ROWS, list(reversed(ROWS)), 1e-9) == []


def test_numbers_match_within_the_tolerance_only() -> None:
    close = [("L1", "hot", 59.5 + 1e-12, True), ("L2", "cold", 0.0, False)]
    far = [("L1", "hot", 59.6, True), ("L2", "cold", 0.0, False)]
    assert compare_rows(ROWS, close, 1e-9) == []
    assert compare_rows(ROWS, far, 1e-9) == [
        "DuckDB ('L1', 'hot', 59.5, True) != Spark ('L1', 'hot', 59.6, True)"
    ]


def test_decimals_and_booleans_are_compared_by_value() -> None:
    assert compare_rows([(Decimal("2.50"), True)], [(2.5, True)], 1e-9) == []
    assert compare_rows([(1, True)], [(1, False)], 1e-9) != []


def test_missing_rows_and_marts_are_reported() -> None:
    columns = ["lead_id", "group_name", "lead_score", "is_sales_ready"]
    duck = {"fct_lead_scores": (columns, ROWS), "dim_leads": (["lead_id"], [("L1",)])}
    spark = {"fct_lead_scores": (columns, ROWS[:1])}
    assert compare_marts(duck, spark, 1e-9) == [
        "dim_leads: only on DuckDB",
        "fct_lead_scores: 2 rows on DuckDB, 1 on Spark",
    ]


def test_dates_and_timestamps_compare_equal() -> None:
    moment = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
    assert (
        compare_rows(
            [(moment, dt.date(2026, 3, 10))],
            [(moment.replace(tzinfo=None), dt.date(2026, 3, 10))],
            1e-9,
        )
        == []
    )
