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
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from seeds import rules
from seeds.claims import Claim

ENGINE_SCHEMA = """
CREATE TABLE comparisons (
    subject_id VARCHAR, subject_kind VARCHAR, delineation VARCHAR, indicator_id VARCHAR, period INTEGER,
    value DOUBLE, nl_value DOUBLE, index_nl DOUBLE, diff DOUBLE, robust_sd DOUBLE, z DOUBLE,
    ci_low DOUBLE, ci_high DOUBLE, niveau VARCHAR, niveau_reason VARCHAR, niveau_neutral BOOLEAN, rank INTEGER,
    n_ranked INTEGER,
    method VARCHAR, source_table VARCHAR, coverage DOUBLE,
    kloof_from INTEGER, kloof_to INTEGER, kloof_years INTEGER, gap_first DOUBLE, gap_last DOUBLE,
    gap_slope DOUBLE, gap_change DOUBLE, gap_threshold DOUBLE, kloof VARCHAR, gap_per_decade DOUBLE
);
CREATE TABLE theme_overview (
    region_id VARCHAR, delineation VARCHAR, theme VARCHAR, theme_name VARCHAR, theme_group VARCHAR,
    sort_order INTEGER, n_indicators INTEGER, n_beter INTEGER, n_gelijk INTEGER, n_slechter INTEGER,
    n_kloof_gunstig INTEGER, n_kloof_stabiel INTEGER, n_kloof_ongunstig INTEGER, indicators VARCHAR
);
CREATE TABLE dispersion (
    indicator_id VARCHAR, level VARCHAR, period INTEGER, cv DOUBLE, p90_p10 DOUBLE, sd DOUBLE, n_areas INTEGER,
    population_share DOUBLE
);
CREATE TABLE peers (
    region_id VARCHAR, delineation VARCHAR, peer_code VARCHAR, peer_rank INTEGER, distance DOUBLE,
    n_indicators INTEGER
);
CREATE TABLE claims (
    claim_id VARCHAR PRIMARY KEY, document VARCHAR, document_title VARCHAR, section VARCHAR, quote VARCHAR,
    paraphrase VARCHAR, kind VARCHAR, regions VARCHAR, indicators VARCHAR, topic VARCHAR, test VARCHAR,
    expect VARCHAR, test_note VARCHAR, group_id VARCHAR, cause BOOLEAN
);
CREATE TABLE claim_verdicts (
    claim_id VARCHAR, region_id VARCHAR, delineation VARCHAR, test VARCHAR, expect VARCHAR, label VARCHAR,
    n_indicators INTEGER, n_support INTEGER, n_contra INTEGER, n_neutral INTEGER, verdict_nl VARCHAR,
    summary_nl VARCHAR, method_nl VARCHAR, window_from INTEGER, window_to INTEGER, window_nl VARCHAR,
    robust BOOLEAN, robustness_nl VARCHAR, group_id VARCHAR, cause_nl VARCHAR
);
CREATE TABLE claim_evidence (
    claim_id VARCHAR, region_id VARCHAR, delineation VARCHAR, indicator_id VARCHAR, level VARCHAR, test VARCHAR,
    period_from INTEGER, period_to INTEGER, value_from DOUBLE, value_to DOUBLE, nl_from DOUBLE, nl_to DOUBLE,
    statistic DOUBLE, threshold DOUBLE, outcome VARCHAR, effect DOUBLE, effect_alt DOUBLE, neutral BOOLEAN,
    direction INTEGER, agrees BOOLEAN, counted BOOLEAN, note VARCHAR
);
CREATE TABLE claim_indicator_effects (
    claim_id VARCHAR, region_id VARCHAR, delineation VARCHAR, indicator_id VARCHAR, theme VARCHAR, n_pairs INTEGER,
    effect DOUBLE, direction INTEGER, counted BOOLEAN, duplicate_of VARCHAR
);
"""
ENGINE_TABLES = ("comparisons", "theme_overview", "dispersion", "peers", "claims", "claim_verdicts", "claim_evidence",
                 "claim_indicator_effects")
