"""The comparison rules: every rule that turns CBS numbers into words, written once.

Pure numpy/pandas, no I/O. The pipeline (:mod:`seeds.engine`) applies these rules at build time and stores the
results; the dashboard, the presentation mode, the CSV exports and the printed region profile only read them.
Each rule has one Dutch paragraph in :data:`RULES_NL` (shown on the Over page) and its parameters in
:data:`PARAMS`. The rules are descriptive: they say whether a difference or a change is large compared with the
spread between the 40 COROP areas, not whether it could be chance (with 5–12 yearly figures that can hardly be
tested), and they cannot say *why* a region differs.

Sign convention: ``sign`` is +1 for ``higher_is_better`` and -1 for ``lower_is_better``; a signed gap
``sign * (region - NL)`` is positive when the region is better than the Netherlands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# ------------------------------------------------------------------------------------------------------
# Parameters (one place)
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Params:
    """Thresholds and minimum amounts of data used by the rules."""

    drempel: float = 0.5  # an effect counts from this many robust sd of the 40 COROP values (niveau, kloof, groep, ontw.)
    drempels_robuust: tuple[float, ...] = (0.25, 0.5, 1.0)  # the verdict is recomputed at each (robustness mark)
    spreiding_drempel: float = 0.10  # change of the spread over the window, relative to its level
    spreiding_drempels_robuust: tuple[float, ...] = (0.05, 0.10, 0.20)
    resolutie_factor: float = 2.0  # a difference must also be at least this many published rounding units
    kloof_per: int = 10  # trends are reported as change per decade
    min_jaren_kloof: int = 3  # years with region and NL values needed for a gap trend
    min_jaren_spreiding: int = 5  # years needed for a dispersion trend
    min_corop: int = 10  # COROP values needed for a spread (the yardstick of every rule)
    gm_dekking: float = 0.8  # share of the population a set of areas must cover (spreiding, constant sets)
    min_indicatoren: int = 3  # judged indicators a claim needs for a verdict (unless it names fewer)
    duplicaat_rho: float = 0.95  # |Spearman ρ| over the COROP areas from which two indicators count as one
    steun_sterk: float = 2 / 3  # ondersteund: at least this share supports ...
    tegen_max: float = 1 / 10  # ... and at most this share contradicts
    steun_overwegend: float = 1 / 3  # overwegend ondersteund: at least this share supports ...
    overwegend_factor: float = 3.0  # ... and at least this many times the contradicting share
    geen_verschil: float = 1 / 4  # geen duidelijk verschil: both shares below this
    breuk_aandeel: float = 0.3  # a jump year: the net share of areas moving the same way is at least this ...
    breuk_factor: float = 3.0  # ... and this many times its typical size; a break: half a table's indicators jump
    krimp_drempel: float = 0.001  # population change counts as shrinkage or growth beyond ±0.1% over the window
    z95: float = 1.959964  # two-sided 95% normal quantile (CBS intervals, derived intervals)
    mad_factor: float = 1.4826  # MAD → standard deviation for normally distributed values


PARAMS = Params()
SIGN = {"higher_is_better": 1.0, "lower_is_better": -1.0}

# Outcome words (the only place they are spelled).
BETER, GELIJK, SLECHTER = "beter", "gelijk", "slechter"
GEEN_RICHTING, NIET_TOETSBAAR = "geen richting", "niet toetsbaar"
ACHTERSTAND_GROEIT, ACHTERSTAND_KLEINER = "achterstand groeit", "achterstand kleiner"
VOORSPRONG_GROEIT, VOORSPRONG_KLEINER = "voorsprong groeit", "voorsprong kleiner"
STABIEL, TE_WEINIG_JAREN = "stabiel", "te weinig jaren"
NEEMT_TOE, NEEMT_AF = "neemt toe", "neemt af"
GUNSTIGER, ONGUNSTIGER = "gunstiger", "ongunstiger"
KRIMPT, GROEIT = "krimpt", "groeit"
# Gap outcomes that mean the region moved towards a better position relative to NL, and away from it.
KLOOF_GUNSTIG = (ACHTERSTAND_KLEINER, VOORSPRONG_GROEIT)
KLOOF_ONGUNSTIG = (ACHTERSTAND_GROEIT, VOORSPRONG_KLEINER)

# The verdict scale, from the supporting to the contradicting end (the only place the labels are spelled).
SUPPORTED, MOSTLY_SUPPORTED = "ondersteund", "overwegend ondersteund"
MIXED, NO_DIFFERENCE = "gemengd beeld", "geen duidelijk verschil"
MOSTLY_CONTRADICTED, CONTRADICTED = "overwegend tegengesproken", "tegengesproken"
UNTESTABLE = "niet toetsbaar"
LABELS = (SUPPORTED, MOSTLY_SUPPORTED, MIXED, NO_DIFFERENCE, MOSTLY_CONTRADICTED, CONTRADICTED, UNTESTABLE)
SUPPORTING = (SUPPORTED, MOSTLY_SUPPORTED)
CONTRADICTING = (MOSTLY_CONTRADICTED, CONTRADICTED)
MIRROR = {SUPPORTED: CONTRADICTED, MOSTLY_SUPPORTED: MOSTLY_CONTRADICTED, MIXED: MIXED, NO_DIFFERENCE: NO_DIFFERENCE,
          MOSTLY_CONTRADICTED: MOSTLY_SUPPORTED, CONTRADICTED: SUPPORTED, UNTESTABLE: UNTESTABLE}
# Position on the scale (for ranges such as "gemengd beeld tot overwegend tegengesproken").
SCALE_RANK = {SUPPORTED: 3, MOSTLY_SUPPORTED: 2, MIXED: 0, NO_DIFFERENCE: 0, MOSTLY_CONTRADICTED: -2, CONTRADICTED: -3}
ROBUST = "robuust"

# ------------------------------------------------------------------------------------------------------
# Robust statistics
# ------------------------------------------------------------------------------------------------------


def _clean(values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return arr[np.isfinite(arr)]


def robust_sd(values: Sequence[float] | np.ndarray, minimum: int = 3) -> float:
    """1.4826 × median absolute deviation (a standard deviation that outliers do not inflate).

    Falls back to IQR / 1.349 and then the ordinary standard deviation when half the values are equal;
    NaN for fewer than ``minimum`` values or no spread at all.
    """
    x = _clean(values)
    if len(x) < minimum:
        return math.nan
    mad = float(np.median(np.abs(x - np.median(x)))) * PARAMS.mad_factor
    if mad > 0:
        return mad
    q1, q3 = np.percentile(x, [25, 75])
    if q3 > q1:
        return float(q3 - q1) / 1.349
    sd = float(np.std(x, ddof=1))
    return sd if sd > 0 else math.nan


def theil_sen(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Theil–Sen line: slope = median of all pairwise slopes, intercept = median of y - slope·x."""
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[ok], ya[ok]
    if len(xa) < 2:
        return math.nan, math.nan
    i, j = np.triu_indices(len(xa), k=1)
    dx = xa[j] - xa[i]
    keep = dx != 0
    if not keep.any():
        return math.nan, math.nan
    slope = float(np.median((ya[j] - ya[i])[keep] / dx[keep]))
    return slope, float(np.median(ya - slope * xa))


def weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    """Weighted mean over pairs where both are finite and the weight is positive."""
    v, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    return float(np.sum(v[ok] * w[ok]) / np.sum(w[ok])) if ok.any() else math.nan


def weighted_quantile(values: Sequence[float], weights: Sequence[float], q: float) -> float:
    """Quantile of the weighted distribution (midpoint rule on the cumulative weights)."""
    v, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    v, w = v[ok], w[ok]
    if not len(v):
        return math.nan
    order = np.argsort(v)
    v, w = v[order], w[order]
    cum = (np.cumsum(w) - 0.5 * w) / np.sum(w)
    return float(np.interp(q, cum, v))


def dispersion(values: Sequence[float], weights: Sequence[float]) -> tuple[float, float]:
    """(population-weighted coefficient of variation, weighted P90/P10) of the areas' values."""
    cv, ratio, _ = spread_statistics(values, weights)
    return cv, ratio


def spread_statistics(values: Sequence[float], weights: Sequence[float]) -> tuple[float, float, float]:
    """(weighted coefficient of variation, weighted P90/P10, weighted standard deviation) of the areas' values."""
    v, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    v, w = v[ok], w[ok]
    if len(v) < 3:
        return math.nan, math.nan, math.nan
    mean = float(np.sum(v * w) / np.sum(w))
    sd = math.sqrt(float(np.sum(w * (v - mean) ** 2) / np.sum(w)))
    cv = sd / abs(mean) if mean else math.nan
    p10, p90 = weighted_quantile(v, w, 0.10), weighted_quantile(v, w, 0.90)
    ratio = p90 / p10 if p10 > 0 and p90 > 0 else math.nan
    return cv, ratio, sd


def spread_measure(unit: str) -> str:
    """'sd' (standard deviation in points) for percentages, rates and bounded scores; 'cv' for ratio-scale
    quantities (km, euro, persons, years), where a relative spread means something."""
    u = (unit or "").strip().lower()
    if u.startswith("%") or u.startswith("score") or "schaalscore" in u or "rapportcijfer" in u or u.startswith("per "):
        return "sd"
    return "cv"


def published_resolution(values: Sequence[float], max_decimals: int = 4) -> float:
    """The rounding unit CBS publishes a series in (0,1 for values with one decimal), read from the values."""
    v = _clean(values)
    if not len(v):
        return math.nan
    for d in range(max_decimals + 1):
        scaled = v * 10**d
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6 * np.maximum(1.0, np.abs(scaled))):
            return 10.0**-d
    return 10.0**-max_decimals


def jump_years(panel: np.ndarray, periods: Sequence[int]) -> list[int]:
    """Years in which the areas of one indicator move together unusually: candidate series breaks.

    ``panel`` is periods × areas. For each pair of consecutive years the net share of areas moving up
    (share up − share down) is computed; year t is a candidate when that net share is at least
    ``breuk_aandeel`` in size and at least ``breuk_factor`` times its median size in the other years (so a
    series that rises every year, such as incomes, has no candidates).
    """
    x = np.asarray(panel, dtype=float)
    p = np.asarray(periods, dtype=int)
    if x.ndim != 2 or len(p) < 4:
        return []
    nets, years = [], []
    for t in range(1, len(p)):
        if p[t] - p[t - 1] != 1:
            continue
        d = x[t] - x[t - 1]
        d = d[np.isfinite(d)]
        if len(d) < PARAMS.min_corop:
            continue
        nets.append(float(np.mean(d > 0) - np.mean(d < 0)))
        years.append(int(p[t]))
    if len(nets) < 3:
        return []
    out = []
    for i, year in enumerate(years):
        typical = float(np.median(np.abs(np.delete(np.asarray(nets), i))))
        if abs(nets[i]) >= PARAMS.breuk_aandeel and abs(nets[i]) >= PARAMS.breuk_factor * typical:
            out.append(year)
    return out


