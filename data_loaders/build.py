"""Load step: harmonised observations + catalogue + regions → one DuckDB file, built atomically.

Pipeline (after Our World in Data's etl): snapshot (bundle files or live CBS) → common raw shape
(``bundle.py``/``live.py``) → harmonised tidy frames (``harmonise.py``) → derived aggregates
(``geo.aggregate``) → a new DuckDB file that is validated and only then moved over the old store.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb
import numpy as np
import pandas as pd

from data_loaders.bundle import BundleSource
from data_loaders.catalogue import Catalogue, Source, load_catalogue
from data_loaders.config import DUCKDB_OFFLINE
from data_loaders.harmonise import REGION_CODE, DataError, level_of, tidy_from_raw

CLASSIFICATION_TABLES = ("85385NED", "85755NED", "86059NED")
# Tables whose gemeente codes define which former gemeenten exist (03759NED lists every gemeente valid in
# each year since 2019). A GM code elsewhere that is in none of these is an error, not a new gemeente.
GEMEENTE_REGISTERS = ("03759NED", *CLASSIFICATION_TABLES)
BUNDLE_ONLY_LAYOUTS = ("rmbw_wide", "kwb_basis")
CURRENT_CLASSIFICATION = "85755NED"
AGGREGATE_LEVELS = ("CR", "PV", "LD", "NL")
AGGREGATION_RULES = ("weighted_mean", "median_approx", "sum", "area_weighted_mean")
AREA_WEIGHTED_METHOD = "derived:oppervlaktegewogen_gemiddelde"
SCHEMA = """
CREATE TABLE indicators (
    indicator_id VARCHAR PRIMARY KEY, name_nl VARCHAR, name_en VARCHAR, theme VARCHAR, theme_name VARCHAR,
    theme_group VARCHAR, unit VARCHAR, direction VARCHAR, source_table VARCHAR, source_title VARCHAR,
    measure VARCHAR, period_type VARCHAR, levels VARCHAR, aggregation VARCHAR, is_key BOOLEAN,
    uncertain VARCHAR, twin_of VARCHAR, label_nl VARCHAR, levels_in_store VARCHAR, first_period INTEGER,
    last_period INTEGER, resolution DOUBLE
);
CREATE TABLE regions (
    region_code VARCHAR PRIMARY KEY, region_level VARCHAR, name VARCHAR, corop_code VARCHAR,
    province_code VARCHAR, landsdeel_code VARCHAR, is_current BOOLEAN, population BIGINT, stedelijkheid VARCHAR
);
CREATE TABLE observations (
    indicator_id VARCHAR, region_code VARCHAR, region_level VARCHAR, period INTEGER, value DOUBLE,
    source_table VARCHAR, method VARCHAR, coverage DOUBLE
);
CREATE TABLE region_observations (
    region_id VARCHAR, delineation VARCHAR, indicator_id VARCHAR, period INTEGER, value DOUBLE,
    method VARCHAR, coverage DOUBLE, source_table VARCHAR, reason VARCHAR
);
CREATE TABLE region_members (region_id VARCHAR, delineation VARCHAR, gemeente_code VARCHAR);
CREATE TABLE sources (
    source_table VARCHAR PRIMARY KEY, title VARCHAR, file VARCHAR, levels VARCHAR, period_type VARCHAR,
    first_period INTEGER, last_period INTEGER, n_observations BIGINT, note VARCHAR
);
CREATE TABLE region_defs (
    region_id VARCHAR PRIMARY KEY, name VARCHAR, groups VARCHAR, default_delineation VARCHAR, notes VARCHAR,
    sub_areas VARCHAR, sort_order INTEGER
);
CREATE TABLE region_delineations (
    region_id VARCHAR, delineation VARCHAR, basis VARCHAR, source VARCHAR, confidence VARCHAR,
    corop_codes VARCHAR, map_center_lat DOUBLE, map_center_lon DOUBLE, map_zoom DOUBLE
);
CREATE TABLE shapes (shape_key VARCHAR PRIMARY KEY, geojson VARCHAR);
CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE intervals (indicator_id VARCHAR, region_code VARCHAR, period INTEGER, lower DOUBLE, upper DOUBLE);
CREATE TABLE weights (kind VARCHAR, region_code VARCHAR, period INTEGER, value DOUBLE);
"""
WEIGHT_KINDS = ("population", "area")  # the weights the build aggregates with (weights table, column kind)


class RawSource(Protocol):
    """What the build needs from a source (bundle or live)."""

    name: str

    def label(self, source: Source) -> str: ...

    def raw_table(self, source: Source) -> pd.DataFrame: ...


@dataclass
class BuildResult:
    """Counts reported after a successful build."""

    store: Path
    n_observations: int
    n_derived: int
    n_region_observations: int
    seconds: float


Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


# --------------------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------------------
def build_regions(classifications: dict[str, pd.DataFrame], names_seen: dict[str, str]) -> pd.DataFrame:
    """The ``regions`` table: NL, landsdelen, provinces, COROP and gemeenten of the 2024 indeling,
    plus former gemeenten that occur in the data (``is_current = false``, never remapped)."""
    cur = classifications[CURRENT_CLASSIFICATION]
    rows: list[dict[str, object]] = [
        {"region_code": "NL01", "region_level": "NL", "name": "Nederland", "corop_code": None,
         "province_code": None, "landsdeel_code": None, "is_current": True}
    ]
    for code_col, name_col, level in (
        ("landsdeel_code", "landsdeel_naam", "LD"),
        ("provincie_code", "provincie_naam", "PV"),
        ("corop_code", "corop_naam", "CR"),
    ):
        first = cur.drop_duplicates(code_col)
        for r in first.itertuples(index=False):
            rows.append(
                {
                    "region_code": getattr(r, code_col),
                    "region_level": level,
                    "name": getattr(r, name_col),
                    "corop_code": r.corop_code if level == "CR" else None,
                    "province_code": r.provincie_code if level in ("CR", "PV") else None,
                    "landsdeel_code": r.landsdeel_code,
                    "is_current": True,
                }
            )
    urban = cur["stedelijkheid"] if "stedelijkheid" in cur else pd.Series([None] * len(cur), index=cur.index)
    for r, degree in zip(cur.itertuples(index=False), urban, strict=True):
        rows.append(
            {"region_code": r.region_code, "region_level": "GM", "name": r.region_name,
             "corop_code": r.corop_code, "province_code": r.provincie_code,
             "landsdeel_code": r.landsdeel_code, "is_current": True,
             "stedelijkheid": str(degree).strip() if pd.notna(degree) and str(degree).strip() else None}
        )
    current = {row["region_code"] for row in rows}
    older = pd.concat([classifications[t] for t in CLASSIFICATION_TABLES if t != CURRENT_CLASSIFICATION])
    for r in older.drop_duplicates("region_code").itertuples(index=False):
        if r.region_code not in current:
            names_seen.setdefault(r.region_code, r.region_name)
    for code, name in sorted(names_seen.items()):
        if code not in current and code.startswith("GM"):
            rows.append({"region_code": code, "region_level": "GM", "name": f"{name} (voormalig)",
                         "corop_code": None, "province_code": None, "landsdeel_code": None,
                         "is_current": False})
    regions = pd.DataFrame(rows)
    if "stedelijkheid" not in regions:
        regions["stedelijkheid"] = None
    pop = cur.set_index("region_code")["inwonertal"].astype(float)
    regions["population"] = regions["region_code"].map(pop)
    for level, col in (("CR", "corop_code"), ("PV", "provincie_code"), ("LD", "landsdeel_code")):
        sums = cur.assign(inwonertal=cur["inwonertal"].astype(float)).groupby(col)["inwonertal"].sum()
        mask = regions["region_level"] == level
        regions.loc[mask, "population"] = regions.loc[mask, "region_code"].map(sums)
    regions.loc[regions["region_code"] == "NL01", "population"] = float(cur["inwonertal"].astype(float).sum())
    regions["population"] = regions["population"].round().astype("Int64")
    return regions


def membership_by_level(regions: pd.DataFrame) -> pd.DataFrame:
    """group_code → gemeente_code for every CR, PV, LD and NL area (current gemeenten only)."""
    gm = regions[(regions["region_level"] == "GM") & regions["is_current"]]
    parts = [
        pd.DataFrame({"group_code": gm["corop_code"], "region_code": gm["region_code"]}),
        pd.DataFrame({"group_code": gm["province_code"], "region_code": gm["region_code"]}),
        pd.DataFrame({"group_code": gm["landsdeel_code"], "region_code": gm["region_code"]}),
        pd.DataFrame({"group_code": "NL01", "region_code": gm["region_code"]}),
    ]
    return pd.concat(parts, ignore_index=True)


def weights_frame(values: pd.DataFrame, gemeenten: list[str], periods: list[int]) -> pd.DataFrame:
    """A weight per current gemeente and period: the value of that year, else the nearest year (ties → later)."""
    table = values.pivot_table(index="region_code", columns="period", values="value", aggfunc="first")
    table = table.reindex(gemeenten)
    known = np.array(sorted(table.columns))
    out = []
    for period in periods:
        order = sorted(known, key=lambda y: (abs(y - period), -y))
        col = pd.Series(np.nan, index=table.index)
        for year in order:
            col = col.fillna(table[year])
            if col.notna().all():
                break
        out.append(pd.DataFrame({"region_code": table.index, "period": period, "population": col.values}))
    return pd.concat(out, ignore_index=True).dropna()


# --------------------------------------------------------------------------------------------------
# Derived values
# --------------------------------------------------------------------------------------------------
def aggregate_by_catalogue(
    gm_obs: pd.DataFrame,
    membership: pd.DataFrame,
    catalogue: Catalogue,
    population: pd.DataFrame,
    area: pd.DataFrame,
) -> pd.DataFrame:
    """Aggregate gemeente values to groups following each indicator's catalogue rule (population or area
    weights); indicators marked ``none`` are left out. Each row carries its ``derived:…`` method."""
    from geo.aggregate import METHODS, aggregate_regions

    results = []
    for rule in AGGREGATION_RULES:
        ids = [i.indicator_id for i in catalogue.indicators.values() if i.aggregation == rule]
        subset = gm_obs[gm_obs["indicator_id"].isin(ids)]
        if subset.empty:
            continue
        area_weighted = rule == "area_weighted_mean"
        how = "weighted_mean" if area_weighted else rule
        res = aggregate_regions(subset, membership, area if area_weighted else population, dict.fromkeys(ids, how))
        res["method"] = AREA_WEIGHTED_METHOD if area_weighted else METHODS[how]
        results.append(res)
    return pd.concat(results, ignore_index=True)


def derive_aggregates(
    obs: pd.DataFrame,
    catalogue: Catalogue,
    membership: pd.DataFrame,
    population: pd.DataFrame,
    area: pd.DataFrame,
    group_level: Callable[[str], str],
) -> pd.DataFrame:
    """Derived values for groups of gemeenten, from gemeente observations (official values not included)."""
    gm = obs[(obs["region_level"] == "GM")][["indicator_id", "region_code", "period", "value"]]
    derived = aggregate_by_catalogue(gm, membership, catalogue, population, area)
    source_of = {i.indicator_id: i.source_table for i in catalogue.indicators.values()}
    derived["source_table"] = derived["indicator_id"].map(source_of)
    derived["region_level"] = derived["group_code"].map(group_level)
    return derived


# --------------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------------
def interval_frame(raw: pd.DataFrame, src: Source, indicators: list, label: str) -> pd.DataFrame:
    """CBS's 95% interval rows of a source (``src.intervals``) as indicator, region, period, lower, upper."""
    from dataclasses import replace

    column = src.intervals["column"]
    bounds = []
    for side in ("lower", "upper"):
        filters = {**src.filters, column: src.intervals[side]}
        tidy = tidy_from_raw(raw, replace(src, filters=filters), indicators, label)
        bounds.append(tidy.set_index(["indicator_id", "region_code", "period"])["value"].rename(side))
    frame = pd.concat(bounds, axis=1).dropna().reset_index()
    bad = frame[frame["lower"] > frame["upper"]]
    if not bad.empty:
        row = bad.iloc[0]
        raise DataError(f"{label}: ondergrens boven bovengrens voor {row['region_code']} ({row['indicator_id']})")
    return frame


