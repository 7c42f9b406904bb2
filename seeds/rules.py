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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# ------------------------------------------------------------------------------------------------------
# Parameters (one place)
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Params:
    """Thresholds and minimum amounts of data used by the rules."""

    niveau_drempel: float = 0.25  # |region - NL| below this many robust sd of the 40 COROP values: "gelijk"
    kloof_drempel: float = 0.25  # change of the signed gap over the window, in the same robust sd
    groep_drempel: float = 0.25  # difference of two group means, in robust sd of the gemeente values
    ontwikkeling_drempel: float = 0.25  # region's relative change minus NL's, in robust sd of the COROP changes
    spreiding_drempel: float = 0.10  # change of the coefficient of variation over the window, relative to its level
    min_jaren_kloof: int = 3  # years with region and NL values needed for a gap trend
    min_jaren_spreiding: int = 5  # years needed for a dispersion trend
    min_corop: int = 10  # COROP values needed for a spread (the yardstick of every rule)
    gm_dekking: float = 0.8  # share of the population the gemeente values must cover in a year (spreiding)
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
# Gap outcomes that mean the region moved towards a better position relative to NL, and away from it.
KLOOF_GUNSTIG = (ACHTERSTAND_KLEINER, VOORSPRONG_GROEIT)
KLOOF_ONGUNSTIG = (ACHTERSTAND_GROEIT, VOORSPRONG_KLEINER)

SUPPORTED, PARTLY, NOT_SUPPORTED, UNTESTABLE = "ondersteund", "deels ondersteund", "niet ondersteund", "niet toetsbaar"
LABELS = (SUPPORTED, PARTLY, NOT_SUPPORTED, UNTESTABLE)

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
    v, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    v, w = v[ok], w[ok]
    if len(v) < 3:
        return math.nan, math.nan
    mean = float(np.sum(v * w) / np.sum(w))
    sd = math.sqrt(float(np.sum(w * (v - mean) ** 2) / np.sum(w)))
    cv = sd / abs(mean) if mean else math.nan
    p10, p90 = weighted_quantile(v, w, 0.10), weighted_quantile(v, w, 0.90)
    ratio = p90 / p10 if p10 > 0 and p90 > 0 else math.nan
    return cv, ratio


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


def niveau(value: float, nl: float, corop_values: Sequence[float], sign: float | None,
           ci: tuple[float, float] | None = None, spread: float | None = None) -> Niveau:
    """*niveau*: is the region better, equal or worse than NL? See :data:`RULES_NL` ['niveau'].
    ``spread``: the robust sd of ``corop_values`` when the caller already has it."""
    rsd = robust_sd(corop_values, PARAMS.min_corop) if spread is None else spread
    diff = value - nl if math.isfinite(value) and math.isfinite(nl) else math.nan
    index = 100.0 * value / nl if math.isfinite(diff) and nl else math.nan
    lo, hi = ci if ci is not None else (math.nan, math.nan)
    z = sign * diff / rsd if sign and math.isfinite(diff) and math.isfinite(rsd) else math.nan
    if not math.isfinite(diff):
        outcome, reason = NIET_TOETSBAAR, "geen cijfer voor de regio of voor Nederland in dezelfde periode"
    elif not sign:
        outcome, reason = GEEN_RICHTING, "indicator zonder goede richting"
    elif math.isfinite(lo) and math.isfinite(hi) and lo <= nl <= hi:
        outcome, reason = GELIJK, "het landelijke cijfer ligt binnen het 95%-interval van de regio"
    elif not math.isfinite(rsd):
        outcome, reason = NIET_TOETSBAAR, "te weinig COROP-cijfers om het verschil aan af te meten"
    elif abs(z) < PARAMS.niveau_drempel:
        outcome, reason = GELIJK, f"verschil kleiner dan {_nl(PARAMS.niveau_drempel)} robuuste standaardafwijking"
    else:
        outcome, reason = (BETER if z > 0 else SLECHTER), ""
    return Niveau(value, nl, index, diff, rsd, z, lo, hi, outcome, reason)


@dataclass(frozen=True)
class Kloof:
    """The signed gap to NL over a window and its robust trend."""

    period_from: int | None
    period_to: int | None
    n_years: int
    gap_first: float
    gap_last: float
    slope: float  # per year, Theil–Sen
    change: float  # slope × (period_to - period_from)
    threshold: float
    outcome: str