def series_breaks(candidates: Mapping[str, Sequence[int]]) -> list[int]:
    """Break years of one CBS table: years in which at least half of its indicators (at least three) have
    their areas jump together (:func:`jump_years`), as in 80305NED in 2022. One indicator alone jumping is
    a real change (a hospital closing), not a break."""
    if len(candidates) < 3:
        return []
    counts: dict[int, int] = {}
    for years in candidates.values():
        for y in set(years):
            counts[y] = counts.get(y, 0) + 1
    return sorted(y for y, k in counts.items() if k >= len(candidates) / 2)


def segment_without_breaks(window: tuple[int, int], breaks: Sequence[int]) -> tuple[int, int]:
    """The longest part of ``window`` that no break falls inside (a break in t separates t−1 from t);
    of equal parts the later one."""
    cuts = sorted(b for b in breaks if window[0] < b <= window[1])
    if not cuts:
        return window
    bounds = [window[0], *cuts, window[1] + 1]
    parts = [(bounds[i], bounds[i + 1] - 1) for i in range(len(bounds) - 1)]
    return max(parts, key=lambda s: (s[1] - s[0], s[0]))


def near_duplicates(table: Mapping[str, Sequence[float]] | Any, order: Sequence[str]) -> dict[str, str]:
    """Indicator → the earlier indicator it nearly duplicates (|Spearman ρ| ≥ ``duplicaat_rho`` over the areas).

    ``table`` is areas × indicators (a DataFrame); indicators are taken in ``order`` and each is compared
    with the ones kept before it, so of a near-identical pair the first counts and the second does not.
    """
    from scipy.stats import spearmanr

    kept: list[str] = []
    out: dict[str, str] = {}
    for iid in order:
        if iid not in table:
            continue
        a = np.asarray(table[iid], dtype=float)
        for other in kept:
            b = np.asarray(table[other], dtype=float)
            ok = np.isfinite(a) & np.isfinite(b)
            if ok.sum() < PARAMS.min_corop or np.ptp(a[ok]) == 0 or np.ptp(b[ok]) == 0:
                continue
            rho = float(spearmanr(a[ok], b[ok]).statistic)
            if abs(rho) >= PARAMS.duplicaat_rho:
                out[iid] = other
                break
        else:
            kept.append(iid)
    return out


def combined_interval(values: Sequence[float], lowers: Sequence[float], uppers: Sequence[float],
                      weights: Sequence[float]) -> tuple[float, float]:
    """95% interval of a weighted mean of independent estimates, from each estimate's own 95% interval.

    Each standard error is (upper − lower) / (2 × 1.96); the mean's standard error is √Σ(wᵢ/Σw)²·seᵢ².
    """
    v, lo, hi, w = (np.asarray(a, dtype=float) for a in (values, lowers, uppers, weights))
    ok = np.isfinite(v) & np.isfinite(lo) & np.isfinite(hi) & np.isfinite(w) & (w > 0)
    if not ok.any():
        return math.nan, math.nan
    v, lo, hi, w = v[ok], lo[ok], hi[ok], w[ok] / np.sum(w[ok])
    se = math.sqrt(float(np.sum((w * (hi - lo) / (2 * PARAMS.z95)) ** 2)))
    mean = float(np.sum(w * v))
    return mean - PARAMS.z95 * se, mean + PARAMS.z95 * se


# ------------------------------------------------------------------------------------------------------
# The rules
# ------------------------------------------------------------------------------------------------------


def below_resolution(diff: float, resolution: float | None) -> bool:
    """True when a difference is smaller than ``resolutie_factor`` published rounding units."""
    if resolution is None or not math.isfinite(resolution) or not math.isfinite(diff):
        return False
    return abs(diff) < PARAMS.resolutie_factor * resolution - 1e-9


@dataclass(frozen=True)
class Niveau:
    """Region against NL in one period."""

    value: float
    nl: float
    index: float  # NL = 100
    diff: float  # region - NL, in the indicator's unit
    robust_sd: float  # of the 40 COROP values in that period
    z: float  # sign · diff / robust_sd (positive = better)
    ci_low: float
    ci_high: float
    outcome: str
    reason: str
    neutral: bool = False  # the difference is within rounding or the CBS interval: never counts as a difference