def collect_observations(
    source: RawSource, catalogue: Catalogue, progress: Progress = _noop,
    intervals: list[pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], dict[str, str]]:
    """Read every source table and harmonise it; return observations, classifications and names seen.
    CBS 95% intervals of sources that publish them are appended to ``intervals`` when given."""
    frames = []
    classifications: dict[str, pd.DataFrame] = {}
    names_seen: dict[str, str] = {}
    for table_id, src in catalogue.sources.items():
        reader = _reader_for(source, src)
        progress(f"{table_id} ({reader.label(src)})")
        raw = reader.raw_table(src)
        if src.layout == "classification":
            classifications[table_id] = raw
        indicators = catalogue.for_source(table_id)
        if not indicators:
            continue
        tidy = tidy_from_raw(raw, src, indicators, reader.label(src))
        if src.intervals and intervals is not None:
            intervals.append(interval_frame(raw, src, indicators, reader.label(src)))
        if "region_name" in raw and table_id in GEMEENTE_REGISTERS:
            pairs = raw[["region_code", "region_name"]].astype(str)
            for code, name in zip(pairs["region_code"].str.strip(), pairs["region_name"], strict=True):
                if code.startswith("GM"):
                    names_seen.setdefault(code, name.replace(" (gemeente)", "").strip())
        frames.append(tidy)
    obs = pd.concat(frames, ignore_index=True)
    return obs, classifications, names_seen