N_PEERS = 5
PEER_MIN_OVERLAP = 0.7  # share of the region's profile indicators a COROP area must also have
OVERVIEW_GROUPS = ("hier_en_nu", "later", "voorzieningen")
TEST_NAMES_NL = {
    "niveau": "niveau ten opzichte van Nederland",
    "achterstand": "trend van de kloof tot Nederland",
    "spreiding": "spreiding tussen gebieden",
    "groep": "vergelijking van twee groepen gemeenten",
    "ontwikkeling": "eigen ontwikkeling tegenover die van Nederland",
    "krimp": "krimp van de bevolking",
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
    ("krimp", "krimpt"): "een krimpende bevolking",
    ("krimp", "groeit"): "een groeiende bevolking",
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
                 catalogue: pd.DataFrame, regions_info: Sequence[RegionInfo], area: pd.DataFrame | None = None) -> None:
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
        self.area = (area.pivot_table(index="region_code", columns="period", values="population")
                     if area is not None and len(area) else None)
        self._official = {(iid, code) for (iid, code), s in self.by_area.items() if len(s) and (s.methods == "cbs").all()}
        self._resolution = self._resolutions(obs)
        self.breaks = self._breaks()
        self._duplicates: dict[tuple[str, ...], dict[str, str]] = {}
        self._signs: dict[str, float | None] = {}

    def _resolutions(self, obs: pd.DataFrame) -> dict[str, float]:
        """Rounding unit per indicator: the catalogue's (from the build) or read from the CBS values."""
        if "resolution" in self.catalogue:
            known = {i: float(r) for i, r in self.catalogue["resolution"].items() if pd.notna(r)}
            if known:
                return known
        cbs = obs[obs["method"] == "cbs"]
        return {iid: rules.published_resolution(g["value"].to_numpy(dtype=float)) for iid, g in cbs.groupby("indicator_id")}

    def _breaks(self) -> dict[str, list[int]]:
        """Break years per indicator: the years its CBS table breaks (:func:`seeds.rules.series_breaks`)."""
        by_source: dict[str, dict[str, list[int]]] = {}
        for iid, table in self.corop_series.items():
            if iid not in self.catalogue.index:
                continue
            source = str(self.catalogue.loc[iid, "source_table"])
            by_source.setdefault(source, {})[iid] = rules.jump_years(table.to_numpy(dtype=float), list(table.index))
        out: dict[str, list[int]] = {}
        for candidates in by_source.values():
            years = rules.series_breaks(candidates)
            for iid in candidates:
                out[iid] = years
        return out

    # --- look-ups ----------------------------------------------------------------------------------
    def resolution(self, indicator_id: str) -> float:
        """The rounding unit CBS publishes the indicator in (NaN when unknown)."""
        return self._resolution.get(indicator_id, math.nan)

    def _cat(self, indicator_id: str, column: str, default: str = "") -> str:
        if column not in self.catalogue or indicator_id not in self.catalogue.index:
            return default
        value = self.catalogue.loc[indicator_id, column]
        return default if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)

    def unit(self, indicator_id: str) -> str:
        """The catalogue unit."""
        return self._cat(indicator_id, "unit")

    def aggregation(self, indicator_id: str) -> str:
        """The catalogue's aggregation rule (weighted_mean, area_weighted_mean, sum, median_approx, none)."""
        return self._cat(indicator_id, "aggregation", "weighted_mean")

    def label(self, indicator_id: str) -> str:
        """The Dutch label of an indicator."""
        return self._cat(indicator_id, "label_nl") or self._cat(indicator_id, "name_nl") or indicator_id

    def theme(self, indicator_id: str) -> str:
        """The indicator's theme id."""
        return self._cat(indicator_id, "theme")

    def span(self, indicator_id: str) -> tuple[int, int] | None:
        """First and last year with a NL value."""
        series = self.nl.get(indicator_id)
        if series is None or series.empty:
            return None
        return int(series.index.min()), int(series.index.max())

    def unbroken(self, indicator_id: str, window: tuple[int, int] | None) -> tuple[int, int] | None:
        """The longest part of ``window`` (default: the indicator's span) that no series break falls inside."""
        window = window or self.span(indicator_id)
        if window is None:
            return None
        return rules.segment_without_breaks(window, self.breaks.get(indicator_id, []))

    def area_weights(self, codes: Iterable[str], period: int) -> pd.Series:
        """Land area of gemeenten (the nearest year with one); population when the build has no areas."""
        if self.area is None:
            return self.weights(codes, period)
        years = np.array(self.area.columns)
        col = self.area[int(period)] if int(period) in self.area.columns else self.area[years[np.argmin(np.abs(years - int(period)))]]
        return col.reindex(list(codes))

    def duplicates(self, indicator_ids: tuple[str, ...]) -> dict[str, str]:
        """Near-duplicate indicators among ``indicator_ids`` (|ρ| ≥ 0.95 over the COROP areas, latest full year
        of each): indicator → the earlier one it counts with."""
        if indicator_ids not in self._duplicates:
            table = {}
            for iid in indicator_ids:
                crs = self.corop_series.get(iid)
                if crs is None:
                    continue
                full = crs[crs.notna().sum(axis=1) >= rules.PARAMS.min_corop]
                if len(full):
                    table[iid] = full.iloc[-1]
            frame = pd.DataFrame(table)
            self._duplicates[indicator_ids] = rules.near_duplicates(frame, list(frame.columns)) if len(frame.columns) else {}
        return self._duplicates[indicator_ids]

    def window_series(self, subject: Subject, indicator_id: str, window: tuple[int, int] | None
                      ) -> tuple[np.ndarray, np.ndarray, str | None]:
        """(periods, values, note) of a subject within a window, from a constant set of areas.

        CBS's own series where CBS publishes the area; otherwise the member gemeenten that have a value in every
        year of the window, aggregated with the catalogue rule, as long as they cover ``gm_dekking`` of the
        population (the window is shortened from the start until they do).
        """
        code = subject.official_code or (subject.id if subject.kind in ("CR", "PV", "NL", "GM") else None)
        if code is not None and (indicator_id, code) in self._official:
            s = self.by_area[(indicator_id, code)]
            keep = np.ones(len(s), dtype=bool) if window is None else (s.periods >= window[0]) & (s.periods <= window[1])
            return s.periods[keep], s.values[keep], None
        members = subject.members(self)
        rule = self.aggregation(indicator_id)
        union = self._corop_union(members)
        if union and rule != "none" and all((indicator_id, c) in self._official for c in union):
            return self._from_official_corop(union, indicator_id, window, rule)
        table = self.gm.get(indicator_id)
        if not members or table is None or rule == "none":
            if subject.kind == "set":
                return np.array([], dtype=int), np.array([]), "geen gemeentecijfers"
            s = self.series(subject, indicator_id)
            keep = np.ones(len(s), dtype=bool) if window is None else (s.periods >= window[0]) & (s.periods <= window[1])
            return s.periods[keep], s.values[keep], None
        part = table.reindex(members)
        years = [int(y) for y in part.columns if (window is None or window[0] <= int(y) <= window[1])
                 and part[y].notna().any()]
        if len(years) < 2:
            return np.array([], dtype=int), np.array([]), "te weinig jaren met gemeentecijfers in het venster"
        have = part[years].notna().to_numpy()
        pop = np.column_stack([self.weights(members, y).to_numpy(dtype=float) for y in years])
        pop = np.nan_to_num(pop)
        weights = pop if rule != "area_weighted_mean" else np.nan_to_num(np.column_stack(
            [self.area_weights(members, y).to_numpy(dtype=float) for y in years]))
        vals = part[years].to_numpy(dtype=float)
        start = 0
        while len(years) - start >= 2:
            complete = have[:, start:].all(axis=1)
            totals = pop[:, start:].sum(axis=0)
            shares = pop[complete, start:].sum(axis=0) / np.where(totals > 0, totals, np.nan)
            if complete.any() and np.nanmin(shares) >= rules.PARAMS.gm_dekking:
                v, w = vals[complete, start:], weights[complete, start:]
                values = v.sum(axis=0) if rule == "sum" else (v * w).sum(axis=0) / w.sum(axis=0)
                n = int(complete.sum())
                note = None if n == len(members) else \
                    f"vaste set van {n} van {len(members)} gemeenten ({float(np.nanmin(shares)):.0%} van de inwoners)"
                return np.array(years[start:]), values, note
            start += 1
        return np.array([], dtype=int), np.array([]), "te weinig gemeenten met een cijfer in elk jaar"

    def _corop_union(self, members: Sequence[str]) -> list[str]:
        """The COROP areas whose gemeenten together are exactly ``members`` (empty when they are not)."""
        if not members:
            return []
        corops = sorted({self.gm_corop.get(g) for g in members} - {None})
        whole = {g for g, c in self.gm_corop.items() if c in corops}
        return corops if whole == set(members) else []

    def _from_official_corop(self, corops: Sequence[str], indicator_id: str, window: tuple[int, int] | None,
                             rule: str) -> tuple[np.ndarray, np.ndarray, str | None]:
        """A subject that is a union of COROP areas, from CBS's own COROP series (population-weighted)."""
        table = self.corop_series[indicator_id].reindex(columns=list(corops))
        if window is not None:
            table = table[(table.index >= window[0]) & (table.index <= window[1])]
        table = table.dropna()
        if table.empty:
            return np.array([], dtype=int), np.array([]), None
        values = []
        for year, row in table.iterrows():
            w = np.array([self.weights([g for g, c in self.gm_corop.items() if c == cr], int(year)).sum() for cr in corops])
            values.append(float(row.sum()) if rule == "sum" else float(np.sum(row.to_numpy() * w) / np.sum(w)))
        return (np.array(table.index, dtype=int), np.array(values),
                f"uit de CBS-cijfers van {len(corops)} COROP-gebieden, bevolkingsgewogen")

    def sign(self, indicator_id: str, override: float | None = None) -> float | None:
        """+1 / -1 from the catalogue direction (or the test's override for neutral indicators)."""
        if override is not None:
            return float(override)
        if indicator_id not in self._signs:
            self._signs[indicator_id] = rules.SIGN.get(str(self.catalogue.loc[indicator_id, "direction"]))
        return self._signs[indicator_id]

    def members_of(self, region_id: str, delineation: str) -> list[str]:
        """Gemeente codes of a region delineation."""
        return self._members.get((region_id, delineation), [])

    def series(self, subject: Subject, indicator_id: str) -> Series:
        """The subject's values of one indicator over time (for a set of gemeenten: from a constant set)."""
        if subject.kind == "set":
            periods, values, _ = self.window_series(subject, indicator_id, None)
            n = len(periods)
            method = "derived:" + ("som" if self.aggregation(indicator_id) == "sum" else "gewogen_gemiddelde_vaste_set")
            return Series(np.asarray(periods, dtype=int), np.asarray(values, dtype=float), np.array([method] * n, dtype=object),
                          np.array([self._cat(indicator_id, "source_table")] * n, dtype=object), np.full(n, math.nan))
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
        key = (tuple(codes.tolist() if hasattr(codes, "tolist") else codes), int(period))
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
    codes: tuple[str, ...] = ()  # kind 'set': the gemeenten of an area a claim names (e.g. Regio Groningen-Assen)

    def members(self, ctx: Context) -> list[str]:
        """Gemeente codes that make up the subject."""
        if self.kind == "set":
            return list(self.codes)
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
              sign: float | None = None, constant_set: bool = False
              ) -> tuple[rules.Kloof, tuple[np.ndarray, np.ndarray, np.ndarray], str | None]:
    """The *achterstand* rule for one subject and indicator, the aligned (periods, values, NL) arrays and a note.

    ``constant_set``: derive the subject's series from a constant set of gemeenten (:meth:`Context.window_series`)."""
    if constant_set:
        periods, values, how = ctx.window_series(subject, indicator_id, window)
        nl = np.array([ctx.nl_value(indicator_id, p) for p in periods], dtype=float)
        keep = np.isfinite(nl) & np.isfinite(values)
        periods, values, nl = periods[keep], values[keep], nl[keep]
    else:
        (periods, values, nl), how = aligned(ctx, subject, indicator_id, window), None
    s = ctx.sign(indicator_id, sign)
    trend = rules.kloof(periods, values, nl, s, yardstick(ctx, indicator_id, periods), ctx.resolution(indicator_id))
    return trend, (periods, values, nl), how


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
    level = rules.niveau(value, nl, corop.to_numpy(dtype=float), sign, ci, ctx.corop_sd(indicator_id, period),
                         ctx.resolution(indicator_id))
    rank, n_ranked = _rank(corop, value, sign) if sign else (None, len(corop))
    trend, _, _ = gap_trend(ctx, subject, indicator_id, ctx.unbroken(indicator_id, None))
    return {
        "subject_id": subject.id, "subject_kind": subject.kind, "delineation": subject.delineation,
        "indicator_id": indicator_id, "period": period, "value": value, "nl_value": nl,
        "index_nl": level.index, "diff": level.diff, "robust_sd": level.robust_sd, "z": level.z,
        "ci_low": level.ci_low, "ci_high": level.ci_high, "niveau": level.outcome, "niveau_reason": level.reason,
        "niveau_neutral": level.neutral,
        "rank": rank, "n_ranked": n_ranked if sign else None, "method": series.methods[i],
        "source_table": series.sources[i], "coverage": float(series.coverage[i]),
        "kloof_from": trend.period_from, "kloof_to": trend.period_to, "kloof_years": trend.n_years,
        "gap_first": trend.gap_first, "gap_last": trend.gap_last, "gap_slope": trend.slope,
        "gap_change": trend.change, "gap_threshold": trend.threshold, "kloof": trend.outcome,
        "gap_per_decade": trend.per_decade,
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


def corop_dispersion(ctx: Context, indicator_id: str, exclude: Sequence[str] = ()) -> pd.DataFrame:
    """Per year the weighted spread over the COROP areas (without ``exclude``), for years in which the areas
    with a value cover ``gm_dekking`` of the population (of the areas considered)."""
    rows = []
    crs = ctx.corop_series.get(indicator_id)
    corop_pop = ctx.population.groupby(pd.Series(ctx.gm_corop)).sum()
    corop_pop = corop_pop.drop(index=[c for c in exclude if c in corop_pop.index])
    if crs is not None:
        for period, values in crs.iterrows():
            vals = values.drop(labels=[c for c in exclude if c in values.index]).dropna()
            if len(vals) < rules.PARAMS.min_corop:
                continue
            col = int(period) if int(period) in corop_pop.columns else min(
                corop_pop.columns, key=lambda y: abs(int(y) - int(period)))
            w = corop_pop[col].reindex(vals.index)
            share = float(w.sum() / corop_pop[col].sum())
            if share < rules.PARAMS.gm_dekking:
                continue
            cv, ratio, sd = rules.spread_statistics(vals.to_numpy(), w.to_numpy())
            rows.append({"indicator_id": indicator_id, "level": "CR", "period": int(period), "cv": cv,
                         "p90_p10": ratio, "sd": sd, "n_areas": len(vals), "population_share": share})
    return pd.DataFrame(rows, columns=DISPERSION_COLUMNS)


DISPERSION_COLUMNS = ["indicator_id", "level", "period", "cv", "p90_p10", "sd", "n_areas", "population_share"]


def build_dispersion(ctx: Context) -> pd.DataFrame:
    """The ``dispersion`` table for every indicator with a direction: per level and year the weighted CV, P90/P10
    and standard deviation. COROP years count only when the areas with a value cover ``gm_dekking`` of the
    population, as at gemeente level (a balanced panel there)."""
    parts = []
    for indicator_id in primary_directed(ctx.catalogue)["indicator_id"].tolist() + \
            ctx.catalogue[ctx.catalogue["twin_of"].notna() & (ctx.catalogue["direction"] != "neutral")].index.tolist():
        parts.append(corop_dispersion(ctx, indicator_id))
        panel = _gm_panel(ctx, indicator_id)
        if panel is not None:
            rows = []
            for period in panel.columns:
                w = ctx.weights(panel.index, int(period))
                cv, ratio, sd = rules.spread_statistics(panel[period].to_numpy(), w.to_numpy())
                rows.append({"indicator_id": indicator_id, "level": "GM", "period": int(period), "cv": cv,
                             "p90_p10": ratio, "sd": sd, "n_areas": int(panel.shape[0]),
                             "population_share": float(w.sum() / ctx.weights(ctx.gm_codes, int(period)).sum())})
            parts.append(pd.DataFrame(rows, columns=DISPERSION_COLUMNS))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=DISPERSION_COLUMNS)


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