def niveau(value: float, nl: float, corop_values: Sequence[float], sign: float | None,
           ci: tuple[float, float] | None = None, spread: float | None = None,
           resolution: float | None = None, threshold: float | None = None) -> Niveau:
    """*niveau*: is the region better, equal or worse than NL? See :data:`RULES_NL` ['niveau'].
    ``spread``: the robust sd of ``corop_values`` when the caller already has it; ``resolution``: the
    published rounding unit."""
    t = PARAMS.drempel if threshold is None else threshold
    rsd = robust_sd(corop_values, PARAMS.min_corop) if spread is None else spread
    diff = value - nl if math.isfinite(value) and math.isfinite(nl) else math.nan
    index = 100.0 * value / nl if math.isfinite(diff) and nl else math.nan
    lo, hi = ci if ci is not None else (math.nan, math.nan)
    z = sign * diff / rsd if sign and math.isfinite(diff) and math.isfinite(rsd) else math.nan
    neutral = False
    if not math.isfinite(diff):
        outcome, reason = NIET_TOETSBAAR, "geen cijfer voor de regio of voor Nederland in dezelfde periode"
    elif not sign:
        outcome, reason = GEEN_RICHTING, "indicator zonder goede richting"
    elif math.isfinite(lo) and math.isfinite(hi) and lo <= nl <= hi:
        outcome, reason, neutral = GELIJK, "het landelijke cijfer ligt binnen het 95%-interval van de regio", True
    elif below_resolution(diff, resolution):
        outcome, reason, neutral = (GELIJK, f"verschil kleiner dan twee keer de afronding van het CBS "
                                    f"({_nl(float(resolution or 0))})", True)
    elif not math.isfinite(rsd):
        outcome, reason = NIET_TOETSBAAR, "te weinig COROP-cijfers om het verschil aan af te meten"
    elif abs(z) < t:
        outcome, reason = GELIJK, f"verschil kleiner dan {_nl(t)} robuuste standaardafwijking"
    else:
        outcome, reason = (BETER if z > 0 else SLECHTER), ""
    return Niveau(value, nl, index, diff, rsd, z, lo, hi, outcome, reason, neutral)


@dataclass(frozen=True)
class Kloof:
    """The signed gap to NL over a window and its robust trend."""

    period_from: int | None
    period_to: int | None
    n_years: int
    gap_first: float  # fitted (Theil–Sen) gap in the first year
    gap_last: float  # fitted gap in the last year
    slope: float  # per year, Theil–Sen
    change: float  # slope × (period_to - period_from), in the indicator's unit
    threshold: float  # drempel × yardstick, per decade
    outcome: str
    per_decade: float = math.nan  # slope × 10 / yardstick: the change per decade in robust sd (positive = favourable)
    neutral: bool = False  # the fitted change is within rounding


def kloof(periods: Sequence[int], region: Sequence[float], nl: Sequence[float], sign: float | None,
          yardstick: float, resolution: float | None = None, threshold: float | None = None) -> Kloof:
    """*achterstand*: does the gap to NL grow or shrink? See :data:`RULES_NL` ['achterstand'].

    ``periods``/``region``/``nl`` are aligned; only periods where both values exist count. ``yardstick`` is
    the robust sd of the COROP values (median over the window), so the threshold is fixed for the window.
    The gap moves when its Theil–Sen trend changes by at least ``drempel`` yardsticks per decade and the
    fitted change over the window is at least twice the rounding unit.
    """
    t = PARAMS.drempel if threshold is None else threshold
    p = np.asarray(periods, dtype=float)
    r, n = np.asarray(region, dtype=float), np.asarray(nl, dtype=float)
    ok = np.isfinite(p) & np.isfinite(r) & np.isfinite(n)
    p, r, n = p[ok], r[ok], n[ok]
    order = np.argsort(p)
    p, r, n = p[order], r[order], n[order]
    threshold_units = t * yardstick if math.isfinite(yardstick) else math.nan
    if not sign or len(p) < PARAMS.min_jaren_kloof:
        first = int(p[0]) if len(p) else None
        last = int(p[-1]) if len(p) else None
        gaps = (sign or 1.0) * (r - n)
        outcome = GEEN_RICHTING if not sign else TE_WEINIG_JAREN
        return Kloof(first, last, len(p), float(gaps[0]) if len(p) else math.nan,
                     float(gaps[-1]) if len(p) else math.nan, math.nan, math.nan, threshold_units, outcome)
    gaps = sign * (r - n)
    slope, intercept = theil_sen(p, gaps)
    span = float(p[-1] - p[0])
    change = slope * span
    fit_first, fit_last = intercept + slope * float(p[0]), intercept + slope * float(p[-1])
    per_decade = slope * PARAMS.kloof_per / yardstick if math.isfinite(yardstick) and yardstick > 0 else math.nan
    neutral = below_resolution(change, resolution)
    if not math.isfinite(per_decade):
        outcome = NIET_TOETSBAAR
    elif neutral or abs(per_decade) < t:
        outcome = STABIEL
    elif change < 0:
        outcome = ACHTERSTAND_GROEIT if fit_last < 0 else VOORSPRONG_KLEINER
    else:
        outcome = ACHTERSTAND_KLEINER if fit_last < 0 else VOORSPRONG_GROEIT
    return Kloof(int(p[0]), int(p[-1]), len(p), fit_first, fit_last, slope, change, threshold_units, outcome,
                 per_decade, neutral)


