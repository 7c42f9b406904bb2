"""The claim-testing step of the pipeline: applies :mod:`seeds.rules` to the harmonised frames at build time.

Input: the frames :func:`data_loaders.build.build_frames` has made (observations, region values, regions,
memberships), gemeente population weights, CBS 95% intervals, the catalogue and the claims register. Output:
store tables that the dashboard, presentation mode, exports and printed profile only read:

* ``comparisons`` — every region (each delineation), COROP area and province × indicator: the latest value
  against NL (*niveau*), its rank among the 40 COROP areas and the trend of the gap (*achterstand*);
* ``theme_overview`` — per region, delineation and theme: how many indicators are better / comparable /
  worse than NL and whether their gaps move for or against the region;
* ``dispersion`` — per indicator, level (CR, GM) and year: the population-weighted coefficient of variation
  and P90/P10 (*spreiding*);
* ``claim_verdicts`` and ``claim_evidence`` — every claim's verdict, for the claim as a whole and per region
  it names, with one evidence row per tested pair.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from seeds import rules
from seeds.claims import Claim

ENGINE_SCHEMA = """
CREATE TABLE comparisons (
    subject_id VARCHAR, subject_kind VARCHAR, delineation VARCHAR, indicator_id VARCHAR, period INTEGER,
    value DOUBLE, nl_value DOUBLE, index_nl DOUBLE, diff DOUBLE, robust_sd DOUBLE, z DOUBLE,
    ci_low DOUBLE, ci_high DOUBLE, niveau VARCHAR, niveau_reason VARCHAR, rank INTEGER, n_ranked INTEGER,
    method VARCHAR, source_table VARCHAR, coverage DOUBLE,
    kloof_from INTEGER, kloof_to INTEGER, kloof_years INTEGER, gap_first DOUBLE, gap_last DOUBLE,
    gap_slope DOUBLE, gap_change DOUBLE, gap_threshold DOUBLE, kloof VARCHAR
);
CREATE TABLE theme_overview (
    region_id VARCHAR, delineation VARCHAR, theme VARCHAR, theme_name VARCHAR, theme_group VARCHAR,
    sort_order INTEGER, n_indicators INTEGER, n_beter INTEGER, n_gelijk INTEGER, n_slechter INTEGER,
    n_kloof_gunstig INTEGER, n_kloof_stabiel INTEGER, n_kloof_ongunstig INTEGER, indicators VARCHAR
);
CREATE TABLE dispersion (
    indicator_id VARCHAR, level VARCHAR, period INTEGER, cv DOUBLE, p90_p10 DOUBLE, n_areas INTEGER,
    population_share DOUBLE
);
CREATE TABLE peers (
    region_id VARCHAR, delineation VARCHAR, peer_code VARCHAR, peer_rank INTEGER, distance DOUBLE,
    n_indicators INTEGER
);
CREATE TABLE claims (
    claim_id VARCHAR PRIMARY KEY, document VARCHAR, document_title VARCHAR, section VARCHAR, quote VARCHAR,
    paraphrase VARCHAR, kind VARCHAR, regions VARCHAR, indicators VARCHAR, topic VARCHAR, test VARCHAR,
    expect VARCHAR, test_note VARCHAR
);
CREATE TABLE claim_verdicts (
    claim_id VARCHAR, region_id VARCHAR, delineation VARCHAR, test VARCHAR, expect VARCHAR, label VARCHAR,
    n_pairs INTEGER, n_agree INTEGER, verdict_nl VARCHAR, summary_nl VARCHAR, method_nl VARCHAR
);
CREATE TABLE claim_evidence (
    claim_id VARCHAR, region_id VARCHAR, delineation VARCHAR, indicator_id VARCHAR, level VARCHAR, test VARCHAR,
    period_from INTEGER, period_to INTEGER, value_from DOUBLE, value_to DOUBLE, nl_from DOUBLE, nl_to DOUBLE,
    statistic DOUBLE, threshold DOUBLE, outcome VARCHAR, agrees BOOLEAN, note VARCHAR
);
"""
ENGINE_TABLES = ("comparisons", "theme_overview", "dispersion", "peers", "claims", "claim_verdicts", "claim_evidence")
N_PEERS = 5
PEER_MIN_OVERLAP = 0.7  # share of the region's profile indicators a COROP area must also have
OVERVIEW_GROUPS = ("hier_en_nu", "later", "voorzieningen")
TEST_NAMES_NL = {
    "niveau": "niveau ten opzichte van Nederland",
    "achterstand": "trend van de kloof tot Nederland",
    "spreiding": "spreiding tussen gebieden",
    "groep": "vergelijking van twee groepen gemeenten",
    "ontwikkeling": "eigen ontwikkeling tegenover die van Nederland",
}
EXPECT_NL = {
    ("niveau", "slechter"): "slechter dan Nederland",
    ("niveau", "beter"): "beter dan Nederland",
    ("niveau", "niet_slechter"): "niet slechter dan Nederland",
    ("achterstand", "groeit"): "een groeiende achterstand op Nederland",
    ("achterstand", "neemt_af"): "een kleiner wordende achterstand",
    ("spreiding", "neemt_toe"): "toenemende verschillen tussen gebieden",
    ("spreiding", "neemt_af"): "afnemende verschillen tussen gebieden",
    ("spreiding", "niet_af"): "verschillen die niet kleiner worden",
    ("groep", "slechter"): "een lagere score van groep A dan van groep B",
    ("groep", "beter"): "een hogere score van groep A dan van groep B",
    ("ontwikkeling", "ongunstiger"): "een ongunstiger ontwikkeling dan in Nederland",
    ("ontwikkeling", "gunstiger"): "een gunstiger ontwikkeling dan in Nederland",
}
LEVEL_NL = {"CR": "COROP-gebieden", "GM": "gemeenten"}


# ------------------------------------------------------------------------------------------------------
# Inputs, indexed once
# ------------------------------------------------------------------------------------------------------


@dataclass
class RegionInfo:
    """What the engine needs of a region definition."""

    region_id: str
    name: str
    groups: tuple[str, ...]
    default_delineation: str
    delineations: tuple[str, ...]


@dataclass(frozen=True)
class Series:
    """One area's values of one indicator over time, sorted by period (numpy arrays)."""

    periods: np.ndarray
    values: np.ndarray
    methods: np.ndarray
    sources: np.ndarray
    coverage: np.ndarray

    def __len__(self) -> int:
        return len(self.periods)

    def as_series(self) -> pd.Series:
        """Values indexed by period."""
        return pd.Series(self.values, index=self.periods)