def min_indicators(claim: Claim) -> int:
    """Judged indicators a claim needs: ``min_indicatoren``, or fewer when the claim itself names fewer."""
    test = claim.test
    if test is not None and test.indicator_set is None:
        return max(1, min(rules.PARAMS.min_indicatoren, len(claim.indicators)))
    return rules.PARAMS.min_indicatoren


def claim_subjects(ctx: Context, claim: Claim, exact: Mapping[tuple[str, str], str]) -> list[tuple[Subject, bool]]:
    """(subject, is_default_delineation) for the claim's regions (every delineation), else its CR/PV codes."""
    test = claim.test
    if test is not None and test.on_area:
        codes = tuple(c for c in claim.area_codes if c.startswith("GM"))
        return [(Subject(test.area_name or "gebied", "set", None, None, codes), True)]
    out = []
    for rid in claim.regions:
        info = ctx.regions_info.get(rid)
        if info is None or rid == "nederland":
            continue
        delins = info.delineations
        if claim.test is not None and claim.test.delineation and claim.test.delineation in delins:
            delins = (claim.test.delineation,)
        default = claim.test.delineation if claim.test is not None and claim.test.delineation in delins else \
            info.default_delineation
        out += [(Subject(rid, "regio", d, exact.get((rid, d))), d == default) for d in delins]
    if not out:
        out = [(Subject(code, code[:2], None, code), True) for code in claim.area_codes if code[:2] in ("CR", "PV")]
    return out