@dataclass(frozen=True)
class Trend:
    """A dispersion statistic over a window and its robust trend."""

    period_from: int | None
    period_to: int | None
    n_years: int
    first: float  # fitted (Theil–Sen) value in the first year: never contradicts the arrow
    last: float  # fitted value in the last year
    slope: float
    rel_change: float  # slope × 10 / median level: relative change per decade
    outcome: str
    raw_first: float = math.nan  # the statistic itself in the first and last year
    raw_last: float = math.nan


def spreiding(periods: Sequence[int], statistic: Sequence[float], threshold: float | None = None) -> Trend:
    """*spreiding*: do the differences between areas grow? See :data:`RULES_NL` ['spreiding']."""
    t = PARAMS.spreiding_drempel if threshold is None else threshold
    p, s = np.asarray(periods, dtype=float), np.asarray(statistic, dtype=float)
    ok = np.isfinite(p) & np.isfinite(s)
    p, s = p[ok], s[ok]
    order = np.argsort(p)
    p, s = p[order], s[order]
    if len(p) < PARAMS.min_jaren_spreiding:
        return Trend(int(p[0]) if len(p) else None, int(p[-1]) if len(p) else None, len(p),
                     float(s[0]) if len(p) else math.nan, float(s[-1]) if len(p) else math.nan,
                     math.nan, math.nan, TE_WEINIG_JAREN)
    slope, intercept = theil_sen(p, s)
    level = float(np.median(s))
    rel = slope * PARAMS.kloof_per / level if level else math.nan
    if not math.isfinite(rel):
        outcome = NIET_TOETSBAAR
    elif rel >= t:
        outcome = NEEMT_TOE
    elif rel <= -t:
        outcome = NEEMT_AF
    else:
        outcome = GELIJK
    return Trend(int(p[0]), int(p[-1]), len(p), intercept + slope * float(p[0]), intercept + slope * float(p[-1]),
                 slope, rel, outcome, float(s[0]), float(s[-1]))


@dataclass(frozen=True)
class Groep:
    """Two weighted group means and their difference."""

    mean_a: float
    mean_b: float
    z: float  # sign · (a - b) / robust sd of the gemeente values
    outcome: str
    neutral: bool = False


def _scaled(a: float, b: float, spread: Sequence[float], sign: float | None, threshold: float,
            up: str, down: str, resolution: float | None = None) -> tuple[float, str, bool]:
    """(z, outcome, neutral) for ``sign · (a − b)`` measured in the robust sd of ``spread``: within ``threshold``
    or within rounding 'gelijk', else ``up`` or ``down`` (shared by *groep* and *ontwikkeling*)."""
    rsd = robust_sd(spread, PARAMS.min_corop)
    if not sign:
        return math.nan, GEEN_RICHTING, False
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(rsd)):
        return math.nan, NIET_TOETSBAAR, False
    z = sign * (a - b) / rsd
    if below_resolution(a - b, resolution):
        return z, GELIJK, True
    return z, GELIJK if abs(z) < threshold else (up if z > 0 else down), False


def groep(mean_a: float, mean_b: float, area_values: Sequence[float], sign: float | None,
          resolution: float | None = None, threshold: float | None = None) -> Groep:
    """*groep*: is group A better, equal or worse than group B? See :data:`RULES_NL` ['groep']."""
    t = PARAMS.drempel if threshold is None else threshold
    z, outcome, neutral = _scaled(mean_a, mean_b, area_values, sign, t, BETER, SLECHTER, resolution)
    return Groep(mean_a, mean_b, z, outcome, neutral)


@dataclass(frozen=True)
class Ontwikkeling:
    """The region's own relative change over a window against NL's."""

    change: float  # region, relative (0.05 = +5%)
    nl_change: float
    z: float  # sign · (change - nl_change) / robust sd of the 40 COROP changes
    outcome: str


def relative_change(first: float, last: float) -> float:
    """(last − first) / |first|; NaN when first is 0 or missing."""
    if not (math.isfinite(first) and math.isfinite(last)) or first == 0:
        return math.nan
    return (last - first) / abs(first)


def ontwikkeling(change: float, nl_change: float, corop_changes: Sequence[float], sign: float | None,
                 threshold: float | None = None) -> Ontwikkeling:
    """*ontwikkeling*: did the region develop more or less favourably than NL? See :data:`RULES_NL`."""
    t = PARAMS.drempel if threshold is None else threshold
    z, outcome, _ = _scaled(change, nl_change, corop_changes, sign, t, GUNSTIGER, ONGUNSTIGER)
    return Ontwikkeling(change, nl_change, z, outcome)


def krimp(first: float, last: float) -> tuple[float, str]:
    """*krimp*: did the population actually fall over the window? (relative change, outcome)."""
    change = relative_change(first, last)
    if not math.isfinite(change):
        return change, NIET_TOETSBAAR
    if abs(change) < PARAMS.krimp_drempel:
        return change, GELIJK
    return change, KRIMPT if change < 0 else GROEIT


# ------------------------------------------------------------------------------------------------------
# From evidence to a verdict
# ------------------------------------------------------------------------------------------------------

