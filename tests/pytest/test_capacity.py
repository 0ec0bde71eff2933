"""The thresholds of a calibrated draft from sales capacity
(scripts/calibrate.py), on cases worked by hand."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import calibrate  # noqa: E402

GROUPS = [
    {"model_id": "m", "group_name": "cold", "min_score": "", "max_score": "30",
     "is_sales_ready": "false", "sort_order": "1"},
    {"model_id": "m", "group_name": "warm", "min_score": "30", "max_score": "60",
     "is_sales_ready": "false", "sort_order": "2"},
    {"model_id": "m", "group_name": "hot", "min_score": "60", "max_score": "",
     "is_sales_ready": "true", "sort_order": "3"},
]  # fmt: skip
# The original scores of ten training leads: 3 of 10 below warm's 30.
ORIGINAL = np.arange(0, 100, 10, dtype=float)
# Their calibrated scores: the 0.3 quantile is 300 + 0.7 * 100 = 370.
CALIBRATED = np.arange(100, 1100, 100, dtype=float)
# The highest calibrated score each lead reached over the training period.
PEAKS = np.array([150.0, 420.0, 650.5, 800.9, 990.0, 1200.0])


def test_the_bound_that_gives_the_capacity() -> None:
    # Two weeks, 2 leads a week: 4 leads. Peaks 31, 40, 48 and 55 reach 31;
    # 20 would let in 5 (2.5 a week), 40 only 3 (1.5 a week).
    peaks = np.array([5, 12, 12, 20, 31, 40, 48, 55], dtype=float)
    assert calibrate.capacity_bound(peaks, weeks=2, per_week=2) == 31
    # Peaks of 30.7 and 30.2 reach 30, not 31: 3 leads reach 30 in a week.
    assert calibrate.capacity_bound(np.array([30.7, 30.2, 45.5]), 1, 3) == 30
    # 2 a week: 30 (3 leads) and 45 (1 lead) are as close; the higher wins.
    assert calibrate.capacity_bound(np.array([30.7, 30.2, 45.5]), 1, 2) == 45


def test_bands_from_capacity_and_shares() -> None:
    # 1.5 leads a week over two weeks: 3 leads, the peaks 1200, 990 and 800.9
    # reach 800; warm starts where 30% of the calibrated scores are below.
    groups = calibrate.calibrated_groups(GROUPS, ORIGINAL, CALIBRATED, PEAKS, 2, 1.5)
    assert [(g["group_name"], g["min_score"], g["max_score"]) for g in groups] == [
        ("cold", "", "370"),
        ("warm", "370", "800"),
        ("hot", "800", ""),
    ]
    # 3 leads a week: 6 leads, every peak, from 150; warm's 370 would be above
    # it, so warm shrinks to [149, 150).
    groups = calibrate.calibrated_groups(GROUPS, ORIGINAL, CALIBRATED, PEAKS, 2, 3)
    assert [(g["min_score"], g["max_score"]) for g in groups] == [
        ("", "149"),
        ("149", "150"),
        ("150", ""),
    ]


def test_without_capacity_the_bands_are_kept() -> None:
    groups = calibrate.calibrated_groups(GROUPS, ORIGINAL, CALIBRATED, PEAKS, 2, None)
    assert groups == GROUPS


@pytest.mark.parametrize("per_week", [0.5, 1, 2.5])
def test_about_that_many_leads_a_week(per_week: float) -> None:
    """On many peaks the bound lets in per_week leads a week, give or take
    one lead over the period."""
    peaks = np.linspace(0, 999, 1000)
    weeks = 10
    bound = calibrate.capacity_bound(peaks, weeks, per_week)
    assert abs((peaks >= bound).sum() - per_week * weeks) <= 1


def test_without_a_sales_ready_group_the_bands_are_kept() -> None:
    groups = [{**group, "is_sales_ready": "false"} for group in GROUPS]
    assert calibrate.calibrated_groups(groups, ORIGINAL, CALIBRATED, PEAKS, 2, 1.5) == (
        groups
    )