def kloof(periods: Sequence[int], region: Sequence[float], nl: Sequence[float], sign: float | None,
          yardstick: float) -> Kloof:
    """*achterstand*: does the gap to NL grow or shrink? See :data:`RULES_NL` ['achterstand'].

    ``periods``/``region``/``nl`` are aligned; only periods where both values exist count. ``yardstick`` is
    the robust sd of the COROP values (median over the window), so the threshold is fixed for the window.
    """
    p = np.asarray(periods, dtype=float)
    r, n = np.asarray(region, dtype=float), np.asarray(nl, dtype=float)
    ok = np.isfinite(p) & np.isfinite(r) & np.isfinite(n)
    p, r, n = p[ok], r[ok], n[ok]
    order = np.argsort(p)
    p, r, n = p[order], r[order], n[order]
    threshold = PARAMS.kloof_drempel * yardstick if math.isfinite(yardstick) else math.nan
    if not sign or len(p) < PARAMS.min_jaren_kloof:
        first = int(p[0]) if len(p) else None
        last = int(p[-1]) if len(p) else None
        gaps = (sign or 1.0) * (r - n)
        outcome = GEEN_RICHTING if not sign else TE_WEINIG_JAREN
        return Kloof(first, last, len(p), float(gaps[0]) if len(p) else math.nan,
                     float(gaps[-1]) if len(p) else math.nan, math.nan, math.nan, threshold, outcome)
    gaps = sign * (r - n)
    slope, _ = theil_sen(p, gaps)
    change = slope * float(p[-1] - p[0])
    gap_last = float(gaps[-1])
    if not math.isfinite(threshold):
        outcome = NIET_TOETSBAAR
    elif abs(change) < threshold:
        outcome = STABIEL
    elif change < 0:
        outcome = ACHTERSTAND_GROEIT if gap_last < 0 else VOORSPRONG_KLEINER
    else:
        outcome = ACHTERSTAND_KLEINER if gap_last < 0 else VOORSPRONG_GROEIT
    return Kloof(int(p[0]), int(p[-1]), len(p), float(gaps[0]), gap_last, slope, change, threshold, outcome)


@dataclass(frozen=True)
class Trend:
    """A dispersion statistic over a window and its robust trend."""

    period_from: int | None
    period_to: int | None
    n_years: int
    first: float
    last: float
    slope: float
    rel_change: float  # slope × span / median level
    outcome: str


def spreiding(periods: Sequence[int], statistic: Sequence[float]) -> Trend:
    """*spreiding*: do the differences between areas grow? See :data:`RULES_NL` ['spreiding']."""
    p, s = np.asarray(periods, dtype=float), np.asarray(statistic, dtype=float)
    ok = np.isfinite(p) & np.isfinite(s)
    p, s = p[ok], s[ok]
    order = np.argsort(p)
    p, s = p[order], s[order]
    if len(p) < PARAMS.min_jaren_spreiding:
        return Trend(int(p[0]) if len(p) else None, int(p[-1]) if len(p) else None, len(p),
                     float(s[0]) if len(p) else math.nan, float(s[-1]) if len(p) else math.nan,
                     math.nan, math.nan, TE_WEINIG_JAREN)
    slope, _ = theil_sen(p, s)
    level = float(np.median(s))
    rel = slope * float(p[-1] - p[0]) / level if level else math.nan
    if not math.isfinite(rel):
        outcome = NIET_TOETSBAAR
    elif rel >= PARAMS.spreiding_drempel:
        outcome = NEEMT_TOE
    elif rel <= -PARAMS.spreiding_drempel:
        outcome = NEEMT_AF
    else:
        outcome = GELIJK
    return Trend(int(p[0]), int(p[-1]), len(p), float(s[0]), float(s[-1]), slope, rel, outcome)


@dataclass(frozen=True)
class Groep:
    """Two population-weighted group means and their difference."""

    mean_a: float
    mean_b: float
    z: float  # sign · (a - b) / robust sd of the gemeente values
    outcome: str


def _scaled(a: float, b: float, spread: Sequence[float], sign: float | None, threshold: float,
            up: str, down: str) -> tuple[float, str]:
    """(z, outcome) for ``sign · (a − b)`` measured in the robust sd of ``spread``: within ``threshold`` 'gelijk',
    else ``up`` or ``down`` (shared by *groep* and *ontwikkeling*)."""
    rsd = robust_sd(spread, PARAMS.min_corop)
    if not sign:
        return math.nan, GEEN_RICHTING
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(rsd)):
        return math.nan, NIET_TOETSBAAR
    z = sign * (a - b) / rsd
    return z, GELIJK if abs(z) < threshold else (up if z > 0 else down)