# (test, expectation) → (claim sign, negated). The claim sign turns a pair's statistic (positive = better for
# the region / the gap moved in its favour / the spread grew / group A better / the population grew) into an
# effect in the direction of the claim; a negated expectation ("niet slechter") holds where its base claim
# ("slechter") does not, so 'no clear difference' supports it.
EXPECTATIONS: dict[tuple[str, str], tuple[float, bool]] = {
    ("niveau", "slechter"): (-1.0, False),
    ("niveau", "beter"): (1.0, False),
    ("niveau", "niet_slechter"): (-1.0, True),
    ("achterstand", "groeit"): (-1.0, False),
    ("achterstand", "neemt_af"): (1.0, False),
    ("spreiding", "neemt_toe"): (1.0, False),
    ("spreiding", "neemt_af"): (-1.0, False),
    ("spreiding", "niet_af"): (-1.0, True),
    ("groep", "slechter"): (-1.0, False),
    ("groep", "beter"): (1.0, False),
    ("ontwikkeling", "ongunstiger"): (-1.0, False),
    ("ontwikkeling", "gunstiger"): (1.0, False),
    ("krimp", "krimpt"): (-1.0, False),
    ("krimp", "groeit"): (1.0, False),
}
# Outcomes that mean "this pair could not be judged" (the pair is reported but not counted).
NOT_JUDGED = (NIET_TOETSBAAR, GEEN_RICHTING, TE_WEINIG_JAREN)


def pair_direction(effect: float, threshold: float, neutral: bool = False) -> int | None:
    """+1 (in the claim's direction), −1 (against it), 0 (no clear difference) or None (not judged)."""
    if not math.isfinite(effect):
        return None
    if neutral or abs(effect) < threshold - 1e-12:
        return 0
    return 1 if effect > 0 else -1


def indicator_effect(effects: Sequence[float], neutral: Sequence[bool], threshold: float) -> tuple[float, int | None]:
    """(median effect, direction) of one indicator over the regions of a claim.

    A pair whose effect is below the threshold, or neutral by rounding or interval, counts as 0; the
    indicator points in the claim's direction when the median over the regions does (so: in more than half
    of them), and the other way when the median points the other way.
    """
    e = [0.0 if (n or abs(x) < threshold - 1e-12) else float(x)
         for x, n in zip(effects, neutral, strict=True) if math.isfinite(x)]
    if not e:
        return math.nan, None
    m = float(np.median(e))
    return m, pair_direction(m, threshold)


def negate(direction: int | None) -> int | None:
    """Direction for a negated expectation: it holds wherever its base claim does not."""
    if direction is None:
        return None
    return -1 if direction == 1 else 1


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict from its judged indicators."""

    label: str
    n: int  # judged indicators (near-duplicates counted once)
    n_support: int
    n_contra: int

    @property
    def n_neutral(self) -> int:
        """Indicators without a clear difference."""
        return self.n - self.n_support - self.n_contra


def verdict_label(n: int, n_support: int, n_contra: int, min_indicators: int | None = None) -> str:
    """The graded, symmetric label scale (see :data:`RULES_NL` ['oordeel']).

    With S and C the shares of judged indicators that support and contradict the claim: ondersteund
    (S ≥ 2/3, C ≤ 1/10), overwegend ondersteund (S ≥ 1/3, S ≥ 3C), geen duidelijk verschil (S, C < 1/4),
    the mirrored rows for tegengesproken, gemengd beeld otherwise; niet toetsbaar under the minimum.
    Swapping S and C mirrors the label, so a claim and its opposite never both land on the supporting side.
    """
    p = PARAMS
    minimum = p.min_indicatoren if min_indicators is None else min_indicators
    if n <= 0 or n < minimum:
        return UNTESTABLE
    s, c = n_support / n, n_contra / n
    if s >= p.steun_sterk - 1e-12 and c <= p.tegen_max + 1e-12:
        return SUPPORTED
    if c >= p.steun_sterk - 1e-12 and s <= p.tegen_max + 1e-12:
        return CONTRADICTED
    if s >= p.steun_overwegend - 1e-12 and s >= p.overwegend_factor * c:
        return MOSTLY_SUPPORTED
    if c >= p.steun_overwegend - 1e-12 and c >= p.overwegend_factor * s:
        return MOSTLY_CONTRADICTED
    if s < p.geen_verschil and c < p.geen_verschil:
        return NO_DIFFERENCE
    return MIXED


def verdict(directions: Sequence[int | None], min_indicators: int | None = None) -> Verdict:
    """The verdict from one direction per (counted) indicator; None = not judged."""
    judged = [d for d in directions if d is not None]
    s, c = sum(d == 1 for d in judged), sum(d == -1 for d in judged)
    return Verdict(verdict_label(len(judged), s, c, min_indicators), len(judged), s, c)


def counts_text(v: Verdict) -> str:
    """'3 van 9 indicatoren in de richting van de claim, 1 de andere kant, de rest geen duidelijk verschil'."""
    if v.n == 0:
        return "geen indicator met bruikbare cijfers"
    word = "indicator" if v.n == 1 else "indicatoren"
    rest = v.n_neutral
    tail = ("" if rest == 0 else ", de rest geen duidelijk verschil" if rest > 1 or v.n_support + v.n_contra
            else ", geen duidelijk verschil")
    return f"{v.n_support} van {v.n} {word} in de richting van de claim, {v.n_contra} de andere kant{tail}"


def verdict_text(v: Verdict) -> str:
    """'overwegend tegengesproken (1 van 9 in de richting van de claim, 5 de andere kant)'."""
    if v.label == UNTESTABLE:
        return UNTESTABLE
    return f"{v.label} ({v.n_support} van {v.n} in de richting van de claim, {v.n_contra} de andere kant)"


ORDER = (CONTRADICTED, MOSTLY_CONTRADICTED, MIXED, NO_DIFFERENCE, MOSTLY_SUPPORTED, SUPPORTED)


def robustness(labels: Sequence[str]) -> tuple[bool, str]:
    """(robust?, text) over the verdicts at the reasonable alternative choices (thresholds, statistic).

    Robust when they all agree; otherwise the range on the scale, e.g. 'gemengd beeld tot overwegend
    tegengesproken' (from the most contradicting to the most supporting)."""
    ranked = [lab for lab in dict.fromkeys(labels) if lab in ORDER]
    if not ranked:
        return False, ""
    if len(ranked) == 1:
        return True, ROBUST
    low = min(ranked, key=ORDER.index)
    high = max(ranked, key=ORDER.index)
    return False, f"{low} tot {high}"