def claim_window(ctx: Context, claim: Claim) -> tuple[int, int] | None:
    """The one window of a claim: the register's, else the span of the claim's indicators in the store."""
    test = claim.test
    assert test is not None
    if test.window is not None:
        return test.window
    if test.kind in ("niveau", "groep"):
        return None
    spans = [ctx.span(i) for i in claim_indicators(ctx, claim)]
    spans = [s for s in spans if s is not None]
    if not spans:
        return None
    return int(np.median([s[0] for s in spans])), int(np.median([s[1] for s in spans]))


EVIDENCE_COLUMNS = ["claim_id", "region_id", "delineation", "indicator_id", "level", "test", "period_from",
                    "period_to", "value_from", "value_to", "nl_from", "nl_to", "statistic", "threshold", "outcome",
                    "effect", "effect_alt", "neutral", "direction", "agrees", "counted", "note"]


def _evidence(claim: Claim, subject: Subject | None, indicator_id: str | None, level: str | None, **values: Any) -> dict:
    """One evidence row. ``statistic`` is the pair's measure with a fixed sign (positive = better for the region,
    gap moved its way, spread grew, group A better, population grew); ``effect`` is it in the claim's direction."""
    test = claim.test
    assert test is not None
    claim_sign, _ = rules.EXPECTATIONS[(test.kind, test.expect)]
    outcome = values.get("outcome")
    statistic = values.get("statistic")
    judged = outcome not in rules.NOT_JUDGED and statistic is not None and math.isfinite(float(statistic))
    row = {"claim_id": claim.id, "region_id": subject.id if subject else None,
           "delineation": subject.delineation if subject else None, "indicator_id": indicator_id, "level": level,
           "test": test.kind, "period_from": None, "period_to": None, "value_from": None, "value_to": None,
           "nl_from": None, "nl_to": None, "statistic": None, "threshold": None, "note": None, "neutral": False,
           "effect_alt": math.nan, "counted": True, **values}
    row["effect"] = claim_sign * float(statistic) if judged else math.nan
    if judged and values.get("statistic_alt") is not None:
        row["effect_alt"] = claim_sign * float(values["statistic_alt"])
    row.pop("statistic_alt", None)
    row["neutral"] = bool(row["neutral"])
    return row