def _index(frame: pd.DataFrame, keys: list[str]) -> dict[Any, Series]:
    """Series per key, built from one sort and the group positions (fast for tens of thousands of groups)."""
    frame = frame.sort_values([*keys, "period"], kind="stable")
    periods = frame["period"].to_numpy(dtype=int)
    values = frame["value"].to_numpy(dtype=float)
    coverage = pd.to_numeric(frame["coverage"], errors="coerce").to_numpy(dtype=float)
    # Text columns as codes into their distinct values: 350,000 Arrow strings are slow to index one by one.
    method_codes, method_values = pd.factorize(frame["method"])
    source_codes, source_values = pd.factorize(frame["source_table"])
    methods = np.asarray(method_values, dtype=object)[method_codes]
    sources = np.asarray(source_values, dtype=object)[source_codes]
    out: dict[Any, Series] = {}
    for key, pos in frame.groupby(keys, sort=False).indices.items():
        out[key] = Series(periods[pos], values[pos], methods[pos], sources[pos], coverage[pos])
    return out


def _wide(frame: pd.DataFrame, index: str) -> pd.DataFrame:
    """Values as a table (``index`` × period); observations are unique per (indicator, area, period)."""
    return frame.set_index([index, "period"])["value"].unstack("period").sort_index(axis=1)