def _nl(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


CAUSE_NOT_TESTED = ("Deze claim noemt een oorzaak (beleid); die oorzaak toetsen we niet: de cijfers laten hoogstens "
                    "zien óf er een verschil of verandering is, niet waardoor.")

RULES_NL: dict[str, str] = {
    "niveau": (
        "Niveau: we vergelijken de regio met Nederland in het meest recente jaar waarin beide een cijfer "
        "hebben. We tonen het indexcijfer (Nederland = 100) en meten het verschil af aan de spreiding tussen de "
        "40 COROP-gebieden in dat jaar, in robuuste standaardafwijkingen (1,4826 × de mediane absolute afwijking; "
        f"uitschieters vergroten die niet). Een verschil telt pas als het minstens {_nl(PARAMS.drempel)} robuuste "
        f"standaardafwijking is én minstens {_nl(PARAMS.resolutie_factor)} keer de afronding waarin het CBS het "
        "cijfer publiceert (bij cijfers op één decimaal dus minstens 0,2); anders noemen we de regio gelijk aan "
        "Nederland. Publiceert het CBS een 95%-betrouwbaarheidsinterval (Gezondheidsmonitor 85563NED, "
        "WoON 84570NED), dan is een verschil gelijk zolang het landelijke cijfer binnen het interval van de "
        "regio ligt. Voor regio's die het CBS niet zelf publiceert, combineren we de intervallen van de "
        "gemeenten (bevolkingsgewogen, als onafhankelijke steekproeven)."
    ),
    "achterstand": (
        "Achterstand: per jaar berekenen we de kloof tot Nederland, met het teken zo dat positief beter is. "
        "Binnen het ene venster van de claim schatten we de trend van die kloof met een robuuste Theil–Sen-lijn "
        f"(de mediaan van alle hellingen tussen twee jaren; minstens {PARAMS.min_jaren_kloof} jaren). We geven de "
        f"verandering per tien jaar, gemeten in een vaste maat: de robuuste standaardafwijking van de "
        "COROP-gebieden (de mediaan over de jaren). Een kloof beweegt pas als die verandering minstens "
        f"{_nl(PARAMS.drempel)} van die maat per tien jaar is en de verandering over het venster minstens twee keer "
        "de afronding van het CBS. 'Achterstand groeit' betekent dat de regio achter Nederland ligt en de kloof zich "
        "tegen haar in bewoog; een regio die boven Nederland lag en naar het landelijke cijfer toe beweegt, heeft "
        "een kleinere voorsprong, en dat telt nooit als achterop raken (wel als tegenspraak bij een claim dat de "
        "regio inliep). "
        "de getoonde begin- en eindwaarde zijn die van de trendlijn, zodat getallen en pijl elkaar nooit "
        "tegenspreken. Regiocijfers die wij uit gemeenten afleiden, berekenen we voor een trend alleen uit "
        "gemeenten met een cijfer in elk jaar van het venster (een vaste set), of we nemen het CBS-cijfer "
        "als het CBS de regio zelf publiceert."
    ),
    "spreiding": (
        "Spreiding: per jaar berekenen we de bevolkingsgewogen spreiding over de 40 COROP-gebieden en over de "
        "gemeenten in de indeling van 2024: de standaardafwijking in punten voor percentages, cijfers per "
        "inwoner en scores, de variatiecoëfficiënt (standaardafwijking gedeeld door het gemiddelde) voor "
        "grootheden met een echt nulpunt, zoals kilometers en euro's. Op beide niveaus tellen alleen gebieden "
        "met een cijfer in elk jaar van het venster, en alleen als die samen minstens "
        f"{_pct(PARAMS.gm_dekking)} van de bevolking dekken. Met minstens {PARAMS.min_jaren_spreiding} jaren "
        "schatten we de trend (Theil–Sen). Verandert de spreiding per tien jaar met minstens "
        f"{_pct(PARAMS.spreiding_drempel)} van haar eigen niveau, dan nemen de verschillen toe of af. 'Neemt toe' "
        "zeggen we alleen als COROP-gebieden en gemeenten het eens zijn; spreken ze elkaar tegen, dan is er geen "
        "duidelijk verschil. Elke indicator telt zo één keer, niet per niveau."
    ),
    "groep": (
        "Groep: we vergelijken het gewogen gemiddelde van twee groepen gemeenten in het meest recente jaar, "
        "bijvoorbeeld naar stedelijkheid (CBS Gebieden in Nederland 2024: zeer sterk en sterk stedelijk "
        "tegenover matig, weinig en niet stedelijk). Aandelen van het landoppervlak (natuur, bebouwing) wegen we "
        "naar oppervlakte, al het andere naar inwoners. Het verschil meten we af aan de spreiding tussen de "
        f"gemeenten (robuuste standaardafwijking); onder {_nl(PARAMS.drempel)} of binnen twee keer de afronding "
        "heet het gelijk."
    ),
    "ontwikkeling": (
        "Ontwikkeling: we vergelijken de relatieve verandering van de regio over het venster van de claim "
        "(bijvoorbeeld de afstand tot voorzieningen 2006–2021) met die van Nederland. Het verschil meten we af aan "
        "de spreiding van dezelfde verandering over de 40 COROP-gebieden; onder "
        f"{_nl(PARAMS.drempel)} robuuste standaardafwijking heet de ontwikkeling gelijk aan die van Nederland, "
        "anders gunstiger of ongunstiger."
    ),
    "krimp": (
        "Krimp: een claim over bevolkingskrimp toetsen we op echte krimp: nam het aantal inwoners van de regio "
        f"over het venster af (met meer dan {_nl(PARAMS.krimp_drempel * 100)}%)? Langzamer groeien dan Nederland "
        "is geen krimp. Bij de regio tonen we ook hoeveel van haar gemeenten kromp."
    ),
    "reeksbreuk": (
        "Reeksbreuken en vaste vensters: elke claim heeft één venster, dat bij de claim staat. Bewegen in één "
        "jaar veel meer gebieden dezelfde kant op dan gewoonlijk (het nettoaandeel stijgers min dalers is minstens "
        f"{_pct(PARAMS.breuk_aandeel)} en {_nl(PARAMS.breuk_factor)} keer zo groot als in de andere jaren), en "
        "gebeurt dat in hetzelfde jaar bij minstens de helft van de indicatoren uit dezelfde CBS-tabel, dan "
        "behandelen we dat als een breuk in de reeks (zoals in 2022 bij de afstanden tot voorzieningen). Een "
        "trend loopt nooit over zo'n breuk heen: we nemen het langste deel van het venster zonder breuk en "
        "zeggen dat bij het bewijs."
    ),
    "oordeel": (
        "Oordeel: de eenheid van bewijs is de indicator. Gaat een claim over meer regio's, dan nemen we per "
        "indicator de mediaan van het effect over die regio's (een regio zonder duidelijk verschil telt als nul): "
        "de indicator wijst de kant van de claim op als dat in meer dan de helft van de regio's zo is. Claims "
        "die zeggen dat iets 'in bepaalde regio's' geldt, beoordelen we per regio. Indicatoren die over de "
        f"COROP-gebieden vrijwel hetzelfde meten (rangcorrelatie |ρ| ≥ {_nl(PARAMS.duplicaat_rho)}, zoals bruto- en "
        "nettoarbeidsparticipatie) tellen samen één keer. Met S en C het aandeel beoordeelde indicatoren dat de "
        "claim steunt en tegenspreekt: ondersteund bij S ≥ 2/3 en C ≤ 1/10; overwegend ondersteund bij S ≥ 1/3 "
        "en S minstens drie keer C; geen duidelijk verschil als S en C allebei onder 1/4 liggen; overwegend "
        "tegengesproken en tegengesproken net zo met S en C omgedraaid; gemengd beeld in alle andere gevallen. "
        f"Met minder dan {PARAMS.min_indicatoren} beoordeelde indicatoren (tenzij de claim er zelf minder noemt) is "
        "de claim niet toetsbaar. De schaal is symmetrisch: een claim en zijn tegendeel kunnen nooit allebei "
        "ondersteund lijken. Bijna gelijke claims krijgen één oordeel, met alle citaten erbij."
    ),
    "robuustheid": (
        "Robuustheid: we berekenen elk oordeel opnieuw met drempels van "
        + ", ".join(_nl(x) for x in PARAMS.drempels_robuust)
        + " robuuste standaardafwijking (bij spreiding: "
        + ", ".join(_pct(x) for x in PARAMS.spreiding_drempels_robuust)
        + " per tien jaar, en met de standaardafwijking én de variatiecoëfficiënt). Blijft het oordeel bij al "
        "die keuzes gelijk, dan staat er 'robuust'; anders tonen we de bandbreedte, bijvoorbeeld 'gemengd beeld "
        "tot overwegend tegengesproken'."
    ),
    "grenzen": (
        "Wat deze toetsen niet kunnen: ze zijn beschrijvend. Ze zeggen of een verschil of verandering groot is "
        "vergeleken met de verschillen tussen regio's, niet of die toeval is (met 5 tot 12 jaarcijfers is dat "
        "nauwelijks te toetsen) en niet waardoor ze komt: dat beleid de oorzaak is, zoals de documenten vaak "
        "stellen, kan geen van deze toetsen aantonen. Indicatoren meten vaak maar een deel van wat een document "
        "bedoelt, en regio-afbakeningen wijken soms af van wat de schrijvers bedoelen."
    ),
}