def _note(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


def _pairs_niveau(ctx: Context, claim: Claim, subject: Subject, comps: Mapping[tuple, dict]) -> list[dict]:
    rows = []
    for iid in claim_indicators(ctx, claim):
        comp = compare(ctx, subject, iid) if subject.kind == "set" else comps.get((subject.id, subject.delineation, iid))
        if comp is None:
            rows.append(_evidence(claim, subject, iid, None, outcome=rules.NIET_TOETSBAAR,
                                  note=_set_coverage(ctx, subject, iid) if subject.kind == "set" else "geen cijfer"))
            continue
        neutral = bool(comp.get("niveau_neutral"))
        rows.append(_evidence(claim, subject, iid, None, period_to=comp["period"], value_to=comp["value"],
                              nl_to=comp["nl_value"], statistic=comp["z"], threshold=rules.PARAMS.drempel,
                              outcome=comp["niveau"], neutral=neutral, note=comp["niveau_reason"] or None))
    return rows


def _set_coverage(ctx: Context, subject: Subject, indicator_id: str) -> str:
    """Why a set of gemeenten has no figure: how many of them CBS publishes the indicator for."""
    table = ctx.gm.get(indicator_id)
    members = subject.members(ctx)
    if table is None or not len(table.columns):
        return "geen gemeentecijfers"
    year = int(max(table.columns))
    have = table[year].reindex(members).notna()
    w = ctx.weights(members, year)
    share = float(w[have.to_numpy()].sum() / w.sum()) if w.sum() else 0.0
    return (f"CBS publiceert dit cijfer ({year}) voor {int(have.sum())} van de {len(members)} gemeenten "
            f"({share:.0%} van de inwoners); nodig is {rules.PARAMS.gm_dekking:.0%}")


def _window_note(window: tuple[int, int] | None, used: tuple[int, int] | None, breaks: Sequence[int]) -> str | None:
    if window is None or used is None or used == window:
        return None
    inside = [b for b in breaks if window[0] < b <= window[1]]
    if inside:
        return f"reeksbreuk in {', '.join(map(str, inside))}: getoetst over {used[0]}–{used[1]}"
    return None


# A region ahead of NL that loses ground has no growing achterstand, and one that gains has no shrinking one:
# such pairs count as 'no clear difference' for those claims (they still contradict the opposite claim).
_LEAD_IS_NOT_ARREARS = {(rules.VOORSPRONG_KLEINER, "groeit"), (rules.VOORSPRONG_GROEIT, "neemt_af")}


def _gap_line(trend: rules.Kloof, unit: str) -> str | None:
    """'kloof volgens de trendlijn −1,2 → −2,0 (−0,8 robuuste sd per tien jaar)'; negative = behind NL."""
    if not (math.isfinite(trend.gap_first) and math.isfinite(trend.per_decade)):
        return None
    def f(x: float) -> str:
        return f"{x:+.2f}".replace(".", ",").replace("-", "−")
    return (f"kloof volgens de trendlijn {f(trend.gap_first)} → {f(trend.gap_last)} {unit}".rstrip()
            + f" ({f(trend.per_decade)} robuuste sd per tien jaar)")


def _pairs_achterstand(ctx: Context, claim: Claim, subject: Subject, window: tuple[int, int] | None) -> list[dict]:
    test = claim.test
    assert test is not None
    rows = []
    for iid in claim_indicators(ctx, claim):
        used = ctx.unbroken(iid, window)
        trend, (periods, values, nl), how = gap_trend(ctx, subject, iid, used, test.sign, constant_set=True)
        if not len(periods):
            rows.append(_evidence(claim, subject, iid, None, outcome=rules.NIET_TOETSBAAR,
                                  note=_note("geen cijfers in het venster", how)))
            continue
        if window is not None and (periods[-1] - periods[0]) < (window[1] - window[0]) / 2:
            rows.append(_evidence(claim, subject, iid, None, period_from=int(periods[0]), period_to=int(periods[-1]),
                                  outcome=rules.TE_WEINIG_JAREN,
                                  note=f"cijfers over minder dan de helft van het venster {window[0]}–{window[1]}"))
            continue
        rows.append(_evidence(claim, subject, iid, None, period_from=int(periods[0]), period_to=int(periods[-1]),
                              value_from=float(values[0]), value_to=float(values[-1]),
                              nl_from=float(nl[0]), nl_to=float(nl[-1]), statistic=trend.per_decade,
                              threshold=rules.PARAMS.drempel, outcome=trend.outcome,
                              neutral=trend.neutral or (trend.outcome, test.expect) in _LEAD_IS_NOT_ARREARS,
                              note=_note(_gap_line(trend, ctx.unit(iid)),
                                         "binnen de afronding" if trend.neutral else None,
                                         "een kleinere voorsprong is geen groeiende achterstand"
                                         if (trend.outcome, test.expect) in _LEAD_IS_NOT_ARREARS else None,
                                         _window_note(window, used, ctx.breaks.get(iid, [])), how)))
    return rows


def _pairs_ontwikkeling(ctx: Context, claim: Claim, subject: Subject, window: tuple[int, int] | None) -> list[dict]:
    test = claim.test
    assert test is not None
    rows = []
    for iid in claim_indicators(ctx, claim):
        used = ctx.unbroken(iid, window)
        periods, values, how = ctx.window_series(subject, iid, used)
        nl = np.array([ctx.nl_value(iid, p) for p in periods], dtype=float)
        ok = np.isfinite(values) & np.isfinite(nl)
        periods, values, nl = periods[ok], values[ok], nl[ok]
        if len(periods) < 2:
            rows.append(_evidence(claim, subject, iid, None, outcome=rules.TE_WEINIG_JAREN,
                                  note=_note("minder dan twee jaren", how)))
            continue
        y0, y1 = int(periods[0]), int(periods[-1])
        crs = ctx.corop_series.get(iid)
        corop_changes = []
        if crs is not None and y0 in crs.index and y1 in crs.index:
            corop_changes = [rules.relative_change(a, b) for a, b in zip(crs.loc[y0], crs.loc[y1], strict=True)]
        change, nl_change = rules.relative_change(values[0], values[-1]), rules.relative_change(nl[0], nl[-1])
        result = rules.ontwikkeling(change, nl_change, corop_changes, ctx.sign(iid, test.sign))
        res = ctx.resolution(iid)
        neutral = rules.below_resolution(values[-1] - values[0] - (nl[-1] - nl[0]), res)
        rows.append(_evidence(claim, subject, iid, None, period_from=y0, period_to=y1, value_from=float(values[0]),
                              value_to=float(values[-1]), nl_from=float(nl[0]), nl_to=float(nl[-1]),
                              statistic=result.z, threshold=rules.PARAMS.drempel, outcome=result.outcome,
                              neutral=neutral,
                              note=_note(f"regio {change:+.1%}, Nederland {nl_change:+.1%}".replace(".", ",")
                                         if math.isfinite(change) and math.isfinite(nl_change) else None,
                                         "verschil binnen de afronding" if neutral else None,
                                         _window_note(window, used, ctx.breaks.get(iid, [])), how)))
    return rows


def _pairs_krimp(ctx: Context, claim: Claim, subject: Subject, window: tuple[int, int] | None) -> list[dict]:
    """Actual shrinkage: the subject's population change over the window, and how many member gemeenten shrank."""
    rows = []
    for iid in claim_indicators(ctx, claim):
        periods, values, how = ctx.window_series(subject, iid, window)
        if len(periods) < 2:
            rows.append(_evidence(claim, subject, iid, None, outcome=rules.TE_WEINIG_JAREN, note="minder dan twee jaren"))
            continue
        change, outcome = rules.krimp(values[0], values[-1])
        y0, y1 = int(periods[0]), int(periods[-1])
        members = subject.members(ctx)
        table = ctx.gm.get(iid)
        shrank = None
        if table is not None and members and y0 in table.columns and y1 in table.columns:
            t = table.reindex(members)[[y0, y1]].dropna()
            shrank = f"{int((t[y1] < t[y0]).sum())} van {len(t)} gemeenten kromp"
        nl0, nl1 = ctx.nl_value(iid, y0), ctx.nl_value(iid, y1)
        nl_change = rules.relative_change(nl0, nl1)
        rows.append(_evidence(claim, subject, iid, None, period_from=y0, period_to=y1, value_from=float(values[0]),
                              value_to=float(values[-1]), nl_from=nl0, nl_to=nl1, statistic=change,
                              threshold=rules.PARAMS.krimp_drempel, outcome=outcome,
                              note=_note(f"bevolking {change:+.1%}".replace(".", ","),
                                         f"Nederland {nl_change:+.1%}".replace(".", ",") if math.isfinite(nl_change) else None,
                                         shrank, how)))
    return rows


def _pairs_spreiding(ctx: Context, claim: Claim, dispersion_frame: pd.DataFrame, window: tuple[int, int] | None) -> list[dict]:
    test = claim.test
    assert test is not None
    rows = []
    by_key = {k: g.sort_values("period") for k, g in dispersion_frame.groupby(["indicator_id", "level"])}
    for iid in claim_indicators(ctx, claim):
        measure = rules.spread_measure(ctx.unit(iid))
        other = "cv" if measure == "sd" else "sd"
        used = ctx.unbroken(iid, window)
        for level in test.levels:
            part = by_key.get((iid, level))
            if test.exclude and level == "CR":
                part = corop_dispersion(ctx, iid, test.exclude)
                part = part if len(part) else None
            if part is None:
                rows.append(_evidence(claim, None, iid, level, outcome=rules.TE_WEINIG_JAREN,
                                      note=f"geen reeks over de {LEVEL_NL[level]}"))
                continue
            if used is not None:
                part = part[(part["period"] >= used[0]) & (part["period"] <= used[1])]
            trend = rules.spreiding(part["period"], part[measure])
            alt = rules.spreiding(part["period"], part[other])
            word = "standaardafwijking" if measure == "sd" else "variatiecoëfficiënt"
            rows.append(_evidence(claim, None, iid, level, period_from=trend.period_from, period_to=trend.period_to,
                                  value_from=trend.first, value_to=trend.last, statistic=trend.rel_change,
                                  statistic_alt=alt.rel_change if math.isfinite(alt.rel_change) else None,
                                  threshold=rules.PARAMS.spreiding_drempel, outcome=trend.outcome,
                                  note=_note(f"{word}, trendlijn; {trend.n_years} jaren, {LEVEL_NL[level]}",
                                             _window_note(window, used, ctx.breaks.get(iid, [])))))
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


def _pairs_groep(ctx: Context, claim: Claim, exact: Mapping[tuple[str, str], str],
                 subject: Subject | None = None) -> list[dict]:
    """Group A against group B per indicator; with ``subject``, group A is limited to that region's gemeenten."""
    test = claim.test
    assert test is not None
    a, b = (group_members(ctx, test.groups[k], exact) for k in ("a", "b"))
    if subject is not None:
        own = set(subject.members(ctx))
        a = [c for c in a if c in own]
    rows = []
    for iid in claim_indicators(ctx, claim):
        table = ctx.gm.get(iid)
        sign = ctx.sign(iid, test.sign)
        if table is None or table.empty or not a:
            rows.append(_evidence(claim, subject, iid, "GM", outcome=rules.NIET_TOETSBAAR,
                                  note="geen gemeentecijfers" if a else "geen gemeenten in groep A"))
            continue
        period = int(max(table.columns))
        values = table[period]
        by_area = ctx.aggregation(iid) == "area_weighted_mean"
        means = []
        for codes in (a, b):
            v = values.reindex(codes)
            w = ctx.area_weights(codes, period) if by_area else ctx.weights(codes, period)
            covered = float(w[v.notna()].sum() / w.sum()) if w.sum() else 0.0
            means.append(rules.weighted_mean(v, w) if covered >= 0.5 else math.nan)
        result = rules.groep(means[0], means[1], values.dropna().to_numpy(), sign, ctx.resolution(iid))
        weight = "oppervlaktegewogen" if by_area else "bevolkingsgewogen"
        rows.append(_evidence(claim, subject, iid, "GM", period_to=period, value_to=means[0], nl_to=means[1],
                              statistic=result.z, threshold=rules.PARAMS.drempel, outcome=result.outcome,
                              neutral=result.neutral,
                              note=_note(f"groep A {len(a)}, groep B {len(b)} gemeenten, {weight}",
                                         "verschil binnen de afronding" if result.neutral else None)))
    return rows


# --- from evidence to verdicts -----------------------------------------------------------------------


def _threshold_choices(kind: str) -> tuple[float, ...]:
    if kind == "spreiding":
        return rules.PARAMS.spreiding_drempels_robuust
    if kind == "krimp":
        return (rules.PARAMS.krimp_drempel,)
    return rules.PARAMS.drempels_robuust


def _main_threshold(kind: str) -> float:
    return {"spreiding": rules.PARAMS.spreiding_drempel, "krimp": rules.PARAMS.krimp_drempel}.get(kind, rules.PARAMS.drempel)


def indicator_directions(claim: Claim, rows: Sequence[dict], threshold: float, alt: bool = False
                         ) -> dict[str, tuple[float, int | None, int]]:
    """Per indicator (effect, direction in the claim's sense, number of pairs) at one threshold.

    Over several regions the median effect counts (:func:`seeds.rules.indicator_effect`); for *spreiding* the
    COROP and gemeente levels must agree (otherwise no clear difference); negated expectations flip.
    """
    test = claim.test
    assert test is not None
    _, negated = rules.EXPECTATIONS[(test.kind, test.expect)]
    out: dict[str, tuple[float, int | None, int]] = {}
    by_indicator: dict[str, list[dict]] = {}
    for r in rows:
        by_indicator.setdefault(r["indicator_id"], []).append(r)
    for iid, part in by_indicator.items():
        key = "effect_alt" if alt else "effect"
        effects = [float(r[key]) if r[key] is not None and math.isfinite(float(r[key])) else
                   (float(r["effect"]) if alt and math.isfinite(float(r["effect"])) else math.nan) for r in part]
        neutral = [bool(r["neutral"]) for r in part]
        if test.kind == "spreiding":
            dirs = [rules.pair_direction(e, threshold, n) for e, n in zip(effects, neutral, strict=True)]
            judged = [d for d in dirs if d is not None]
            finite = [e for e in effects if math.isfinite(e)]
            effect = float(np.median(finite)) if finite else math.nan
            direction = None if not judged else (judged[0] if all(d == judged[0] for d in judged) else 0)
        else:
            effect, direction = rules.indicator_effect(effects, neutral, threshold)
        out[iid] = (effect, rules.negate(direction) if negated else direction, len(part))
    return out


def _verdict_for(claim: Claim, rows: Sequence[dict], duplicates: Mapping[str, str]) -> dict[str, Any]:
    """Label, counts and robustness of one verdict from its evidence rows."""
    test = claim.test
    assert test is not None
    minimum = min_indicators(claim)
    main = _main_threshold(test.kind)
    labels = []
    result = None
    choices = [(t, False) for t in _threshold_choices(test.kind)]
    if test.kind == "spreiding":
        choices += [(t, True) for t in _threshold_choices(test.kind)]
    per_indicator: dict[str, tuple[float, int | None, int]] = {}
    for threshold, alt in [(main, False), *choices]:
        dirs = indicator_directions(claim, rows, threshold, alt)
        counted = [d for iid, (_, d, _) in dirs.items() if iid not in duplicates]
        v = rules.verdict(counted, minimum)
        if result is None:
            result, per_indicator = v, dirs
        else:
            labels.append(v.label)
    assert result is not None
    robust, robust_text = rules.robustness([result.label, *labels]) if result.label != rules.UNTESTABLE else (False, "")
    return {"verdict": result, "robust": robust, "robustness_nl": robust_text, "per_indicator": per_indicator}


def _verdict_row(ctx: Context, claim: Claim, subject: Subject | None, evidence: list[dict], method: str,
                 window: tuple[int, int] | None, duplicates: Mapping[str, str]) -> tuple[dict, list[dict]]:
    """The ``claim_verdicts`` row and the ``claim_indicator_effects`` rows of one verdict."""
    test = claim.test
    assert test is not None
    res = _verdict_for(claim, evidence, duplicates)
    v: rules.Verdict = res["verdict"]
    expect = EXPECT_NL[(test.kind, test.expect)]
    if v.label == rules.UNTESTABLE:
        summary = (f"Niet toetsbaar: {v.n} indicator(en) met bruikbare cijfers, er zijn er minstens "
                   f"{min_indicators(claim)} nodig ({len({e['indicator_id'] for e in evidence})} getoetst).")
    else:
        summary = f"De claim verwacht {expect}: {rules.counts_text(v)}."
    dup_note = [f"{ctx.label(d)} telt samen met {ctx.label(k)}" for d, k in duplicates.items()
                if d in res["per_indicator"]]
    if dup_note:
        summary += " Bijna gelijke indicatoren tellen één keer: " + "; ".join(dup_note) + "."
    row = {"claim_id": claim.id, "region_id": subject.id if subject else None,
           "delineation": subject.delineation if subject else None, "test": test.kind, "expect": test.expect,
           "label": v.label, "n_indicators": v.n, "n_support": v.n_support, "n_contra": v.n_contra,
           "n_neutral": v.n_neutral, "verdict_nl": rules.verdict_text(v), "summary_nl": summary, "method_nl": method,
           "window_from": window[0] if window else None, "window_to": window[1] if window else None,
           "window_nl": window_text(ctx, claim, window, evidence), "robust": res["robust"],
           "robustness_nl": res["robustness_nl"], "group_id": claim.id, "cause_nl": rules.CAUSE_NOT_TESTED
           if claim.cause else None}
    effects = [{"claim_id": claim.id, "region_id": row["region_id"], "delineation": row["delineation"],
                "indicator_id": iid, "theme": ctx.theme(iid), "n_pairs": n, "effect": effect, "direction": d,
                "counted": iid not in duplicates, "duplicate_of": duplicates.get(iid)}
               for iid, (effect, d, n) in res["per_indicator"].items()]
    return row, effects


def window_text(ctx: Context, claim: Claim, window: tuple[int, int] | None, evidence: Sequence[dict]) -> str:
    """'venster 2013–2022' or, for levels, which years were compared."""
    test = claim.test
    assert test is not None
    if window is not None:
        text = f"venster {window[0]}–{window[1]}"
        if any("reeksbreuk" in (e.get("note") or "") for e in evidence):
            text += " (korter waar de reeks een breuk heeft, zie het bewijs)"
        return text
    years = sorted({int(e["period_to"]) for e in evidence if e.get("period_to") is not None
                    and not (isinstance(e["period_to"], float) and math.isnan(e["period_to"]))})
    if not years:
        return ""
    return f"meest recente jaar per indicator ({years[0]}–{years[-1]})" if years[0] != years[-1] else f"jaar {years[0]}"


def _method(ctx: Context, claim: Claim, window: tuple[int, int] | None) -> str:
    test = claim.test
    assert test is not None
    parts = [f"Toets: {TEST_NAMES_NL[test.kind]}; verwacht: {EXPECT_NL[(test.kind, test.expect)]}."]
    if test.indicator_set == "brede_welvaart":
        parts.append("Indicatoren: de indicatoren van de CBS Regionale Monitor Brede Welvaart met een richting.")
    if window:
        parts.append(f"Venster {window[0]}–{window[1]}.")
    if test.per_region:
        parts.append("De claim geldt volgens de tekst in bepaalde regio's: we beoordelen elke regio apart.")
    if test.kind == "groep":
        parts.append(f"Groep A: {test.groups['a'].get('label', 'A')}; groep B: {test.groups['b'].get('label', 'B')}.")
    if test.note:
        parts.append(test.note)
    return " ".join(parts)


VERDICT_COLUMNS = ["claim_id", "region_id", "delineation", "test", "expect", "label", "n_indicators", "n_support",
                   "n_contra", "n_neutral", "verdict_nl", "summary_nl", "method_nl", "window_from", "window_to",
                   "window_nl", "robust", "robustness_nl", "group_id", "cause_nl"]
EFFECT_COLUMNS = ["claim_id", "region_id", "delineation", "indicator_id", "theme", "n_pairs", "effect", "direction",
                  "counted", "duplicate_of"]


def untestable_row(claim: Claim) -> dict:
    """The verdict of a claim without a data test."""
    reason = claim.untestable or "De claim doet geen uitspraak die met deze cijfers te toetsen is."
    row = dict.fromkeys(VERDICT_COLUMNS)
    row.update({"claim_id": claim.id, "label": rules.UNTESTABLE, "n_indicators": 0, "n_support": 0, "n_contra": 0,
                "n_neutral": 0, "verdict_nl": rules.UNTESTABLE, "summary_nl": reason, "method_nl": "",
                "robust": False, "robustness_nl": "", "group_id": claim.same_as or claim.id,
                "cause_nl": rules.CAUSE_NOT_TESTED if claim.cause else None})
    return row


def _per_region_whole(claim: Claim, region_rows: Sequence[dict], method: str) -> dict:
    """A claim that holds 'in bepaalde regio's': it holds where it holds; the whole takes the best-supported
    region's label and names the regions."""
    test = claim.test
    assert test is not None
    judged = [r for r in region_rows if r["label"] != rules.UNTESTABLE]
    row = dict(judged[0] if judged else region_rows[0]) if region_rows else untestable_row(claim)
    row.update({"region_id": None, "delineation": None})
    if not judged:
        row.update({"label": rules.UNTESTABLE, "verdict_nl": rules.UNTESTABLE})
        return row
    best = max(judged, key=lambda r: rules.SCALE_RANK[r["label"]])
    holds = [r["region_id"] for r in judged if r["label"] in rules.SUPPORTING]
    row.update({
        "label": best["label"], "n_indicators": best["n_indicators"], "n_support": best["n_support"],
        "n_contra": best["n_contra"], "n_neutral": best["n_neutral"], "method_nl": method,
        "verdict_nl": f"{best['label']} in {len(holds)} van {len(judged)} regio's" if holds
        else f"{best['label']} (in geen enkele regio ondersteund)",
        "summary_nl": (f"De claim geldt volgens de tekst in bepaalde regio's; ze wordt ondersteund in {len(holds)} "
                       f"van de {len(judged)} beoordeelde regio's" + (f" ({', '.join(holds)})." if holds else ".")),
        "robust": all(r["robust"] for r in judged), "robustness_nl": rules.ROBUST if all(r["robust"] for r in judged)
        else "per regio, zie de regio's",
    })
    return row


def _in_regions(row: dict, regions: set[str]) -> bool:
    """Whether a copied verdict or evidence row belongs to a claim about ``regions`` (national rows always do)."""
    return row["region_id"] is None or row["region_id"] in regions or row.get("delineation") is None


def test_claims(ctx: Context, claims: Sequence[Claim], comparisons: pd.DataFrame, dispersion_frame: pd.DataFrame,
                exact: Mapping[tuple[str, str], str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ``claim_verdicts``, ``claim_evidence`` and ``claim_indicator_effects`` tables.

    Claims registered as ``same_as`` another are not tested again: they carry the verdict of that claim
    (one verdict per group, every quote kept in ``claims``)."""
    comps = {(r["subject_id"], r["delineation"] if r["subject_kind"] == "regio" else None, r["indicator_id"]): r
             for r in comparisons.to_dict("records")}
    verdicts: list[dict] = []
    evidence: list[dict] = []
    effects: list[dict] = []
    by_id: dict[str, tuple[list[dict], list[dict], list[dict]]] = {}
    for claim in claims:
        test = claim.test
        if claim.same_as:
            continue
        if test is None:
            verdicts.append(untestable_row(claim))
            continue
        window = claim_window(ctx, claim)
        method = _method(ctx, claim, window)
        duplicates = ctx.duplicates(tuple(claim_indicators(ctx, claim)))
        own_v: list[dict] = []
        own_e: list[dict] = []
        own_x: list[dict] = []
        if test.kind in ("spreiding", "groep") and not test.per_region:
            rows = (_pairs_spreiding(ctx, claim, dispersion_frame, window) if test.kind == "spreiding"
                    else _pairs_groep(ctx, claim, exact))
            own_e += rows
            v, x = _verdict_row(ctx, claim, None, rows, method, window, duplicates)
            own_v.append(v)
            own_x += x
        else:
            whole: list[dict] = []
            region_rows: list[dict] = []
            for subject, is_default in claim_subjects(ctx, claim, exact):
                if test.kind == "niveau":
                    rows = _pairs_niveau(ctx, claim, subject, comps)
                elif test.kind == "achterstand":
                    rows = _pairs_achterstand(ctx, claim, subject, window)
                elif test.kind == "krimp":
                    rows = _pairs_krimp(ctx, claim, subject, window)
                elif test.kind == "groep":
                    rows = _pairs_groep(ctx, claim, exact, subject)
                else:
                    rows = _pairs_ontwikkeling(ctx, claim, subject, window)
                own_e += rows
                if subject.kind != "set":
                    v, x = _verdict_row(ctx, claim, subject, rows, method, window, duplicates)
                    own_v.append(v)
                    own_x += x
                if is_default:
                    whole += rows
                    region_rows.append(v)
            if test.per_region:
                own_v.append(_per_region_whole(claim, region_rows, method))
            else:
                v, x = _verdict_row(ctx, claim, None, whole, method, window, duplicates)
                own_v.append(v)
                own_x += x
        _, negated = rules.EXPECTATIONS[(test.kind, test.expect)]
        main = _main_threshold(test.kind)
        for r in own_e:
            r["counted"] = r["indicator_id"] not in duplicates
            d = rules.pair_direction(float(r["effect"]), main, bool(r["neutral"]))
            r["direction"] = rules.negate(d) if negated else d
        by_id[claim.id] = (own_v, own_e, own_x)
        verdicts += own_v
        evidence += own_e
        effects += own_x
    for claim in claims:  # one verdict per group of (near-)identical claims
        if claim.same_as and claim.same_as in by_id:
            own_v, own_e, own_x = by_id[claim.same_as]
            mine = set(claim.regions)
            keep = partial(_in_regions, regions=mine)
            verdicts += [{**r, "claim_id": claim.id, "group_id": claim.same_as,
                          "cause_nl": rules.CAUSE_NOT_TESTED if claim.cause else r["cause_nl"]} for r in own_v if keep(r)]
            evidence += [{**r, "claim_id": claim.id} for r in own_e if keep(r)]
            effects += [{**r, "claim_id": claim.id} for r in own_x if keep(r)]
        elif claim.same_as:
            verdicts.append(untestable_row(claim))
    ev = pd.DataFrame(evidence, columns=EVIDENCE_COLUMNS)
    ev["agrees"] = ev["direction"].map(lambda d: None if d is None or (isinstance(d, float) and math.isnan(d)) else d == 1)
    return (pd.DataFrame(verdicts, columns=VERDICT_COLUMNS), ev, pd.DataFrame(effects, columns=EFFECT_COLUMNS))


# ------------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------------


def claims_table(claims: Sequence[Claim], document_titles: Mapping[str, str]) -> pd.DataFrame:
    """The register itself in the store, so exports carry each verdict with its quote and source."""
    return pd.DataFrame([{
        "claim_id": c.id, "document": c.document, "document_title": document_titles.get(c.document, c.document),
        "section": c.section, "quote": c.quote, "paraphrase": c.paraphrase, "kind": c.kind,
        "regions": ",".join(c.regions), "indicators": ",".join(c.indicators), "topic": c.topic,
        "test": _test_of(c, claims).kind if _test_of(c, claims) else None,
        "expect": _test_of(c, claims).expect if _test_of(c, claims) else None,
        "test_note": _test_of(c, claims).note if _test_of(c, claims) else None, "group_id": c.same_as or c.id,
        "cause": bool(c.cause),
    } for c in claims], columns=["claim_id", "document", "document_title", "section", "quote", "paraphrase", "kind",
                                 "regions", "indicators", "topic", "test", "expect", "test_note", "group_id", "cause"])


def _test_of(claim: Claim, claims: Sequence[Claim]):  # noqa: ANN202 - ClaimTest | None
    """The claim's own test, or that of the claim it is registered ``same_as``."""
    if claim.same_as:
        primary = next((c for c in claims if c.id == claim.same_as), None)
        return primary.test if primary else None
    return claim.test


def run(frames: Mapping[str, pd.DataFrame], population: pd.DataFrame, intervals: pd.DataFrame,
        catalogue: pd.DataFrame, regions_info: Sequence[RegionInfo], claims: Sequence[Claim],
        exact: Mapping[tuple[str, str], str], theme_order: Sequence[str],
        document_titles: Mapping[str, str] | None = None, area: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """All engine tables from the build's frames (see the module docstring)."""
    ctx = Context(frames, population, intervals, catalogue, regions_info, area)
    comparisons = build_comparisons(ctx, subjects(ctx, frames["regions"], exact))
    overview = build_theme_overview(comparisons, catalogue, theme_order)
    peers = build_peers(comparisons, catalogue)
    peers = _without_own_corop(peers, ctx)
    disp = build_dispersion(ctx)
    verdicts, evidence, effects = test_claims(ctx, claims, comparisons, disp, exact)
    return {"comparisons": comparisons, "theme_overview": overview, "dispersion": disp, "peers": peers,
            "claims": claims_table(claims, document_titles or {}), "claim_verdicts": verdicts, "claim_evidence": evidence,
            "claim_indicator_effects": effects}


def _without_own_corop(peers: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Drop COROP areas that lie (mostly) inside the region itself, keep the five closest others."""
    keep = []
    for (rid, delin), part in peers.groupby(["region_id", "delineation"], sort=False):
        own = {ctx.gm_corop[g] for g in ctx.members_of(rid, delin) if g in ctx.gm_corop}
        part = part[~part["peer_code"].isin(own)].head(N_PEERS).copy()
        part["peer_rank"] = range(1, len(part) + 1)
        keep.append(part)
    return pd.concat(keep, ignore_index=True) if keep else peers
