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
NEVER = -np.inf  # the day before a lead's first day
# Six leads, each scored once, on its first day.
FIRST_DAYS = calibrate.Rises(
    np.array([150.0, 420.0, 650.5, 800.9, 990.0, 1200.0]), np.full(6, NEVER)
)


def test_an_entry_is_a_rise_from_below_the_bound() -> None:
    # One lead: 40 on its first day, down to 25, up to 50, down to 45, up
    # to 48 (the rises and the day before each).
    rises = calibrate.Rises(np.array([40.0, 50.0, 48.0]), np.array([NEVER, 25.0, 45.0]))
    # From 30 it entered twice (its first day, and 25 to 50), from 46
    # twice (25 to 50, 45 to 48), from 49 once, from 51 never.
    assert rises.entries(np.array([30.0, 46.0, 49.0, 51.0])).tolist() == [2, 2, 1, 0]


def test_the_bound_that_gives_the_capacity() -> None:
    # Two weeks, 2 entries a week: 4. Leads on their first day at 5, 12,
    # 12, 20, 31, 40, 48 and 55: from 31, 4 enter; 20 would let in 5 (2.5
    # a week), 32 only 3 (1.5 a week).
    scores = np.array([5, 12, 12, 20, 31, 40, 48, 55], dtype=float)
    rises = calibrate.Rises(scores, np.full(8, NEVER))
    assert calibrate.capacity_bound(rises, weeks=2, per_week=2) == 31
    # Scores of 30.7 and 30.2 reach 30, not 31: 3 entries in a week from 30.
    rises = calibrate.Rises(np.array([30.7, 30.2, 45.5]), np.full(3, NEVER))
    assert calibrate.capacity_bound(rises, 1, 3) == 30
    # 2 a week: 30 (3 entries) and 45 (1) are as close; the higher wins.
    assert calibrate.capacity_bound(rises, 1, 2) == 45


def test_the_highest_bound_of_a_count() -> None:
    # Three rises to 10, from nothing, 3 and 6: 1 entry from bounds 1 to 3,
    # 2 from 4 to 6, 3 from 7 to 10. One a week is from 3, two from 6 (the
    # highest bound of each count, not the lowest).
    rises = calibrate.Rises(np.array([10.0, 10.0, 10.0]), np.array([NEVER, 3.0, 6.0]))
    assert rises.entries(np.array([3.0, 4.0, 6.0, 7.0])).tolist() == [1, 2, 2, 3]
    assert calibrate.capacity_bound(rises, 1, 1) == 3
    assert calibrate.capacity_bound(rises, 1, 2) == 6


def test_a_capacity_closest_to_no_entry() -> None:
    # Two entries over 100 weeks, to 10 and 20: a capacity of 0.001 a week
    # is closest to none (0.02 a week for one entry), from 21.
    rises = calibrate.Rises(np.array([10.0, 20.0]), np.full(2, NEVER))
    assert calibrate.capacity_bound(rises, 100, 0.001) == 21


def test_a_lead_that_falls_and_rises_again_enters_again() -> None:
    # Over one week, a lead at 40 on its first day falls to 35 and rises to
    # 41, falls to 38 and rises to 42: from 39, 3 entries (first day, 35 to
    # 41, 38 to 42); from 40, 3 as well; from 41, 2 (35 to 41, 38 to 42);
    # from 42, 1. One entry a week is from 42, two from 41.
    rises = calibrate.Rises(np.array([40.0, 41.0, 42.0]), np.array([NEVER, 35.0, 38.0]))
    assert rises.entries(np.array([39.0, 40.0, 41.0, 42.0])).tolist() == [3, 3, 2, 1]
    assert calibrate.capacity_bound(rises, 1, 1) == 42
    assert calibrate.capacity_bound(rises, 1, 2) == 41


def test_bands_from_capacity_and_shares() -> None:
    # 1.5 entries a week over two weeks: 3, the first days at 1200, 990 and
    # 800.9 reach 800; warm starts where 30% of the calibrated scores are
    # below.
    groups = calibrate.calibrated_groups(
        GROUPS, ORIGINAL, CALIBRATED, FIRST_DAYS, 2, 1.5
    )
    assert [(g["group_name"], g["min_score"], g["max_score"]) for g in groups] == [
        ("cold", "", "370"),
        ("warm", "370", "800"),
        ("hot", "800", ""),
    ]
    # 3 a week: 6 entries, every lead, from 150; warm's 370 would be above
    # it, so warm shrinks to [149, 150).
    groups = calibrate.calibrated_groups(GROUPS, ORIGINAL, CALIBRATED, FIRST_DAYS, 2, 3)
    assert [(g["min_score"], g["max_score"]) for g in groups] == [
        ("", "149"),
        ("149", "150"),
        ("150", ""),
    ]


def test_without_capacity_the_bands_are_kept() -> None:
    groups = calibrate.calibrated_groups(
        GROUPS, ORIGINAL, CALIBRATED, FIRST_DAYS, 2, None
    )
    assert groups == GROUPS


@pytest.mark.parametrize("per_week", [0.5, 1, 2.5])
def test_about_that_many_entries_a_week(per_week: float) -> None:
    """On many rises the bound lets in per_week entries a week, give or
    take one over the period."""
    after = np.linspace(0, 999, 1000)
    rises = calibrate.Rises(after, after - 50)
    weeks = 10
    bound = calibrate.capacity_bound(rises, weeks, per_week)
    assert abs(rises.entries(np.array([bound]))[0] - per_week * weeks) <= 1


def test_without_a_sales_ready_group_the_bands_are_kept() -> None:
    groups = [{**group, "is_sales_ready": "false"} for group in GROUPS]
    assert calibrate.calibrated_groups(
        groups, ORIGINAL, CALIBRATED, FIRST_DAYS, 2, 1.5
    ) == (groups)
