"""pass^k as tau-bench defines it, percentiles, the paired bootstrap, and the gates."""

from __future__ import annotations

import math

import pytest

from eval.harness.gates import check_gates, failed
from eval.harness.stats import bootstrap_ci, pass_hat_k, percentile


def test_pass_hat_k_is_the_mean_of_c_choose_k_over_n_choose_k() -> None:
    trials = [[True, True, False, False], [True, True, True, True], [False, False, False, False]]
    assert pass_hat_k(trials, 1) == pytest.approx((0.5 + 1 + 0) / 3)
    # task 1: C(2,2)/C(4,2) = 1/6; task 2: 1; task 3: 0
    assert pass_hat_k(trials, 2) == pytest.approx((1 / 6 + 1 + 0) / 3)
    assert pass_hat_k(trials, 3) == pytest.approx((0 + 1 + 0) / 3)
    assert pass_hat_k(trials, 4) == pytest.approx(1 / 3)


def test_pass_hat_k_skips_tasks_with_too_few_trials() -> None:
    assert pass_hat_k([[True], [True, False]], 2) == pytest.approx(0.0)
    assert pass_hat_k([[True], [True]], 2) is None
    assert pass_hat_k([], 1) is None


def test_percentile_interpolates() -> None:
    assert percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert percentile([10.0], 95) == pytest.approx(10.0)
    assert percentile([], 50) is None


def test_bootstrap_of_a_constant_difference_is_that_constant() -> None:
    assert bootstrap_ci([1.0] * 8) == (1.0, 1.0, 1.0)


def test_bootstrap_interval_brackets_the_mean_and_is_seeded() -> None:
    data = [0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    mean, low, high = bootstrap_ci(data)
    assert mean == pytest.approx(0.625)
    assert low < mean < high
    assert low >= 0.0 and high <= 1.0
    assert bootstrap_ci(data) == (mean, low, high)
    with pytest.raises(ValueError):
        bootstrap_ci([])


def test_gates_pass_fail_and_not_measured() -> None:
    summary = {
        "dialogue": {"pass_hat_k": {"1": 0.75}, "invented_products": 0},
        "service": {"db_state_match": 0.95, "unconfirmed_writes": 1, "cross_user_access": 0},
    }
    results = {g.name: g for g in check_gates(summary)}
    assert results["dialogue pass^1"].passed is False
    assert results["service DB-state match"].passed is True
    assert results["invented products"].passed is True
    assert results["unconfirmed writes"].passed is False
    assert [g.name for g in failed(list(results.values()))] == [
        "dialogue pass^1",
        "unconfirmed writes",
    ]
    assert results["dialogue pass^1"].text() == "dialogue pass^1 >= 0.8: 0.75 FAIL"
    none = check_gates({})
    assert all(g.passed is None for g in none)
    assert none[0].text() == "dialogue pass^1 >= 0.8: not measured"
    assert not math.isnan(results["service DB-state match"].value or 0)