def groep(mean_a: float, mean_b: float, area_values: Sequence[float], sign: float | None) -> Groep:
    """*groep*: is group A better, equal or worse than group B? See :data:`RULES_NL` ['groep']."""
    z, outcome = _scaled(mean_a, mean_b, area_values, sign, PARAMS.groep_drempel, BETER, SLECHTER)
    return Groep(mean_a, mean_b, z, outcome)


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


def ontwikkeling(change: float, nl_change: float, corop_changes: Sequence[float], sign: float | None) -> Ontwikkeling:
    """*ontwikkeling*: did the region develop more or less favourably than NL? See :data:`RULES_NL`."""
    z, outcome = _scaled(change, nl_change, corop_changes, sign, PARAMS.ontwikkeling_drempel, GUNSTIGER, ONGUNSTIGER)
    return Ontwikkeling(change, nl_change, z, outcome)


# ------------------------------------------------------------------------------------------------------
# From pairs to a verdict
# ------------------------------------------------------------------------------------------------------

# expectation of a claim test → outcomes that agree with it
AGREES: dict[tuple[str, str], tuple[str, ...]] = {
    ("niveau", "slechter"): (SLECHTER,),
    ("niveau", "beter"): (BETER,),
    ("niveau", "niet_slechter"): (BETER, GELIJK),
    ("achterstand", "groeit"): (ACHTERSTAND_GROEIT,),
    ("achterstand", "neemt_af"): (ACHTERSTAND_KLEINER,),
    ("spreiding", "neemt_toe"): (NEEMT_TOE,),
    ("spreiding", "neemt_af"): (NEEMT_AF,),
    ("spreiding", "niet_af"): (NEEMT_TOE, GELIJK),
    ("groep", "slechter"): (SLECHTER,),
    ("groep", "beter"): (BETER,),
    ("ontwikkeling", "ongunstiger"): (ONGUNSTIGER,),
    ("ontwikkeling", "gunstiger"): (GUNSTIGER,),
}
# Outcomes that mean "this pair could not be judged" (the pair is reported but not counted).
NOT_JUDGED = (NIET_TOETSBAAR, GEEN_RICHTING, TE_WEINIG_JAREN)


def verdict_label(n_pairs: int, n_agree: int) -> str:
    """All judged pairs agree: ondersteund; none: niet ondersteund; some: deels ondersteund; no pairs: niet toetsbaar."""
    if n_pairs == 0:
        return UNTESTABLE
    if n_agree == n_pairs:
        return SUPPORTED
    return NOT_SUPPORTED if n_agree == 0 else PARTLY


def verdict_text(n_pairs: int, n_agree: int) -> str:
    """'deels ondersteund (3 van 5)' and the like."""
    label = verdict_label(n_pairs, n_agree)
    return label if label == UNTESTABLE else f"{label} ({n_agree} van {n_pairs})"


def _nl(x: float) -> str:
    return f"{x:g}".replace(".", ",")


