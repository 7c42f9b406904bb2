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
    spread = list(np.linspace(-4, 4, 40))  # robust sd ≈ 2.97; the threshold is 0.5 of it ≈ 1.5
    assert rules.niveau(50.0, 50.5, spread, 1.0).outcome == rules.GELIJK
    assert rules.niveau(50.0, 51.2, spread, 1.0).outcome == rules.GELIJK  # 0.4 sd: below the 0.5 sd threshold
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


def test_every_rule_is_documented_in_dutch() -> None:
    assert set(rules.RULES_NL) >= {"niveau", "achterstand", "spreiding", "groep", "ontwikkeling", "oordeel", "grenzen"}
    for kind, _expect in rules.EXPECTATIONS:
        assert kind in rules.RULES_NL
    for key in ("reeksbreuk", "robuustheid", "krimp"):
        assert key in rules.RULES_NL


# --- effects above the data's resolution (issue 20, point 4) -------------------------------------------


def test_a_difference_within_rounding_is_no_difference() -> None:
    # Twente unemployment 3,6 vs NL 3,7 with a tiny COROP spread: large in sd, but within 2 × 0,1 rounding.
    tiny = list(np.linspace(3.6, 3.8, 40))  # robust sd ≈ 0.07, so 0.1 is > 0.5 sd
    plain = rules.niveau(3.6, 3.7, tiny, -1.0)
    assert plain.outcome == rules.BETER  # what today's rule says
    fair = rules.niveau(3.6, 3.7, tiny, -1.0, resolution=0.1)
    assert fair.outcome == rules.GELIJK and fair.neutral and "afronding" in fair.reason
    assert rules.niveau(3.4, 3.7, tiny, -1.0, resolution=0.1).outcome == rules.BETER  # 0,3 > 2 × 0,1


def test_a_difference_inside_the_cbs_interval_is_no_difference() -> None:
    spread = list(np.linspace(75, 90, 40))
    # Zuid-Limburg housing satisfaction 81,6 vs NL 82,5 with CBS interval [79,1; 84,0]
    assert rules.niveau(81.6, 82.5, spread, 1.0, (79.1, 84.0), resolution=0.1).neutral


def test_published_resolution_is_read_from_the_values() -> None:
    assert rules.published_resolution([3.6, 3.7, 12.0]) == pytest.approx(0.1)
    assert rules.published_resolution([1, 2, 30]) == pytest.approx(1.0)
    assert rules.published_resolution([0.25, 0.5]) == pytest.approx(0.01)


def test_threshold_is_half_a_robust_sd() -> None:
    assert rules.PARAMS.drempel == 0.5
    assert rules.PARAMS.drempels_robuust == (0.25, 0.5, 1.0)


# --- series breaks (point 6) ---------------------------------------------------------------------------


def test_a_year_in_which_all_areas_jump_is_a_break_of_the_table() -> None:
    rng = np.random.default_rng(1)
    years = list(range(2006, 2024))
    panels = []
    for _ in range(4):  # four indicators of one table, 40 areas that wander and then all step up in 2022
        base = rng.normal(5, 1, 40)
        rows = [base + rng.choice([-0.1, 0.0, 0.1], size=40, p=[0.1, 0.8, 0.1]) for _ in years]
        panel = np.array(rows)
        panel[years.index(2022):] += 0.3
        panels.append(panel)
    candidates = {f"i{k}": rules.jump_years(p, years) for k, p in enumerate(panels)}
    assert all(2022 in c for c in candidates.values())
    assert rules.series_breaks(candidates) == [2022]
    # a series that rises every year (incomes) has no jump year
    rising = np.array([np.linspace(30, 40, 40) + 1.0 * t for t in range(len(years))])
    assert rules.jump_years(rising, years) == []
    # one indicator alone is a real change, not a break
    assert rules.series_breaks({"a": [2022], "b": [], "c": []}) == []


def test_trends_never_straddle_a_break() -> None:
    assert rules.segment_without_breaks((2006, 2023), [2022]) == (2006, 2021)
    assert rules.segment_without_breaks((2006, 2023), []) == (2006, 2023)
    assert rules.segment_without_breaks((2013, 2022), [2017]) == (2017, 2022)  # of equal parts the later one


# --- spread (point 7) ----------------------------------------------------------------------------------


def test_spread_measure_follows_the_scale_of_the_unit() -> None:
    assert rules.spread_measure("% van de beroepsbevolking") == "sd"
    assert rules.spread_measure("per 1 000 inwoners") == "sd"
    assert rules.spread_measure("schaalscore 0-10") == "sd"
    assert rules.spread_measure("km") == "cv"
    assert rules.spread_measure("x 1 000 euro") == "cv"


def test_spread_trend_reports_the_fitted_line_so_numbers_match_the_arrow() -> None:
    # a hump: the statistic rises and falls back; endpoints fall while Theil–Sen sees a rise
    years = list(range(2006, 2024))
    hump = [0.154, 0.15, 0.16, 0.17, 0.18, 0.19, 0.2, 0.21, 0.2, 0.19, 0.18, 0.17, 0.16, 0.15, 0.14, 0.135, 0.13, 0.127]
    trend = rules.spreiding(years, hump)
    assert trend.raw_first > trend.raw_last  # what the old evidence line showed next to "neemt toe"
    if trend.outcome == rules.NEEMT_TOE:
        assert trend.last > trend.first
    if trend.outcome == rules.NEEMT_AF:
        assert trend.last < trend.first