def _reader_for(source: RawSource, src: Source) -> RawSource:
    """The live source has no StatLine table for RMBW and the KWB basis export: those come from the bundle."""
    if source.name != "bundle" and src.layout in BUNDLE_ONLY_LAYOUTS:
        return BundleSource(_bundle_dir())
    return source


def _validate_codes(obs: pd.DataFrame, regions: pd.DataFrame, labels: dict[str, str]) -> None:
    known = set(regions["region_code"])
    unknown = obs.loc[~obs["region_code"].isin(known), ["region_code", "source_table"]]
    if not unknown.empty:
        code, table = unknown.iloc[0]
        raise DataError(
            f"{labels.get(table, table)}, kolom region_code: regiocode {code} komt niet voor in de gebiedsindeling"
        )


def build_frames(source: RawSource, progress: Progress = _noop) -> dict[str, pd.DataFrame]:
    """All store tables as DataFrames (no file written)."""
    from geo.regions import load_regions

    catalogue = load_catalogue()
    interval_parts: list[pd.DataFrame] = []
    obs, classifications, names_seen = collect_observations(source, catalogue, progress, interval_parts)
    for table_id in CLASSIFICATION_TABLES:
        if table_id not in classifications:
            raise DataError(f"{table_id}: gebiedsindeling ontbreekt in de bron")
    regions = build_regions(classifications, names_seen)
    _validate_codes(obs, regions, {t: _reader_for(source, s).label(s) for t, s in catalogue.sources.items()})
    obs["coverage"] = np.nan

    progress("afgeleide waarden (COROP, provincie, landsdeel, Nederland)")
    gemeenten = regions.loc[(regions["region_level"] == "GM") & regions["is_current"], "region_code"].tolist()
    periods = sorted(obs["period"].unique().tolist())
    pop_obs = obs[(obs["indicator_id"] == "bevolking") & (obs["region_level"] == "GM")]
    pop_obs = pd.concat([pop_obs, obs[(obs["indicator_id"] == "inwonertal_indeling")]])
    population = weights_frame(pop_obs, gemeenten, periods)
    area_raw = source_area(source, catalogue)
    area = weights_frame(area_raw, gemeenten, periods)
    membership = membership_by_level(regions)
    derived = derive_aggregates(obs, catalogue, membership, population, area, level_of)
    official = set(zip(obs["indicator_id"], obs["region_code"], obs["period"], strict=True))
    key = list(zip(derived["indicator_id"], derived["group_code"], derived["period"], strict=True))
    is_new = np.array([k not in official for k in key], dtype=bool)
    derived = derived[is_new & derived["value"].notna().to_numpy()]
    derived = derived.rename(columns={"group_code": "region_code"})
    cols = ["indicator_id", "region_code", "region_level", "period", "value", "source_table", "method", "coverage"]
    observations = pd.concat([obs[cols], derived[cols]], ignore_index=True)

    progress("regio's (tien regio's, voorbeeldregio's)")
    region_defs = load_regions()
    region_obs, members = region_observations(observations, regions, region_defs, catalogue, population, area)
    ind = catalogue.frame()
    stats = observations.groupby("indicator_id").agg(
        levels_in_store=("region_level", lambda s: ",".join(lv for lv in ("NL", "LD", "PV", "CR", "GM") if lv in set(s))),
        first_period=("period", "min"),
        last_period=("period", "max"),
    )
    ind = ind.join(stats, on="indicator_id")
    ind["resolution"] = published_resolutions(observations).reindex(ind["indicator_id"]).to_numpy()
    src_rows = []
    for table_id, src in catalogue.sources.items():
        part = observations[(observations["source_table"] == table_id) & (observations["method"] == "cbs")]
        src_rows.append(
            {"source_table": table_id, "title": src.title, "file": src.file, "levels": ",".join(src.levels),
             "period_type": src.period_type,
             "first_period": int(part["period"].min()) if len(part) else None,
             "last_period": int(part["period"].max()) if len(part) else None,
             "n_observations": len(part), "note": src.note}
        )
    progress("vormen (gemeente, COROP, provincie, regio-omtrekken)")
    shapes, defs, delins = geo_frames(region_defs)
    intervals = (pd.concat(interval_parts, ignore_index=True) if interval_parts
                 else pd.DataFrame(columns=["indicator_id", "region_code", "period", "lower", "upper"]))
    frames = {
        "indicators": ind, "regions": regions, "observations": observations, "region_observations": region_obs,
        "region_members": members,
    }
    progress("claims toetsen (vergelijkingen, spreiding, oordelen)")
    engine_frames = run_claim_tests(frames, population, intervals, catalogue, region_defs, area)
    return {
        "region_defs": defs,
        "region_delineations": delins,
        "shapes": shapes,
        "indicators": ind,
        "regions": regions,
        "observations": observations,
        "region_observations": region_obs,
        "region_members": members,
        "sources": pd.DataFrame(src_rows),
        "intervals": intervals,
        "weights": weights_table(population, area),
        **engine_frames,
    }