class Context:
    """The frames indexed for fast look-ups: series per (indicator, area), COROP values per (indicator, period)."""

    def __init__(self, frames: Mapping[str, pd.DataFrame], population: pd.DataFrame, intervals: pd.DataFrame,
                 catalogue: pd.DataFrame, regions_info: Sequence[RegionInfo]) -> None:
        self.catalogue = catalogue.set_index("indicator_id", drop=False)
        self.regions = frames["regions"]
        self.members = frames["region_members"]
        self.regions_info = {r.region_id: r for r in regions_info}
        obs = frames["observations"][["indicator_id", "region_code", "region_level", "period", "value", "method",
                                      "source_table", "coverage"]]
        obs = obs[obs["value"].notna()]
        self.by_area = _index(obs, ["indicator_id", "region_code"])
        cr = obs[obs["region_level"] == "CR"]
        self.corop_series = {iid: _wide(g, "region_code").T for iid, g in cr.groupby("indicator_id", sort=False)}
        self.corop = {(iid, int(p)): row.dropna() for iid, table in self.corop_series.items() for p, row in table.iterrows()}
        self._rsd = {key: rules.robust_sd(vals.to_numpy(dtype=float), rules.PARAMS.min_corop)
                     for key, vals in self.corop.items()}
        nl = obs[obs["region_code"] == "NL01"]
        self.nl = {iid: g.set_index("period")["value"].sort_index() for iid, g in nl.groupby("indicator_id", sort=False)}
        self._nl = {(iid, int(p)): float(v) for iid, series in self.nl.items() for p, v in series.items()}
        gm = obs[obs["region_level"] == "GM"]
        self.gm = {iid: _wide(g, "region_code") for iid, g in gm.groupby("indicator_id", sort=False)}
        ro = frames["region_observations"]
        self.by_region = _index(ro[ro["value"].notna()], ["region_id", "delineation", "indicator_id"])
        self.population = population.pivot_table(index="region_code", columns="period", values="population")
        self._weights: dict[tuple[tuple[str, ...], int], pd.Series] = {}
        gm_regions = self.regions[(self.regions["region_level"] == "GM") & self.regions["is_current"]]
        self.gm_codes = gm_regions["region_code"].tolist()
        self.gm_corop = dict(zip(gm_regions["region_code"], gm_regions["corop_code"], strict=True))
        urban = gm_regions["stedelijkheid"] if "stedelijkheid" in gm_regions else pd.Series(None, index=gm_regions.index)
        self.stedelijkheid = dict(zip(gm_regions["region_code"], urban, strict=True))
        self._with_intervals = set(intervals["indicator_id"]) if len(intervals) else set()
        self.intervals = {k: g.set_index("region_code")[["lower", "upper"]]
                          for k, g in intervals.groupby(["indicator_id", "period"], sort=False)} if len(intervals) else {}
        self._members: dict[tuple[str, str], list[str]] = {
            (r, d): g["gemeente_code"].tolist() for (r, d), g in self.members.groupby(["region_id", "delineation"])
        }

    # --- look-ups ----------------------------------------------------------------------------------
    def sign(self, indicator_id: str, override: float | None = None) -> float | None:
        """+1 / -1 from the catalogue direction (or the test's override for neutral indicators)."""
        if override is not None:
            return float(override)
        return rules.SIGN.get(str(self.catalogue.loc[indicator_id, "direction"]))

    def members_of(self, region_id: str, delineation: str) -> list[str]:
        """Gemeente codes of a region delineation."""
        return self._members.get((region_id, delineation), [])

    def series(self, subject: Subject, indicator_id: str) -> Series:
        """The subject's values of one indicator over time."""
        if subject.kind == "regio":
            return self.by_region.get((subject.id, subject.delineation, indicator_id), _EMPTY)
        return self.by_area.get((indicator_id, subject.id), _EMPTY)

    def corop_values(self, indicator_id: str, period: int) -> pd.Series:
        """The COROP values of one indicator and period (indexed by CR code)."""
        return self.corop.get((indicator_id, int(period)), _NO_VALUES)

    def corop_sd(self, indicator_id: str, period: int) -> float:
        """Robust sd of the COROP values of one indicator and period (NaN when too few)."""
        return self._rsd.get((indicator_id, int(period)), math.nan)

    def nl_value(self, indicator_id: str, period: int) -> float:
        """NL's value in a period (NaN when missing)."""
        return self._nl.get((indicator_id, int(period)), math.nan)

    def weights(self, codes: Iterable[str], period: int) -> pd.Series:
        """Population of gemeenten in a period (the nearest year with a population when there is none)."""
        key = (tuple(codes), int(period))
        if key not in self._weights:
            if int(period) in self.population.columns:
                col = self.population[int(period)]
            else:
                years = np.array(self.population.columns)
                col = self.population[years[np.argmin(np.abs(years - int(period)))]]
            self._weights[key] = col.reindex(list(key[0]))
        return self._weights[key]

    def has_intervals(self, indicator_id: str) -> bool:
        """Whether CBS publishes 95% intervals for the indicator."""
        return indicator_id in self._with_intervals

    def interval(self, subject: Subject, indicator_id: str, period: int) -> tuple[float, float] | None:
        """CBS's own 95% interval for an official area, else one combined from the member gemeenten."""
        table = self.intervals.get((indicator_id, int(period)))
        if table is None:
            return None
        code = subject.official_code
        if code is not None and code in table.index:
            row = table.loc[code]
            return float(row["lower"]), float(row["upper"])
        members = subject.members(self)
        if not members:
            return None
        values = self.gm.get(indicator_id)
        if values is None or int(period) not in values.columns:
            return None
        vals = values[int(period)].reindex(members)
        bounds = table.reindex(members)
        w = self.weights(members, period)
        lo, hi = rules.combined_interval(vals, bounds["lower"], bounds["upper"], w)
        return (lo, hi) if math.isfinite(lo) else None


_EMPTY = Series(*(np.array([]) for _ in range(5)))
_NO_VALUES = pd.Series(dtype=float)


@dataclass(frozen=True)
class Subject:
    """What a comparison is about: a region delineation ('regio') or a CBS area (CR, PV, LD, NL, GM)."""

    id: str
    kind: str
    delineation: str | None = None
    official_code: str | None = None  # CBS code when the subject is exactly one CBS area

    def members(self, ctx: Context) -> list[str]:
        """Gemeente codes that make up the subject."""
        if self.kind == "regio":
            return ctx.members_of(self.id, self.delineation or "")
        if self.kind == "CR":
            return [g for g, c in ctx.gm_corop.items() if c == self.id]
        if self.kind == "GM":
            return [self.id]
        return []


# ------------------------------------------------------------------------------------------------------
# Comparisons (niveau + achterstand) for every subject and indicator
# ------------------------------------------------------------------------------------------------------


def _rank(corop: pd.Series, value: float, sign: float | None) -> tuple[int | None, int]:
    vals = corop.dropna().to_numpy(dtype=float)
    if not len(vals) or not math.isfinite(value):
        return None, len(vals)
    better = (vals < value - 1e-9).sum() if sign == -1.0 else (vals > value + 1e-9).sum()
    return int(better) + 1, len(vals)


def yardstick(ctx: Context, indicator_id: str, periods: Iterable[int]) -> float:
    """Median over the periods of the robust sd of the 40 COROP values: the fixed scale of a gap trend."""
    sds = [ctx.corop_sd(indicator_id, p) for p in periods]
    sds = [s for s in sds if math.isfinite(s)]
    return float(np.median(sds)) if sds else math.nan