# --- near-duplicates (point 2) -------------------------------------------------------------------------


def test_near_duplicate_indicators_count_once() -> None:
    import pandas as pd

    x = np.linspace(60, 80, 40)
    table = pd.DataFrame({"bruto": x, "netto": x * 0.97 - 1 + np.sin(x) * 0.05, "other": np.cos(x * 3)})
    assert rules.near_duplicates(table, ["bruto", "netto", "other"]) == {"netto": "bruto"}


# --- the label scale (points 1 and 8) ------------------------------------------------------------------


def test_label_scale_rows() -> None:
    v = rules.verdict_label
    assert v(9, 6, 0) == rules.SUPPORTED
    assert v(9, 6, 1) == rules.MOSTLY_SUPPORTED  # C = 1/9 > 1/10
    assert v(9, 3, 1) == rules.MOSTLY_SUPPORTED
    assert v(9, 3, 3) == rules.MIXED
    assert v(9, 2, 2) == rules.NO_DIFFERENCE
    assert v(9, 0, 6) == rules.CONTRADICTED
    assert v(9, 1, 4) == rules.MOSTLY_CONTRADICTED
    assert v(2, 2, 0) == rules.UNTESTABLE  # fewer than 3 judged indicators
    assert v(1, 1, 0, min_indicators=1) == rules.SUPPORTED  # the claim names one indicator


def test_deels_ondersteund_is_gone_and_twente_c041_reads_against_the_claim() -> None:
    assert "deels ondersteund" not in rules.LABELS
    # Twente c041 on today's main: 1 of 27 pairs agree, 13 move in Twente's favour: "deels ondersteund (1 van 27)"
    v = rules.verdict([1] + [-1] * 13 + [0] * 13)
    assert v.label == rules.MOSTLY_CONTRADICTED
    assert rules.counts_text(v) == "1 van 27 indicatoren in de richting van de claim, 13 de andere kant, de rest geen duidelijk verschil"


def test_indicator_is_the_unit_median_over_regions() -> None:
    # 10 regions: one indicator worse in 6, better in 1, equal in 3 → the median region is worse
    effects = [0.8] * 6 + [-0.9] + [0.1] * 3
    effect, direction = rules.indicator_effect(effects, [False] * 10, 0.5)
    assert direction == 1 and effect == pytest.approx(0.8)
    # worse in only 4 of 10: the median region shows no clear difference
    _, direction = rules.indicator_effect([0.8] * 4 + [0.0] * 6, [False] * 10, 0.5)
    assert direction == 0
    # neutral by rounding counts as no difference whatever its size
    _, direction = rules.indicator_effect([0.8] * 3, [True] * 3, 0.5)
    assert direction == 0


def test_robustness_mark() -> None:
    assert rules.robustness([rules.MIXED, rules.MIXED, rules.MIXED]) == (True, "robuust")
    assert rules.robustness([rules.MIXED, rules.MOSTLY_CONTRADICTED]) == (False, "overwegend tegengesproken tot gemengd beeld")


# --- symmetry, proven on random evidence (point 1) -----------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_effects = st.lists(st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=12), min_size=0, max_size=30)


def _label(evidence: list[list[float]], neutral_every: int, threshold: float, claim_sign: float, negated: bool) -> str:
    dirs = []
    for k, effects in enumerate(evidence):
        signed = [claim_sign * e for e in effects]
        neutral = [(k + i) % neutral_every == 0 for i in range(len(effects))] if neutral_every else [False] * len(effects)
        _, d = rules.indicator_effect(signed, neutral, threshold)
        dirs.append(rules.negate(d) if negated else d)
    return rules.verdict(dirs).label


@settings(max_examples=600, deadline=None)
@given(_effects, st.integers(0, 4), st.sampled_from(rules.PARAMS.drempels_robuust))
def test_a_claim_and_its_opposite_never_both_look_supported(evidence, neutral_every, threshold) -> None:
    worse = _label(evidence, neutral_every, threshold, -1.0, False)  # "slechter dan Nederland"
    better = _label(evidence, neutral_every, threshold, 1.0, False)  # "beter dan Nederland"
    not_worse = _label(evidence, neutral_every, threshold, -1.0, True)  # "niet slechter" (the negation)
    assert not (worse in rules.SUPPORTING and better in rules.SUPPORTING)
    assert not (worse in rules.SUPPORTING and not_worse in rules.SUPPORTING)
    assert rules.MIRROR[worse] == better  # the scale mirrors exactly


@settings(max_examples=600, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))
def test_label_mirrors_when_support_and_contradiction_swap(s, c, rest) -> None:
    n = s + c + rest
    assert rules.verdict_label(n, c, s) == rules.MIRROR[rules.verdict_label(n, s, c)]