RULES_NL: dict[str, str] = {
    "niveau": (
        "Niveau: we vergelijken de regio met Nederland in het meest recente jaar waarin beide een cijfer "
        "hebben. We tonen het indexcijfer (Nederland = 100) en meten het verschil af aan de spreiding tussen de "
        "40 COROP-gebieden in dat jaar, in robuuste standaardafwijkingen (1,4826 × de mediane absolute afwijking; "
        f"uitschieters vergroten die niet). Is het verschil kleiner dan {_nl(PARAMS.niveau_drempel)} robuuste "
        "standaardafwijking, dan noemen we de regio gelijk aan Nederland; anders beter of slechter, volgens de "
        "richting van de indicator. Publiceert het CBS een 95%-betrouwbaarheidsinterval (Gezondheidsmonitor "
        "85563NED), dan is een verschil gelijk zolang het landelijke cijfer binnen het interval van de regio ligt. "
        "Voor regio's die het CBS niet zelf publiceert, combineren we de intervallen van de gemeenten "
        "(bevolkingsgewogen, als onafhankelijke steekproeven)."
    ),
    "achterstand": (
        "Achterstand: per jaar berekenen we de kloof tot Nederland, met het teken zo dat positief beter is. "
        "Over alle jaren waarin regio en Nederland allebei een cijfer hebben (minstens "
        f"{PARAMS.min_jaren_kloof}) schatten we de trend van die kloof met een robuuste Theil–Sen-lijn (de "
        "mediaan van alle hellingen tussen twee jaren). De verandering over het venster vergelijken we met een "
        f"vaste maat: {_nl(PARAMS.kloof_drempel)} robuuste standaardafwijking van de COROP-gebieden (de mediaan "
        "over de jaren, zodat een gelijkmatig groeiende spreiding niet wordt weggedeeld). 'Achterstand groeit' "
        "zeggen we alleen als de regio aan het eind achter Nederland ligt en de kloof zich meer dan die maat "
        "tegen de regio in heeft bewogen. Een regio die boven Nederland lag en naar het landelijke cijfer toe "
        "beweegt, heeft een kleinere voorsprong; dat telt nooit als achterop raken."
    ),
    "spreiding": (
        "Spreiding: per jaar berekenen we de bevolkingsgewogen variatiecoëfficiënt (standaardafwijking gedeeld "
        "door het gemiddelde) over de 40 COROP-gebieden en over de gemeenten in de indeling van 2024, en ter "
        "controle de verhouding tussen het 90e en het 10e percentiel. Voor gemeenten gebruiken we alleen "
        "gemeenten met een cijfer in elk jaar van het venster, en alleen jaren waarin die samen minstens "
        f"{round(PARAMS.gm_dekking * 100)}% van de bevolking dekken. Met minstens {PARAMS.min_jaren_spreiding} "
        "jaren schatten we de trend (Theil–Sen). Neemt de variatiecoëfficiënt over het venster met minstens "
        f"{round(PARAMS.spreiding_drempel * 100)}% van zijn eigen niveau toe, dan nemen de verschillen toe; "
        "evenveel af: ze nemen af; anders blijven ze gelijk. Let op: de variatiecoëfficiënt is een relatieve "
        "maat; daalt het gemiddelde (bijvoorbeeld de werkloosheid) terwijl de absolute verschillen gelijk "
        "blijven, dan stijgt hij."
    ),
    "groep": (
        "Groep: we vergelijken het bevolkingsgewogen gemiddelde van twee groepen gemeenten in het meest recente "
        "jaar, bijvoorbeeld naar stedelijkheid (CBS Gebieden in Nederland 2024: zeer sterk en sterk stedelijk "
        "tegenover matig, weinig en niet stedelijk). Het verschil meten we af aan de spreiding tussen de "
        f"gemeenten (robuuste standaardafwijking); onder {_nl(PARAMS.groep_drempel)} heet het gelijk."
    ),
    "ontwikkeling": (
        "Ontwikkeling: we vergelijken de relatieve verandering van de regio over een venster (bijvoorbeeld de "
        "bevolking 2019–2026 of de afstand tot voorzieningen 2006–2023) met die van Nederland. Het verschil "
        "meten we af aan de spreiding van dezelfde verandering over de 40 COROP-gebieden; onder "
        f"{_nl(PARAMS.ontwikkeling_drempel)} robuuste standaardafwijking heet de ontwikkeling gelijk aan die "
        "van Nederland, anders gunstiger of ongunstiger."
    ),
    "oordeel": (
        "Oordeel: elke combinatie van regio en indicator (bij spreiding: indicator en niveau; bij groepen: "
        "indicator) is een paar. Paren zonder bruikbare cijfers tellen niet mee. Wijzen alle paren in de richting "
        "van de claim, dan is de claim ondersteund; geen enkel paar: niet ondersteund; een deel: deels "
        "ondersteund, met het aantal (k van n). Zonder toetsbare paren, of als de tekst geen richting geeft, is "
        "de claim niet toetsbaar; de reden staat bij de claim. 'Gelijk' telt niet als steun, behalve bij claims "
        "die alleen stellen dat een regio niet slechter is of dat verschillen niet kleiner worden."
    ),
    "grenzen": (
        "Wat deze toetsen niet kunnen: ze zijn beschrijvend. Ze zeggen of een verschil of verandering groot is "
        "vergeleken met de verschillen tussen regio's, niet of die toeval is (met 5 tot 12 jaarcijfers is dat "
        "nauwelijks te toetsen) en niet waardoor ze komt: dat beleid de oorzaak is, zoals de documenten vaak "
        "stellen, kan geen van deze toetsen aantonen. Indicatoren meten vaak maar een deel van wat een document "
        "bedoelt, en regio-afbakeningen wijken soms af van wat de schrijvers bedoelen."
    ),
}