def exact_areas(regions: pd.DataFrame, region_defs: list) -> dict[tuple[str, str], str]:
    """(region id, delineation) → CBS code for delineations that are exactly one CBS area (e.g. Twente = CR12)."""
    area_members = membership_by_level(regions)
    exact = {frozenset(g["region_code"]): code for code, g in area_members.groupby("group_code")}
    return {(r.id, name): exact[frozenset(d.gemeenten)] for r in region_defs for name, d in r.delineations.items()
            if frozenset(d.gemeenten) in exact}


def published_resolutions(observations: pd.DataFrame) -> pd.Series:
    """Per indicator the rounding unit CBS publishes it in (0,1 for one decimal), read from the CBS values
    themselves (derived values excluded): the resolution below which a difference is no difference."""
    from seeds.rules import published_resolution

    cbs = observations[(observations["method"] == "cbs") & observations["value"].notna()]
    return cbs.groupby("indicator_id")["value"].agg(lambda v: published_resolution(v.to_numpy(dtype=float)))


def run_claim_tests(frames: dict[str, pd.DataFrame], population: pd.DataFrame, intervals: pd.DataFrame,
                    catalogue: Catalogue, region_defs: list, area: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The pipeline's claim-test step (:mod:`seeds.engine`): comparisons, dispersion and claim verdicts."""
    from seeds import areas
    from seeds.claims import load_claims, load_documents
    from seeds.engine import RegionInfo, run

    infos = [RegionInfo(r.id, r.name, tuple(r.groups), r.default_delineation, tuple(r.delineations)) for r in region_defs]
    titles = {d.file: d.title for d in load_documents()}
    engine_frames = run(frames, population, intervals, frames["indicators"], infos, load_claims(),
                        exact_areas(frames["regions"], region_defs), list(catalogue.themes), titles, area=area)
    return areas.run(engine_frames, frames["indicators"], list(catalogue.themes))


def geo_frames(region_defs: list) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Plotly-ready shapes per level and per region outline, and the region definitions, for the store."""
    import json

    from geo.shapes import map_view, plotly_geojson, region_outline, validate_shapes

    shape_rows = []
    for level in ("GM", "CR", "PV"):
        validate_shapes(level)
        shape_rows.append({"shape_key": level, "geojson": json.dumps(plotly_geojson(level), separators=(",", ":"))})
    def_rows, delin_rows = [], []
    for order, region in enumerate(region_defs):
        def_rows.append(
            {"region_id": region.id, "name": region.name, "groups": ",".join(region.groups),
             "default_delineation": region.default_delineation, "notes": region.notes,
             "sub_areas": json.dumps([{"id": a.id, "name": a.name, "gemeenten": list(a.gemeenten)}
                                      for a in region.sub_areas]),
             "sort_order": order}
        )
        for name, delin in region.delineations.items():
            outline = region_outline(region.id, name)
            shape_rows.append(
                {"shape_key": f"outline:{region.id}:{name}", "geojson": json.dumps(outline, separators=(",", ":"))}
            )
            view = map_view(region.id, name, 700, 600)
            delin_rows.append(
                {"region_id": region.id, "delineation": name, "basis": delin.basis, "source": delin.source,
                 "confidence": delin.confidence, "corop_codes": ",".join(delin.corop_codes),
                 "map_center_lat": view["center"]["lat"], "map_center_lon": view["center"]["lon"],
                 "map_zoom": view["zoom"]}
            )
    return pd.DataFrame(shape_rows), pd.DataFrame(def_rows), pd.DataFrame(delin_rows)


def source_area(source: RawSource, catalogue: Catalogue) -> pd.DataFrame:
    """Land area per gemeente (KWB 2024, ha) as weights for shares of land area."""
    src = catalogue.sources["85984NED"]
    raw = source.raw_table(src) if source.name == "bundle" else BundleSource(_bundle_dir()).raw_table(src)
    if "OppervlakteLand_123" not in raw:
        raise DataError(f"{src.file}: kolom 'OppervlakteLand_123' ontbreekt")
    return pd.DataFrame(
        {"region_code": raw["region_code"].str.strip(), "period": 2024,
         "value": pd.to_numeric(raw["OppervlakteLand_123"], errors="coerce")}
    ).dropna()


def _bundle_dir() -> Path:
    from data_loaders.config import data_dir

    return data_dir()


def weights_table(population: pd.DataFrame, area: pd.DataFrame) -> pd.DataFrame:
    """The build's gemeente weights (population and land area per period) as the ``weights`` table."""
    parts = [frame.rename(columns={"population": "value"}).assign(kind=kind)
             for kind, frame in zip(WEIGHT_KINDS, (population, area), strict=True)]
    return pd.concat(parts, ignore_index=True)[["kind", "region_code", "period", "value"]]


@dataclass(frozen=True)
class _Delineation:
    gemeenten: tuple[str, ...]


@dataclass(frozen=True)
class _OwnRegion:
    id: str
    delineations: dict[str, _Delineation]


OWN_REGION_ID = "eigen"


@dataclass(frozen=True)
class _Rule:
    indicator_id: str
    aggregation: str
    source_table: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class _Rules:
    indicators: dict[str, _Rule]


def stored_rules(indicators: pd.DataFrame) -> Catalogue:
    """The catalogue's aggregation rules as the store holds them (its ``indicators`` table), in the shape
    :func:`aggregate_by_catalogue` and :func:`region_observations` read."""
    rules = {r.indicator_id: _Rule(r.indicator_id, r.aggregation, r.source_table, tuple(str(r.levels or "").split(",")))
             for r in indicators.itertuples()}
    return _Rules(rules)  # type: ignore[return-value]  # duck-typed: only .indicators is read


def own_region_observations(
    observations: pd.DataFrame,
    regions: pd.DataFrame,
    gemeenten: list[str] | tuple[str, ...],
    catalogue: Catalogue,
    population: pd.DataFrame,
    area: pd.DataFrame,
) -> pd.DataFrame:
    """Values of any set of current gemeenten (an own region), by exactly the route the build takes for a region
    delineation (:func:`region_observations`): the official value when the set is one CBS area, else derived
    from the gemeenten (catalogue rule, population or area weights), else from COROP values."""
    region = _OwnRegion(OWN_REGION_ID, {OWN_REGION_ID: _Delineation(tuple(sorted(set(gemeenten))))})
    values, _ = region_observations(observations, regions, [region], catalogue, population, area)
    return values.drop(columns=["region_id", "delineation"]).reset_index(drop=True)


def region_observations(
    observations: pd.DataFrame,
    regions: pd.DataFrame,
    region_defs: list,
    catalogue: Catalogue,
    population: pd.DataFrame,
    area: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values for every region × delineation: the official CBS value where the delineation is exactly
    one CBS area, else derived from gemeenten, else (for unions of COROP areas) from COROP values."""
    from geo.aggregate import aggregate_regions

    gm = regions[(regions["region_level"] == "GM") & regions["is_current"]]
    area_members = membership_by_level(regions)
    area_sets = {code: frozenset(g["region_code"]) for code, g in area_members.groupby("group_code")}
    exact = {members: code for code, members in area_sets.items()}
    member_rows, exact_rows, groups = [], [], []
    corop_groups = []
    for region in region_defs:
        for name, delin in region.delineations.items():
            rid = f"{region.id}|{name}"
            members = frozenset(delin.gemeenten)
            member_rows += [{"region_id": region.id, "delineation": name, "gemeente_code": c} for c in sorted(members)]
            if members in exact:
                exact_rows.append((region.id, name, exact[members]))
            else:
                groups += [{"group_code": rid, "region_code": c} for c in members]
                corops = set(gm.loc[gm["region_code"].isin(members), "corop_code"])
                if members == frozenset().union(*(area_sets[c] for c in corops)):
                    corop_groups += [{"group_code": rid, "region_code": c} for c in corops]
    cols = ["region_id", "delineation", "indicator_id", "period", "value", "method", "coverage", "source_table", "reason"]
    parts = []
    for region_id, delineation, code in exact_rows:
        part = observations[observations["region_code"] == code].copy()
        part["region_id"], part["delineation"], part["reason"] = region_id, delineation, None
        parts.append(part[cols])
    if groups:
        membership = pd.DataFrame(groups)
        gm_obs = observations[observations["region_level"] == "GM"][["indicator_id", "region_code", "period", "value", "method"]]
        gm_obs = gm_obs[gm_obs["method"] == "cbs"].drop(columns="method")
        derived = [aggregate_by_catalogue(gm_obs, membership, catalogue, population, area)]
        if corop_groups:
            cr_obs = observations[(observations["region_level"] == "CR") & (observations["method"] == "cbs")]
            cr_pop = population.merge(gm[["region_code", "corop_code"]], on="region_code")
            cr_pop = cr_pop.groupby(["corop_code", "period"], as_index=False)["population"].sum()
            cr_pop = cr_pop.rename(columns={"corop_code": "region_code"})
            # Indicators that may be combined (plus those CBS publishes only down to COROP level, such as GDP
            # per inhabitant); 'none' indicators with gemeente data (e.g. median wealth) are never combined.
            ids = [i.indicator_id for i in catalogue.indicators.values()
                   if i.aggregation in ("weighted_mean", "median_approx", "sum")
                   or (i.aggregation == "none" and "GM" not in i.levels)]
            how = {i: ("sum" if catalogue.indicators[i].aggregation == "sum" else "weighted_mean") for i in ids}
            res = aggregate_regions(cr_obs[cr_obs["indicator_id"].isin(ids)][["indicator_id", "region_code", "period", "value"]],
                                    pd.DataFrame(corop_groups), cr_pop, how)
            res["method"] = res["indicator_id"].map(
                lambda i: "derived:som_van_corop" if how[i] == "sum" else "derived:bevolkingsgewogen_gemiddelde_van_corop"
            )
            res["_from_corop"] = True
            derived.append(res)
        allres = pd.concat(derived, ignore_index=True)
        allres["_from_corop"] = allres.get("_from_corop", False)
        allres["_from_corop"] = allres["_from_corop"].fillna(False).astype(bool)
        # Prefer gemeente-based values; use the COROP route only where the gemeente route has no value.
        allres["_has"] = allres["value"].notna()
        allres = allres.sort_values(["_has", "_from_corop"], ascending=[False, True])
        allres = allres.drop_duplicates(["indicator_id", "group_code", "period"], keep="first")
        split = allres["group_code"].str.split("|", expand=True)
        allres["region_id"], allres["delineation"] = split[0], split[1]
        source_of = {i.indicator_id: i.source_table for i in catalogue.indicators.values()}
        allres["source_table"] = allres["indicator_id"].map(source_of)
        parts.append(allres[cols])
    out = pd.concat(parts, ignore_index=True)
    return out, pd.DataFrame(member_rows)


# Published row order: the store carries no indexes (see write_store), so the big tables are sorted on the
# columns the pages filter by and DuckDB's per-segment min/max skips what a query does not need.
PUBLISHED_ORDER = {
    "observations": "indicator_id, region_level, period, region_code",
    "region_observations": "region_id, delineation, indicator_id, period",
}


def write_store(frames: dict[str, pd.DataFrame], path: Path, info: dict[str, str]) -> None:
    """Write all frames into a new DuckDB file at ``path`` (which must not exist).

    The tables are first loaded into an in-memory database with their keys enforced (a duplicate key fails the
    build), then copied into the file without keys or indexes. DuckDB loads an index block only when a lookup
    needs it, so a damaged index block would escape :meth:`Store.verify`; without indexes every block of the
    file is table data or catalogue, and verify reads all of it.
    """
    from seeds.areas import SIMILAR_SCHEMA
    from seeds.engine import ENGINE_SCHEMA

    con = duckdb.connect(":memory:", config=DUCKDB_OFFLINE)
    try:
        con.execute(SCHEMA + ENGINE_SCHEMA + SIMILAR_SCHEMA)
        for name, frame in frames.items():
            con.register("_frame", frame)
            columns = ", ".join(f'"{c}"' for c in frame.columns)
            con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM _frame")
            con.unregister("_frame")
        con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS published")
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'memory' ORDER BY table_name").fetchall()]
        for table in tables:
            order = f" ORDER BY {PUBLISHED_ORDER[table]}" if table in PUBLISHED_ORDER else ""
            con.execute(f'CREATE TABLE published."{table}" AS SELECT * FROM memory."{table}"{order}')
        con.execute("CHECKPOINT published")
        con.execute("DETACH published")
    finally:
        con.close()


def validate_store(path: Path) -> dict[str, int]:
    """Sanity checks on a freshly written store; raises ``DataError`` on the first failure."""
    con = duckdb.connect(str(path), read_only=True, config=DUCKDB_OFFLINE)
    try:
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("indicators", "regions", "observations", "region_observations", "sources")
        }
        dupes = con.execute(
            "SELECT count(*) FROM (SELECT indicator_id, region_code, period FROM observations "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        if dupes:
            raise DataError(f"store: {dupes} dubbele waarnemingen")
        levels = {r[0] for r in con.execute("SELECT DISTINCT region_level FROM observations").fetchall()}
        missing = {"NL", "PV", "CR", "GM"} - levels
        if missing:
            raise DataError(f"store: niveaus ontbreken: {sorted(missing)}")
        n_gm = con.execute("SELECT count(*) FROM regions WHERE region_level='GM' AND is_current").fetchone()[0]
        if n_gm != 342:
            raise DataError(f"store: {n_gm} huidige gemeenten in plaats van 342")
        bad = con.execute(
            "SELECT count(*) FROM observations o LEFT JOIN regions r USING (region_code) WHERE r.region_code IS NULL"
        ).fetchone()[0]
        if bad:
            raise DataError(f"store: {bad} waarnemingen met een onbekende regiocode")
        return counts
    finally:
        con.close()


STALE_FOREIGN_TEMP_S = 24 * 3600  # a temp file of another host: only removed when this old


def _temp_prefix(store: Path) -> str:
    """``<store>.<host>.<pid>.``: lets a later build tell whether the writer of a temp file still runs."""
    host = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"
    return f"{store.name}.{host}.{os.getpid()}."


def _writer_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp_files(store: Path) -> list[Path]:
    """Remove ``<store>.*.tmp`` / ``.tmp.wal`` left by a build that was killed (SIGKILL, power loss).

    A file of this host is stale when the process named in it no longer runs; a file of another host (or
    without a pid: older versions) when it is older than a day. A build still writing is never touched.
    """
    if not store.parent.is_dir():
        return []
    mine = re.escape(re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host")
    pattern = re.compile(rf"{re.escape(store.name)}\.(?:({mine})\.(\d+)\.|.*\.)?[^/]*\.tmp(?:\.wal)?")
    removed = []
    for path in store.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        if match.group(2):
            if _writer_alive(int(match.group(2))):
                continue
        else:
            try:
                if dt.datetime.now().timestamp() - path.stat().st_mtime < STALE_FOREIGN_TEMP_S:
                    continue
            except OSError:
                continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _write_failed(tmp: Path, err: duckdb.Error) -> DataError:
    text = " ".join(str(err).split())
    cause = "schijf vol" if "No space left" in text or "disk is full" in text.lower() else text[:200]
    return DataError(f"{tmp.name}: schrijven van de nieuwe store mislukt ({cause})")


def build_store(
    store: Path,
    source: RawSource,
    progress: Progress = _noop,
) -> BuildResult:
    """Build the store atomically: write a temp file beside ``store``, validate, then replace.

    Temp files left behind by a killed earlier build are removed first; every failure while writing (a full
    disk, a read-only folder, an interrupt) removes this build's temp file and leaves ``store`` as it was.
    """
    started = dt.datetime.now()
    frames = build_frames(source, progress)
    store.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(store)
    fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(store), suffix=".tmp", dir=store.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        progress("schrijven en controleren")
        info = {
            "built_at": started.isoformat(timespec="seconds"),
            "source": source.name,
            "data_dir": str(getattr(source, "data_dir", "")),
            "retrieved": started.date().isoformat(),
            "licence": "CBS open data, CC BY 4.0 (Bron: CBS)",
        }
        try:
            write_store(frames, tmp, info)
            validate_store(tmp)
        except duckdb.Error as err:
            raise _write_failed(tmp, err) from None
        os.replace(tmp, store)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    seconds = (dt.datetime.now() - started).total_seconds()
    obs = frames["observations"]
    return BuildResult(store, len(obs), int((obs["method"] != "cbs").sum()), len(frames["region_observations"]), seconds)


__all__ = ["REGION_CODE", "BuildResult", "build_frames", "build_store", "validate_store"]