def aligned(ctx: Context, subject: Subject, indicator_id: str,
            window: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(periods, subject values, NL values) where both exist, within ``window`` when given."""
    series = ctx.series(subject, indicator_id)
    nl = np.array([ctx.nl_value(indicator_id, p) for p in series.periods], dtype=float)
    keep = np.isfinite(nl) & np.isfinite(series.values)
    if window is not None:
        keep &= (series.periods >= window[0]) & (series.periods <= window[1])
    return series.periods[keep], series.values[keep], nl[keep]


def gap_trend(ctx: Context, subject: Subject, indicator_id: str, window: tuple[int, int] | None = None,
              sign: float | None = None) -> tuple[rules.Kloof, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The *achterstand* rule for one subject and indicator, and the aligned (periods, values, NL) arrays."""
    periods, values, nl = aligned(ctx, subject, indicator_id, window)
    s = ctx.sign(indicator_id, sign)
    return rules.kloof(periods, values, nl, s, yardstick(ctx, indicator_id, periods)), (periods, values, nl)


def compare(ctx: Context, subject: Subject, indicator_id: str) -> dict[str, Any] | None:
    """One row of ``comparisons`` (None when the subject has no value for the indicator)."""
    series = ctx.series(subject, indicator_id)
    if not len(series):
        return None
    has_nl = [i for i, p in enumerate(series.periods) if math.isfinite(ctx.nl_value(indicator_id, p))]
    i = has_nl[-1] if has_nl else len(series) - 1
    period = int(series.periods[i])
    value, nl = float(series.values[i]), ctx.nl_value(indicator_id, period)
    sign = ctx.sign(indicator_id)
    corop = ctx.corop_values(indicator_id, period)
    ci = ctx.interval(subject, indicator_id, period) if ctx.has_intervals(indicator_id) else None
    level = rules.niveau(value, nl, corop.to_numpy(dtype=float), sign, ci, ctx.corop_sd(indicator_id, period))
    rank, n_ranked = _rank(corop, value, sign) if sign else (None, len(corop))
    trend, _ = gap_trend(ctx, subject, indicator_id)
    return {
        "subject_id": subject.id, "subject_kind": subject.kind, "delineation": subject.delineation,
        "indicator_id": indicator_id, "period": period, "value": value, "nl_value": nl,
        "index_nl": level.index, "diff": level.diff, "robust_sd": level.robust_sd, "z": level.z,
        "ci_low": level.ci_low, "ci_high": level.ci_high, "niveau": level.outcome, "niveau_reason": level.reason,
        "rank": rank, "n_ranked": n_ranked if sign else None, "method": series.methods[i],
        "source_table": series.sources[i], "coverage": float(series.coverage[i]),
        "kloof_from": trend.period_from, "kloof_to": trend.period_to, "kloof_years": trend.n_years,
        "gap_first": trend.gap_first, "gap_last": trend.gap_last, "gap_slope": trend.slope,
        "gap_change": trend.change, "gap_threshold": trend.threshold, "kloof": trend.outcome,
    }


def subjects(ctx: Context, regions_frame: pd.DataFrame, exact: Mapping[tuple[str, str], str]) -> list[Subject]:
    """Every region delineation plus the current COROP areas, provinces and gemeenten (each area has a page)."""
    out = [Subject(r.region_id, "regio", d, exact.get((r.region_id, d)))
           for r in ctx.regions_info.values() for d in r.delineations if r.region_id != "nederland"]
    for level in ("CR", "PV", "GM"):
        codes = regions_frame.loc[(regions_frame["region_level"] == level) & regions_frame["is_current"], "region_code"]
        out += [Subject(code, level, None, code) for code in sorted(codes)]
    return out


def build_comparisons(ctx: Context, subject_list: Sequence[Subject]) -> pd.DataFrame:
    """The ``comparisons`` table."""
    rows = []
    for subject in subject_list:
        for indicator_id in ctx.catalogue.index:
            row = compare(ctx, subject, indicator_id)
            if row is not None:
                rows.append(row)
    return pd.DataFrame(rows)


def primary_directed(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Indicators with a direction that are not a second source of the same concept."""
    cat = catalogue
    return cat[(cat["direction"] != "neutral") & cat["twin_of"].isna()]


def build_theme_overview(comparisons: pd.DataFrame, catalogue: pd.DataFrame, theme_order: Sequence[str]) -> pd.DataFrame:
    """The ``theme_overview`` table: per region, delineation and theme, counts of niveau and gap outcomes."""
    cat = primary_directed(catalogue)
    cat = cat[cat["theme_group"].isin(OVERVIEW_GROUPS)]
    regs = comparisons[(comparisons["subject_kind"] == "regio") & comparisons["indicator_id"].isin(cat["indicator_id"])]
    regs = regs[regs["niveau"].isin([rules.BETER, rules.GELIJK, rules.SLECHTER])]
    regs = regs.merge(cat[["indicator_id", "theme"]], on="indicator_id").assign(
        n_beter=lambda f: f["niveau"] == rules.BETER, n_gelijk=lambda f: f["niveau"] == rules.GELIJK,
        n_slechter=lambda f: f["niveau"] == rules.SLECHTER,
        n_kloof_gunstig=lambda f: f["kloof"].isin(rules.KLOOF_GUNSTIG),
        n_kloof_stabiel=lambda f: f["kloof"] == rules.STABIEL,
        n_kloof_ongunstig=lambda f: f["kloof"].isin(rules.KLOOF_ONGUNSTIG),
    )
    counts = ["n_beter", "n_gelijk", "n_slechter", "n_kloof_gunstig", "n_kloof_stabiel", "n_kloof_ongunstig"]
    agg = regs.groupby(["subject_id", "delineation", "theme"]).agg(
        n_indicators=("indicator_id", "size"), indicators=("indicator_id", ",".join),
        **{c: (c, "sum") for c in counts}).reset_index()
    themes = [t for t in theme_order if t in set(cat["theme"])]
    meta = cat.drop_duplicates("theme").set_index("theme")
    subjects = regs[["subject_id", "delineation"]].drop_duplicates()
    grid = subjects.merge(pd.DataFrame({"theme": themes, "sort_order": range(len(themes))}), how="cross")
    out = grid.merge(agg, on=["subject_id", "delineation", "theme"], how="left")
    out[["n_indicators", *counts]] = out[["n_indicators", *counts]].fillna(0).astype(int)
    out["indicators"] = out["indicators"].fillna("")
    out["theme_name"] = out["theme"].map(meta["theme_name"])
    out["theme_group"] = out["theme"].map(meta["theme_group"])
    order = ["region_id", "delineation", "theme", "theme_name", "theme_group", "sort_order", "n_indicators", *counts,
             "indicators"]
    return out.rename(columns={"subject_id": "region_id"})[order]


def build_peers(comparisons: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The ``peers`` table: per region delineation the five COROP areas closest on the standardised profile.

    Profile = the stored distance to NL (``z``, robust sd of the COROP areas) of every directed primary
    indicator of the broad-welfare themes; closeness = root mean square difference over the indicators both
    have (at least ``PEER_MIN_OVERLAP`` of the region's). COROP areas inside the region are dropped afterwards.
    """
    cat = primary_directed(catalogue)
    ids = set(cat.loc[cat["theme_group"].isin(("hier_en_nu", "later")), "indicator_id"])
    comp = comparisons[comparisons["indicator_id"].isin(ids) & comparisons["z"].notna()]
    corop = comp[comp["subject_kind"] == "CR"].pivot_table(index="subject_id", columns="indicator_id", values="z")
    rows = []
    for (rid, delin), part in comp[comp["subject_kind"] == "regio"].groupby(["subject_id", "delineation"], sort=False):
        profile = part.set_index("indicator_id")["z"]
        both = corop.reindex(columns=profile.index)
        overlap = both.notna().sum(axis=1)
        diff = both.sub(profile, axis=1)
        rms = np.sqrt((diff**2).mean(axis=1, skipna=True))
        ok = overlap >= PEER_MIN_OVERLAP * len(profile)
        candidates = rms[ok].sort_values()
        for rank, (code, dist) in enumerate(candidates.head(N_PEERS + 3).items(), start=1):
            rows.append({"region_id": rid, "delineation": delin, "peer_code": code, "peer_rank": rank,
                         "distance": float(dist), "n_indicators": int(overlap[code])})
    return pd.DataFrame(rows, columns=["region_id", "delineation", "peer_code", "peer_rank", "distance", "n_indicators"])


# ------------------------------------------------------------------------------------------------------
# Dispersion (spreiding)
# ------------------------------------------------------------------------------------------------------


def _gm_panel(ctx: Context, indicator_id: str) -> pd.DataFrame | None:
    """A balanced gemeente panel (gemeenten with a value in every year of the window) covering enough people.

    The window starts at the first year with gemeente data and is shortened from the start until the panel
    covers ``PARAMS.gm_dekking`` of the population in every year."""
    table = ctx.gm.get(indicator_id)
    if table is None:
        return None
    table = table.reindex(ctx.gm_codes)
    years = sorted(int(c) for c in table.columns)
    while len(years) >= rules.PARAMS.min_jaren_spreiding:
        panel = table[years].dropna()
        shares = [float(ctx.weights(panel.index, y).sum() / ctx.weights(ctx.gm_codes, y).sum()) for y in years]
        if panel.shape[0] >= rules.PARAMS.min_corop and min(shares) >= rules.PARAMS.gm_dekking:
            return panel
        years = years[1:]
    return None


def build_dispersion(ctx: Context) -> pd.DataFrame:
    """The ``dispersion`` table for every indicator with a direction."""
    rows = []
    corop_pop = ctx.population.groupby(pd.Series(ctx.gm_corop)).sum()
    for indicator_id in primary_directed(ctx.catalogue)["indicator_id"].tolist() + \
            ctx.catalogue[ctx.catalogue["twin_of"].notna() & (ctx.catalogue["direction"] != "neutral")].index.tolist():
        crs = ctx.corop_series.get(indicator_id)
        if crs is not None:
            for period, values in crs.iterrows():
                vals = values.dropna()
                if len(vals) < rules.PARAMS.min_corop:
                    continue
                col = int(period) if int(period) in corop_pop.columns else min(
                    corop_pop.columns, key=lambda y: abs(int(y) - int(period)))
                w = corop_pop[col].reindex(vals.index)
                cv, ratio = rules.dispersion(vals.to_numpy(), w.to_numpy())
                rows.append({"indicator_id": indicator_id, "level": "CR", "period": int(period), "cv": cv,
                             "p90_p10": ratio, "n_areas": len(vals), "population_share": float(w.sum() / corop_pop[col].sum())})
        panel = _gm_panel(ctx, indicator_id)
        if panel is not None:
            for period in panel.columns:
                w = ctx.weights(panel.index, int(period))
                cv, ratio = rules.dispersion(panel[period].to_numpy(), w.to_numpy())
                rows.append({"indicator_id": indicator_id, "level": "GM", "period": int(period), "cv": cv,
                             "p90_p10": ratio, "n_areas": int(panel.shape[0]),
                             "population_share": float(w.sum() / ctx.weights(ctx.gm_codes, int(period)).sum())})
    return pd.DataFrame(rows, columns=["indicator_id", "level", "period", "cv", "p90_p10", "n_areas", "population_share"])


# ------------------------------------------------------------------------------------------------------
# Claims
# ------------------------------------------------------------------------------------------------------


def indicator_set(ctx: Context, name: str) -> list[str]:
    """Named indicator sets of the register.

    ``brede_welvaart``: the indicators of CBS's Regionale Monitor Brede Welvaart with a direction that the
    catalogue does not mark as uncertain, each through its official StatLine twin where the catalogue has one.
    """
    if name != "brede_welvaart":
        raise KeyError(name)
    cat = ctx.catalogue
    rmbw = cat[(cat["source_table"] == "RMBW") & (cat["direction"] != "neutral")]
    rmbw = rmbw[~rmbw["uncertain"].fillna("").str.startswith("Richting onzeker")]
    ids = [str(row.twin_of) if isinstance(row.twin_of, str) else row.indicator_id for row in rmbw.itertuples()]
    return list(dict.fromkeys(ids))


def claim_indicators(ctx: Context, claim: Claim) -> list[str]:
    """The indicators a claim's test uses."""
    test = claim.test
    assert test is not None
    ids = indicator_set(ctx, test.indicator_set) if test.indicator_set else list(claim.indicators)
    return [i for i in ids if i in ctx.catalogue.index]


def claim_subjects(ctx: Context, claim: Claim, exact: Mapping[tuple[str, str], str]) -> list[tuple[Subject, bool]]:
    """(subject, is_default_delineation) for the claim's regions (every delineation), else its CR/PV codes."""
    out = []
    for rid in claim.regions:
        info = ctx.regions_info.get(rid)
        if info is None or rid == "nederland":
            continue
        out += [(Subject(rid, "regio", d, exact.get((rid, d))), d == info.default_delineation) for d in info.delineations]
    if not out:
        out = [(Subject(code, code[:2], None, code), True) for code in claim.area_codes if code[:2] in ("CR", "PV")]
    return out


def _evidence(claim: Claim, subject: Subject | None, indicator_id: str | None, level: str | None, **values: Any) -> dict:
    test = claim.test
    assert test is not None
    outcome = values.get("outcome")
    agrees = None if outcome in rules.NOT_JUDGED else outcome in rules.AGREES[(test.kind, test.expect)]
    return {"claim_id": claim.id, "region_id": subject.id if subject else None,
            "delineation": subject.delineation if subject else None, "indicator_id": indicator_id, "level": level,
            "test": test.kind, "period_from": None, "period_to": None, "value_from": None, "value_to": None,
            "nl_from": None, "nl_to": None, "statistic": None, "threshold": None, "note": None,
            **values, "agrees": agrees}


def _pairs_niveau(ctx: Context, claim: Claim, subject: Subject, comps: Mapping[tuple, dict]) -> list[dict]:
    rows = []
    for iid in claim_indicators(ctx, claim):
        comp = comps.get((subject.id, subject.delineation, iid))
        if comp is None:
            rows.append(_evidence(claim, subject, iid, None, outcome=rules.NIET_TOETSBAAR, note="geen cijfer"))
            continue
        note = comp["niveau_reason"] or None
        rows.append(_evidence(claim, subject, iid, None, period_to=comp["period"], value_to=comp["value"],
                              nl_to=comp["nl_value"], statistic=comp["z"],
                              threshold=rules.PARAMS.niveau_drempel, outcome=comp["niveau"], note=note))
    return rows


def _pairs_achterstand(ctx: Context, claim: Claim, subject: Subject) -> list[dict]:
    test = claim.test
    assert test is not None
    rows = []
    for iid in claim_indicators(ctx, claim):
        trend, (periods, values, nl) = gap_trend(ctx, subject, iid, test.window, test.sign)
        if not len(periods):
            rows.append(_evidence(claim, subject, iid, None, outcome=rules.NIET_TOETSBAAR, note="geen cijfers"))
            continue
        rows.append(_evidence(claim, subject, iid, None, period_from=int(periods[0]), period_to=int(periods[-1]),
                              value_from=float(values[0]), value_to=float(values[-1]),
                              nl_from=float(nl[0]), nl_to=float(nl[-1]), statistic=trend.change,
                              threshold=trend.threshold, outcome=trend.outcome))
    return rows


def _window_values(series: pd.Series, window: tuple[int, int] | None) -> pd.Series:
    s = series.dropna()
    if window is not None:
        s = s[(s.index >= window[0]) & (s.index <= window[1])]
    return s


def _pairs_ontwikkeling(ctx: Context, claim: Claim, subject: Subject) -> list[dict]:
    test = claim.test
    assert test is not None
    rows = []
    for iid in claim_indicators(ctx, claim):
        reg = _window_values(ctx.series(subject, iid).as_series(), test.window)
        nl = _window_values(ctx.nl.get(iid, pd.Series(dtype=float)), test.window)
        years = sorted(set(reg.index) & set(nl.index))
        if len(years) < 2:
            rows.append(_evidence(claim, subject, iid, None, outcome=rules.TE_WEINIG_JAREN, note="minder dan twee jaren"))
            continue
        y0, y1 = years[0], years[-1]
        crs = ctx.corop_series.get(iid)
        corop_changes = []
        if crs is not None and y0 in crs.index and y1 in crs.index:
            corop_changes = [rules.relative_change(a, b) for a, b in zip(crs.loc[y0], crs.loc[y1], strict=True)]
        change, nl_change = rules.relative_change(reg[y0], reg[y1]), rules.relative_change(nl[y0], nl[y1])
        result = rules.ontwikkeling(change, nl_change, corop_changes, ctx.sign(iid, test.sign))
        rows.append(_evidence(claim, subject, iid, None, period_from=y0, period_to=y1, value_from=float(reg[y0]),
                              value_to=float(reg[y1]), nl_from=float(nl[y0]), nl_to=float(nl[y1]),
                              statistic=result.z, threshold=rules.PARAMS.ontwikkeling_drempel, outcome=result.outcome,
                              note=f"regio {change:+.1%}, Nederland {nl_change:+.1%}".replace(".", ",")
                              if math.isfinite(change) and math.isfinite(nl_change) else None))
    return rows


def _pairs_spreiding(ctx: Context, claim: Claim, dispersion_frame: pd.DataFrame) -> list[dict]:
    test = claim.test
    assert test is not None
    rows = []
    by_key = {k: g.sort_values("period") for k, g in dispersion_frame.groupby(["indicator_id", "level"])}
    for iid in claim_indicators(ctx, claim):
        for level in test.levels:
            part = by_key.get((iid, level))
            if part is None:
                rows.append(_evidence(claim, None, iid, level, outcome=rules.TE_WEINIG_JAREN,
                                      note=f"geen reeks over de {LEVEL_NL[level]}"))
                continue
            if test.window is not None:
                part = part[(part["period"] >= test.window[0]) & (part["period"] <= test.window[1])]
            trend = rules.spreiding(part["period"], part["cv"])
            rows.append(_evidence(claim, None, iid, level, period_from=trend.period_from, period_to=trend.period_to,
                                  value_from=trend.first, value_to=trend.last, statistic=trend.rel_change,
                                  threshold=rules.PARAMS.spreiding_drempel, outcome=trend.outcome,
                                  note=f"{trend.n_years} jaren, {LEVEL_NL[level]}"))
    return rows


def group_members(ctx: Context, spec: Mapping[str, Any], exact: Mapping[tuple[str, str], str]) -> list[str]:
    """Gemeente codes matching a group filter: ``stedelijkheid`` (list of CBS classes), ``in_groep`` /
    ``buiten_groep`` (a region group such as 'tien', in each region's default delineation)."""
    codes = list(ctx.gm_codes)
    if "stedelijkheid" in spec:
        wanted = set(spec["stedelijkheid"])
        codes = [c for c in codes if ctx.stedelijkheid.get(c) in wanted]
    for key, inside in (("in_groep", True), ("buiten_groep", False)):
        if key in spec:
            group = set()
            for info in ctx.regions_info.values():
                if spec[key] in info.groups:
                    group |= set(ctx.members_of(info.region_id, info.default_delineation))
            codes = [c for c in codes if (c in group) == inside]
    return codes


def _pairs_groep(ctx: Context, claim: Claim, exact: Mapping[tuple[str, str], str]) -> list[dict]:
    test = claim.test
    assert test is not None
    a, b = (group_members(ctx, test.groups[k], exact) for k in ("a", "b"))
    rows = []
    for iid in claim_indicators(ctx, claim):
        table = ctx.gm.get(iid)
        sign = ctx.sign(iid, test.sign)
        if table is None or table.empty:
            rows.append(_evidence(claim, None, iid, "GM", outcome=rules.NIET_TOETSBAAR, note="geen gemeentecijfers"))
            continue
        period = int(max(table.columns))
        values = table[period]
        means = []
        for codes in (a, b):
            v = values.reindex(codes)
            w = ctx.weights(codes, period)
            covered = float(w[v.notna()].sum() / w.sum()) if w.sum() else 0.0
            means.append(rules.weighted_mean(v, w) if covered >= 0.5 else math.nan)
        result = rules.groep(means[0], means[1], values.dropna().to_numpy(), sign)
        rows.append(_evidence(claim, None, iid, "GM", period_to=period, value_to=means[0], nl_to=means[1],
                              statistic=result.z, threshold=rules.PARAMS.groep_drempel, outcome=result.outcome,
                              note=f"groep A {len(a)}, groep B {len(b)} gemeenten"))
    return rows


def _verdict_row(claim: Claim, subject: Subject | None, evidence: list[dict], method: str) -> dict:
    test = claim.test
    assert test is not None
    judged = [e for e in evidence if e["agrees"] is not None]
    n, k = len(judged), sum(bool(e["agrees"]) for e in judged)
    label = rules.verdict_label(n, k)
    missing = len(evidence) - n
    expect = EXPECT_NL[(test.kind, test.expect)]
    if n == 0:
        summary = f"Niet toetsbaar: voor geen enkel paar zijn bruikbare cijfers ({len(evidence)} zonder gegevens)."
    else:
        summary = (f"De claim verwacht {expect}; {k} van de {n} getoetste paren wijzen die kant op"
                   + (f" ({missing} paren zonder bruikbare cijfers)." if missing else "."))
    return {"claim_id": claim.id, "region_id": subject.id if subject else None,
            "delineation": subject.delineation if subject else None, "test": test.kind, "expect": test.expect,
            "label": label, "n_pairs": n, "n_agree": k, "verdict_nl": rules.verdict_text(n, k), "summary_nl": summary,
            "method_nl": method}


def _method(ctx: Context, claim: Claim) -> str:
    test = claim.test
    assert test is not None
    parts = [f"Toets: {TEST_NAMES_NL[test.kind]}; verwacht: {EXPECT_NL[(test.kind, test.expect)]}."]
    if test.indicator_set == "brede_welvaart":
        parts.append("Indicatoren: de indicatoren van de CBS Regionale Monitor Brede Welvaart met een richting.")
    if test.window:
        parts.append(f"Venster {test.window[0]}–{test.window[1]}.")
    if test.kind == "groep":
        parts.append(f"Groep A: {test.groups['a'].get('label', 'A')}; groep B: {test.groups['b'].get('label', 'B')}.")
    if test.note:
        parts.append(test.note)
    return " ".join(parts)


def untestable_row(claim: Claim) -> dict:
    """The verdict of a claim without a data test."""
    reason = claim.untestable or "De claim doet geen uitspraak die met deze cijfers te toetsen is."
    return {"claim_id": claim.id, "region_id": None, "delineation": None, "test": None, "expect": None,
            "label": rules.UNTESTABLE, "n_pairs": 0, "n_agree": 0, "verdict_nl": rules.UNTESTABLE,
            "summary_nl": reason, "method_nl": ""}


def test_claims(ctx: Context, claims: Sequence[Claim], comparisons: pd.DataFrame, dispersion_frame: pd.DataFrame,
                exact: Mapping[tuple[str, str], str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``claim_verdicts`` and ``claim_evidence`` tables."""
    comps = {(r["subject_id"], r["delineation"] if r["subject_kind"] == "regio" else None, r["indicator_id"]): r
             for r in comparisons.to_dict("records")}
    verdicts, evidence = [], []
    for claim in claims:
        test = claim.test
        if test is None:
            verdicts.append(untestable_row(claim))
            continue
        method = _method(ctx, claim)
        if test.kind in ("spreiding", "groep"):
            rows = _pairs_spreiding(ctx, claim, dispersion_frame) if test.kind == "spreiding" else _pairs_groep(ctx, claim, exact)
            evidence += rows
            verdicts.append(_verdict_row(claim, None, rows, method))
            continue
        whole: list[dict] = []
        for subject, is_default in claim_subjects(ctx, claim, exact):
            if test.kind == "niveau":
                rows = _pairs_niveau(ctx, claim, subject, comps)
            elif test.kind == "achterstand":
                rows = _pairs_achterstand(ctx, claim, subject)
            else:
                rows = _pairs_ontwikkeling(ctx, claim, subject)
            evidence += rows
            verdicts.append(_verdict_row(claim, subject, rows, method))
            if is_default:
                whole += rows
        verdicts.append(_verdict_row(claim, None, whole, method))
    ev = pd.DataFrame(evidence, columns=["claim_id", "region_id", "delineation", "indicator_id", "level", "test",
                                         "period_from", "period_to", "value_from", "value_to", "nl_from", "nl_to",
                                         "statistic", "threshold", "outcome", "agrees", "note"])
    verdict_columns = ["claim_id", "region_id", "delineation", "test", "expect", "label", "n_pairs", "n_agree",
                       "verdict_nl", "summary_nl", "method_nl"]
    return pd.DataFrame(verdicts, columns=verdict_columns), ev


# ------------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------------


def claims_table(claims: Sequence[Claim], document_titles: Mapping[str, str]) -> pd.DataFrame:
    """The register itself in the store, so exports carry each verdict with its quote and source."""
    return pd.DataFrame([{
        "claim_id": c.id, "document": c.document, "document_title": document_titles.get(c.document, c.document),
        "section": c.section, "quote": c.quote, "paraphrase": c.paraphrase, "kind": c.kind,
        "regions": ",".join(c.regions), "indicators": ",".join(c.indicators), "topic": c.topic,
        "test": c.test.kind if c.test else None, "expect": c.test.expect if c.test else None,
        "test_note": c.test.note if c.test else None,
    } for c in claims], columns=["claim_id", "document", "document_title", "section", "quote", "paraphrase", "kind",
                                 "regions", "indicators", "topic", "test", "expect", "test_note"])


def run(frames: Mapping[str, pd.DataFrame], population: pd.DataFrame, intervals: pd.DataFrame,
        catalogue: pd.DataFrame, regions_info: Sequence[RegionInfo], claims: Sequence[Claim],
        exact: Mapping[tuple[str, str], str], theme_order: Sequence[str],
        document_titles: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """All engine tables from the build's frames (see the module docstring)."""
    ctx = Context(frames, population, intervals, catalogue, regions_info)
    comparisons = build_comparisons(ctx, subjects(ctx, frames["regions"], exact))
    overview = build_theme_overview(comparisons, catalogue, theme_order)
    peers = build_peers(comparisons, catalogue)
    peers = _without_own_corop(peers, ctx)
    disp = build_dispersion(ctx)
    verdicts, evidence = test_claims(ctx, claims, comparisons, disp, exact)
    return {"comparisons": comparisons, "theme_overview": overview, "dispersion": disp, "peers": peers,
            "claims": claims_table(claims, document_titles or {}), "claim_verdicts": verdicts, "claim_evidence": evidence}


def _without_own_corop(peers: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Drop COROP areas that lie (mostly) inside the region itself, keep the five closest others."""
    keep = []
    for (rid, delin), part in peers.groupby(["region_id", "delineation"], sort=False):
        own = {ctx.gm_corop[g] for g in ctx.members_of(rid, delin) if g in ctx.gm_corop}
        part = part[~part["peer_code"].isin(own)].head(N_PEERS).copy()
        part["peer_rank"] = range(1, len(part) + 1)
        keep.append(part)
    return pd.concat(keep, ignore_index=True) if keep else peers
