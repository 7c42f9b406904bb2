"""Unit tests for the comparison rules (seeds/rules.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from seeds import rules


def test_robust_sd_ignores_an_outlier() -> None:
    base = list(np.linspace(-2, 2, 39))
    assert rules.robust_sd(base + [100.0]) == pytest.approx(rules.robust_sd(base + [2.1]), rel=0.1)
    assert math.isnan(rules.robust_sd([1.0, 2.0]))


def test_theil_sen_resists_one_bad_year() -> None:
    slope, _ = rules.theil_sen([1, 2, 3, 4, 5, 6], [1, 2, 3, 40, 5, 6])
    assert slope == pytest.approx(1.0)


def test_weighted_dispersion() -> None:
    cv, ratio = rules.dispersion([10, 10, 20, 20], [1, 1, 1, 1])
    assert cv == pytest.approx(5 / 15)
    assert ratio == pytest.approx(2.0)
    # weights move the mean: most people live where the value is 10
    cv_w, _ = rules.dispersion([10, 10, 20], [8, 1, 1])
    assert cv_w == pytest.approx(3 / 11)  # mean 11, variance (8·1 + 1·1 + 1·81) / 10 = 9


def test_niveau_outcomes() -> None:
    spread = list(np.linspace(-4, 4, 40))  # robust sd ≈ 2.97
    assert rules.niveau(50.0, 50.5, spread, 1.0).outcome == rules.GELIJK
    assert rules.niveau(48.0, 50.0, spread, 1.0).outcome == rules.SLECHTER
    assert rules.niveau(48.0, 50.0, spread, -1.0).outcome == rules.BETER
    assert rules.niveau(48.0, 50.0, spread, None).outcome == rules.GEEN_RICHTING
    assert rules.niveau(48.0, 50.0, spread, 1.0, (47.0, 50.5)).outcome == rules.GELIJK
    assert rules.niveau(48.0, 50.0, spread[:5], 1.0).outcome == rules.NIET_TOETSBAAR
    assert rules.niveau(48.0, 50.0, spread, 1.0).index == pytest.approx(96.0)


def test_kloof_outcomes() -> None:
    years = [1, 2, 3, 4]
    nl = [10.0] * 4
    assert rules.kloof(years, [9, 8, 7, 6], nl, 1.0, 1.0).outcome == rules.ACHTERSTAND_GROEIT
    assert rules.kloof(years, [6, 7, 8, 9], nl, 1.0, 1.0).outcome == rules.ACHTERSTAND_KLEINER
    assert rules.kloof(years, [14, 13, 12, 11], nl, 1.0, 1.0).outcome == rules.VOORSPRONG_KLEINER
    assert rules.kloof(years, [11, 12, 13, 14], nl, 1.0, 1.0).outcome == rules.VOORSPRONG_GROEIT
    assert rules.kloof(years, [9, 9.1, 9, 9.1], nl, 1.0, 1.0).outcome == rules.STABIEL
    # lower is better: rising distance is falling behind
    assert rules.kloof(years, [11, 12, 13, 14], nl, -1.0, 1.0).outcome == rules.ACHTERSTAND_GROEIT
    assert rules.kloof(years[:2], [9, 8], nl[:2], 1.0, 1.0).outcome == rules.TE_WEINIG_JAREN
    # from ahead to behind: the region fell behind
    assert rules.kloof(years, [12, 11, 9, 8], nl, 1.0, 1.0).outcome == rules.ACHTERSTAND_GROEIT


def test_spreiding_outcomes() -> None:
    years = [2015, 2016, 2017, 2018, 2019]
    assert rules.spreiding(years, [0.10, 0.11, 0.12, 0.13, 0.14]).outcome == rules.NEEMT_TOE
    assert rules.spreiding(years, [0.14, 0.13, 0.12, 0.11, 0.10]).outcome == rules.NEEMT_AF
    assert rules.spreiding(years, [0.10, 0.101, 0.10, 0.102, 0.10]).outcome == rules.GELIJK
    assert rules.spreiding(years[:4], [0.1, 0.2, 0.3, 0.4]).outcome == rules.TE_WEINIG_JAREN


def test_combined_interval() -> None:
    lo, hi = rules.combined_interval([10, 10], [8.04, 8.04], [11.96, 11.96], [1, 1])
    assert (hi - lo) / 2 == pytest.approx(1.96 / math.sqrt(2), rel=1e-3)


def test_verdict_labels() -> None:
    assert rules.verdict_text(5, 5) == "ondersteund (5 van 5)"
    assert rules.verdict_text(5, 3) == "deels ondersteund (3 van 5)"
    assert rules.verdict_text(5, 0) == "niet ondersteund (0 van 5)"
    assert rules.verdict_text(0, 0) == "niet toetsbaar"


def test_every_rule_is_documented_in_dutch() -> None:
    assert set(rules.RULES_NL) >= {"niveau", "achterstand", "spreiding", "groep", "ontwikkeling", "oordeel", "grenzen"}
    for kind, _expect in rules.AGREES:
        assert kind in rules.RULES_NL
