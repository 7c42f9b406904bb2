"""One read model for an area's profile: (area, delineation) → an immutable :class:`Profile`, read from the store.

An *area* is one of the regions (``twente`` with a delineation) or any CBS area: a gemeente (``GM0153``), a COROP
area (``CR39``), a province (``PV31``) or Nederland (``NL01``). The region page, the area page (``/gebied``),
presentation mode and the printed profile all read their figures from here; nothing is compared here: niveau,
gap trend and verdicts are the pipeline's stored results, positions are ranks of the stored values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import mapdata, maps, summary
from dashboard.components.fmt import fmt_signed, method_nl, rank_text, with_unit

DEFAULT_MAP_INDICATOR = "ervaren_gezondheid"
AREA_DELINEATION = "cbs"  # the theme overview of a CBS area is stored under this delineation (seeds/areas.py)
LEVELS = ("GM", "CR", "PV", "NL")
OWN_KEY = "eigen"  # Area.key and level of an own region (a set of gemeenten chosen by the visitor)
LEVEL_NL = {"eigen": "Eigen regio", "regio": "Regio", "GM": "Gemeente", "CR": "COROP-gebied", "PV": "Provincie", "NL": "Land"}
PEERS_NL = {"eigen": "COROP-gebieden", "regio": "COROP-gebieden", "GM": "gemeenten", "CR": "COROP-gebieden", "PV": "provincies"}
# viewBox of the presentation map incl. legend; CSS shows it 75vh high (545 px at 720): every text ≥ 21 px.
GM_SURROUNDINGS = 0.3  # degrees of latitude (about 33 km) shown around a gemeente at least
PRESENTATION_MAP = {"width": 520, "total_height": 545, "font_px": 21, "aspect": 0.8}
# The beamer's map: narrower, so that a 4:3 screen (map column ≈ 425 px wide at 1024) still draws its text ≥ 20 px.
BEAMER_MAP = {"width": 430, "total_height": 545, "font_px": 21, "aspect": 0.8}
# Short names on the beamer (cards and the map's legend); the unit line and the tooltip keep the full definition.
PRESENTATION_LABELS = {"levensverwachting": "Levensverwachting", "mediaan_inkomen": "Mediaan inkomen",
                       "werkloosheid": "Werkloosheid", "tevredenheid_leven": "Tevreden met het leven",
                       "ervaren_gezondheid": "Ervaren gezondheid", "afstand_ziekenhuis": "Afstand ziekenhuis"}
# A labelled map names every member gemeente (on the map or in a numbered key) up to this many members (Noord-Nederland
# has 40); larger areas (the big provinces, Nederland) name what fits, as a key of 50+ names would not fit a PDF page.
MAX_NAMED = 40
_EMPTY_VALUES = ["indicator_id", "period", "value", "method", "coverage", "source_table", "reason"]


@dataclass(frozen=True)
class Area:
    """What a profile is about: a region delineation (``level`` 'regio') or one CBS area."""

    key: str  # region id or CBS code
    name: str
    level: str  # 'regio', 'GM', 'CR', 'PV' or 'NL'
    delineation: str | None  # the region's delineation; None for a CBS area

    @property
    def is_region(self) -> bool:
        """True for one of the regions of regions.yaml."""
        return self.level == "regio"

    @property
    def level_name(self) -> str:
        """'Gemeente', 'COROP-gebied', … in Dutch."""
        return LEVEL_NL.get(self.level, self.level)


@dataclass(frozen=True)
class RegionLink:
    """A region of regions.yaml an area belongs to (for links to its page)."""

    region_id: str
    name: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    """Everything an area's profile shows, read once from the store (frames are shared: never modify them)."""

    area: Area
    members: tuple[str, ...]  # gemeente codes
    headline: pd.DataFrame  # key figures: value, NL, difference, position among peers, niveau, gap trend
    overview: pd.DataFrame  # per theme: counts better / gelijk / slechter and gap movements
    indicators: pd.DataFrame  # the broad-welfare profile (stored distance to NL per indicator)
    peers: pd.DataFrame  # the most similar areas (stored)
    regions: tuple[RegionLink, ...]  # the regions (of the ten first) the area lies in
    claims: tuple[dict[str, Any], ...]  # claims about the area (or its regions) with their stored verdict


def area(key: str, delineation: str | None = None) -> Area | None:
    """The area for a region id (with its default delineation when None) or a current CBS code; None when unknown."""
    defs = data.region_defs()
    if key in defs:
        region = defs[key]
        chosen = delineation if delineation in region.delineations else region.default_delineation
        return Area(key, region.name, "regio", chosen)
    code = key.strip().upper()
    table = data.regions_table()
    hit = table[(table["region_code"] == code) & table["is_current"] & table["region_level"].isin(LEVELS)]
    if hit.empty:
        return None
    return Area(code, str(hit["name"].iloc[0]), str(hit["region_level"].iloc[0]), None)


@st.cache_resource(show_spinner=False, max_entries=512)
def members(key: str, delineation: str | None) -> tuple[str, ...]:
    """Gemeente codes of a region delineation or a CBS area."""
    if delineation is not None:
        return tuple(data.region_members(key, delineation))
    table = data.regions_table()
    gm = table[(table["region_level"] == "GM") & table["is_current"]]
    if key.startswith("GM"):
        return (key,) if key in set(gm["region_code"]) else ()
    column = {"CR": "corop_code", "PV": "province_code"}.get(key[:2])
    chosen = gm if key == "NL01" else gm[gm[column] == key] if column else gm.iloc[0:0]
    return tuple(sorted(chosen["region_code"]))


@st.cache_resource(show_spinner=False, max_entries=512)
def values(key: str, delineation: str | None) -> pd.DataFrame:
    """Every stored value (all periods) of a region delineation or a CBS area."""
    if delineation is not None:
        return data.region_values(key, delineation)
    frame = data.area_values(key)
    return frame if len(frame) else pd.DataFrame(columns=_EMPTY_VALUES)


@st.cache_resource(show_spinner=False, max_entries=512)
def comparisons(key: str, delineation: str | None) -> pd.DataFrame:
    """The stored comparisons; for a CBS area the position is its rank among the areas of its own level."""
    if key == "NL01":
        return _national()
    comps = data.comparisons(key, delineation)
    if delineation is not None or comps.empty:
        return comps
    level = key[:2]
    ranks, counts = [], []
    for iid, period in zip(comps["indicator_id"], comps["period"], strict=True):
        frame = data.level_values(iid, level, int(period))
        hit = frame.loc[frame["region_code"] == key, "rank"]
        has_rank = len(hit) and pd.notna(hit.iloc[0]) and pd.notna(comps.loc[iid, "rank"])
        ranks.append(int(hit.iloc[0]) if has_rank else None)
        counts.append(int(frame["value"].notna().sum()) if has_rank else None)
    return comps.assign(rank=pd.array(ranks, dtype="Int64"), n_ranked=pd.array(counts, dtype="Int64"))


def _national() -> pd.DataFrame:
    """NL's latest value per indicator in the shape of ``comparisons`` (NL against itself: no niveau, no rank)."""
    nl = data.nl_values()
    latest = nl[nl["value"].notna()].sort_values("period").groupby("indicator_id").tail(1)
    frame = pd.DataFrame({"indicator_id": latest["indicator_id"], "period": latest["period"], "value": latest["value"],
                          "nl_value": latest["value"], "diff": 0.0, "method": latest["method"],
                          "source_table": latest["source_table"]})
    for column in ("z", "niveau", "niveau_reason", "rank", "n_ranked", "coverage", "index_nl", "kloof", "kloof_from",
                   "kloof_to", "gap_first", "gap_last", "gap_change"):
        frame[column] = None
    return frame.set_index("indicator_id", drop=False).sort_index()


def headline_frame(key: str, delineation: str | None, indicator_ids: list[str]) -> pd.DataFrame:
    """Headline rows (value, NL, difference, position among peers, niveau, gap trend) for some indicators."""
    return _headline_frame(key, delineation, tuple(indicator_ids))


@st.cache_resource(show_spinner=False, max_entries=256)
def _headline_frame(key: str, delineation: str | None, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    return summary.headline_rows(comparisons(key, delineation), data.indicators(), indicator_ids,
                                 values(key, delineation))


@st.cache_resource(show_spinner=False, max_entries=256)
def theme_overview(key: str, delineation: str | None) -> pd.DataFrame:
    """Per theme the stored counts (regions: their delineation; CBS areas: :data:`AREA_DELINEATION`)."""
    return data.theme_overview(key, delineation or AREA_DELINEATION)


@st.cache_resource(show_spinner=False, max_entries=128)
def profile_frame(key: str, delineation: str | None) -> pd.DataFrame:
    """The broad-welfare profile: the stored comparison per indicator (robust sd of the COROP areas)."""
    order = theme_overview(key, delineation)["theme"].tolist()
    return summary.profile(comparisons(key, delineation), data.indicators(), theme_order=order)


def _province_of(codes: tuple[str, ...]) -> str | None:
    regions = data.regions_table()
    provs = regions[regions["region_code"].isin(codes)]["province_code"].dropna()
    return provs.mode().iloc[0] if len(provs) else None


@st.cache_resource(show_spinner=False, max_entries=128)
def facilities_frame(key: str, delineation: str | None) -> pd.DataFrame:
    """Key facility distances: the area (latest), NL (same year), the area in its first year."""
    vals = values(key, delineation)
    nl = data.nl_values()
    cat = data.indicators()
    rows = []
    for iid in data.KEY_FACILITIES:
        reg = vals[(vals["indicator_id"] == iid) & vals["value"].notna()].sort_values("period")
        if reg.empty:
            continue
        last, first = reg.iloc[-1], reg.iloc[0]
        nlv = nl[(nl["indicator_id"] == iid) & (nl["period"] == last["period"])]["value"]
        rows.append({
            "Voorziening": cat.loc[iid, "name_nl"].replace("Afstand tot ", ""),
            "Jaar": int(last["period"]), "Regio (km)": round(float(last["value"]), 2),
            "Nederland (km)": round(float(nlv.iloc[0]), 2) if len(nlv) else None,
            "Regio eerder (km)": round(float(first["value"]), 2), "Eerder jaar": int(first["period"]),
            "Methode": method_nl(last["method"]),
        })
    return pd.DataFrame(rows)


@st.cache_resource(show_spinner=False, max_entries=256)
def trend_series(key: str, delineation: str | None, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    """Long table (indicator_id, period, value, wie) of the area, NL and the area's main province."""
    target = area(key, delineation)
    name = target.name if target else key
    own = values(key, delineation)
    prov = _province_of(members(key, delineation)) if key[:2] not in ("PV", "NL") else None
    parts = []
    for iid in indicator_ids:
        mine = own[(own["indicator_id"] == iid) & own["value"].notna()][["period", "value"]]
        parts.append(mine.assign(indicator_id=iid, wie=name))
        if key == "NL01":
            continue
        other = data.series(iid, ("NL01",) + ((prov,) if prov else ()))
        for code in ("NL01", prov):
            part = other[other["region_code"] == code][["period", "value"]] if code else pd.DataFrame()
            if len(part):
                parts.append(part.assign(indicator_id=iid, wie=data.get_store().region_name(code)))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["indicator_id", "period", "value", "wie"])


@st.cache_resource(show_spinner=False, max_entries=512)
def gemeenten_table(key: str, delineation: str | None, indicator_id: str) -> pd.DataFrame:
    """The area's gemeenten for one indicator (latest gemeente year): value, NL, rank among all, geen data (built
    once per store version, shared: never modify it)."""
    cat = data.indicators().loc[indicator_id]
    periods = data.periods(indicator_id, "GM")
    codes = members(key, delineation)
    names = data.regions_table().set_index("region_code")["name"]
    if not periods:
        return pd.DataFrame({"Gemeente": [names.get(c, c) for c in codes], "Status": "geen data"})
    frame = data.level_values(indicator_id, "GM", periods[-1]).set_index("region_code")
    n_ranked = int(frame["value"].notna().sum())
    rows = []
    for code in codes:
        hit = frame.loc[code] if code in frame.index else None
        value = hit["value"] if hit is not None else None
        has = value is not None and pd.notna(value)
        rows.append({
            "Gemeente": names.get(code, code),
            "_rank": float(hit["rank"]) if has and pd.notna(hit["rank"]) else float("inf"),
            f"Positie (van {n_ranked})": rank_text(hit["rank"] if has else None, len(str(n_ranked))),
            f"Waarde ({periods[-1]})": with_unit(value, cat["unit"]) if has else "geen data",
            "Nederland": with_unit(frame["nl_value"].iloc[0], cat["unit"]) if len(frame) else "–",
            "Verschil met NL": fmt_signed(float(value) - float(frame["nl_value"].iloc[0])) if has else "–",
        })
    return pd.DataFrame(rows).sort_values(["_rank", "Gemeente"]).drop(columns="_rank").reset_index(drop=True)


@st.cache_resource(show_spinner=False, max_entries=128)
def peers(key: str, delineation: str | None) -> pd.DataFrame:
    """The most similar areas (stored by the pipeline): COROP areas for a region, same-level areas for a CBS area."""
    if delineation is not None:
        return data.peers(key, delineation)
    return data.similar_areas(key)


@st.cache_resource(show_spinner=False, max_entries=512)
def regions_of(key: str, delineation: str | None = None) -> tuple[RegionLink, ...]:
    """The regions (default delineation; the ten first) that contain the area's gemeenten (a gemeente: the
    regions it belongs to; a larger area: the regions that lie wholly inside it or that it lies in)."""
    if delineation is not None or key == "NL01":
        return ()
    mine = set(members(key, None))
    if not mine:
        return ()
    out = []
    for rid, r in data.region_defs().items():
        if rid == "nederland":
            continue
        theirs = set(data.region_members(rid, r.default_delineation))
        if theirs and (mine <= theirs or theirs <= mine):
            out.append(RegionLink(rid, r.name, r.groups))
    return tuple(sorted(out, key=lambda link: "tien" not in link.groups))


@st.cache_resource(show_spinner=False, max_entries=256)
def claims(key: str, delineation: str | None) -> tuple[dict[str, Any], ...]:
    """The claims about the region (or, for a CBS area, about the regions it lies in) with their stored verdict
    for that region: dicts with ``claim`` (the register's claim), ``region_id``, ``delineation`` and ``verdict``."""
    if delineation is not None:
        targets = [(key, delineation)]
    else:
        defs = data.region_defs()
        targets = [(link.region_id, defs[link.region_id].default_delineation) for link in regions_of(key)]
    return _claims_of(targets)


def _claims_of(targets: list[tuple[str, str]]) -> tuple[dict[str, Any], ...]:
    from dashboard.components.claims_layer import claim_verdict, claims_and_documents

    everything, _ = claims_and_documents()
    out = []
    for rid, delin in targets:
        # claims registered as saying what another says carry its verdict and are shown on its card
        mine = (c for c in everything if rid in c.regions and not c.same_as)
        for claim in sorted(mine, key=lambda c: (not c.testable, c.id)):
            out.append({"claim": claim, "region_id": rid, "delineation": delin,
                        "verdict": claim_verdict(claim.id, rid, delin)})
    return tuple(out)


@st.cache_resource(show_spinner=False, max_entries=256)
def load(key: str, delineation: str | None = None) -> Profile | None:
    """The profile of a region delineation or CBS area (None when the area is unknown)."""
    target = area(key, delineation)
    if target is None:
        return None
    k, d = target.key, target.delineation
    return Profile(area=target, members=members(k, d), headline=headline_frame(k, d, data.KEY_INDICATORS),
                   overview=theme_overview(k, d), indicators=profile_frame(k, d), peers=peers(k, d),
                   regions=regions_of(k, d), claims=claims(k, d))


# --- the map of an area ------------------------------------------------------------------------------------


def outline(key: str, delineation: str | None) -> maps.Outline:
    """The outline of a region delineation or of a CBS area (its own boundary)."""
    if delineation is not None:
        return mapdata.outline(key, delineation)
    return _area_outline(key)


@st.cache_resource(show_spinner=False, max_entries=512)
def _area_outline(code: str) -> maps.Outline:
    level = "GM" if code == "NL01" else code[:2]
    if code == "NL01":
        import shapely
        from shapely.geometry import mapping, shape

        merged = shapely.union_all([shape(f["geometry"]) for f in data.shape("PV")["features"]])
        return maps.Outline(name="Nederland", geometry=mapping(merged))
    feature = next(f for f in data.shape(level)["features"] if f["id"] == code)
    return maps.Outline(name=feature["properties"].get("statnaam", code), geometry=feature["geometry"])


@st.cache_resource(show_spinner=False, max_entries=256)
def region_map(key: str, delineation: str | None, indicator_id: str, show_claims: bool = False,
               aspect: float | None = None) -> maps.MapSpec:
    """The area's gemeenten coloured for one indicator (latest period, national colour domain), its outline on top,
    the surrounding gemeenten (for a gemeente) or COROP areas faded; ``aspect`` (height/width) fixes the shape."""
    target = area(key, delineation)
    codes = members(key, delineation)
    gm_periods = data.periods(indicator_id, "GM")
    period = gm_periods[-1] if gm_periods else None
    frame = data.level_values(indicator_id, "GM", period) if period else pd.DataFrame(
        columns=["region_code", "name", "value", "rank", "nl_value", "period", "method"])
    line = outline(key, delineation)
    bbox = maps.geometry_bbox([line.geometry])
    if key.startswith("GM"):  # a gemeente in its surroundings: at least GM_SURROUNDINGS degrees of latitude
        x0, y0, x1, y1 = bbox
        grow = max(0.0, GM_SURROUNDINGS - (y1 - y0)) / 2
        bbox = (x0 - grow * 1.6, y0 - grow, x1 + grow * 1.6, y1 + grow)
    bbox = maps.padded_bbox(bbox, pad=0.25 if key.startswith("GM") else 0.06)
    if aspect is not None:
        bbox = maps.fit_bbox(bbox, aspect)
    gemeenten = data.shape("GM")["features"]
    features = maps.features_in(gemeenten, bbox) if key.startswith("GM") else maps.subset(gemeenten, codes)
    context_level = "GM" if key.startswith("GM") else "CR"
    context = [] if key.startswith("GM") else maps.features_in(data.shape(context_level)["features"], bbox)
    return maps.MapSpec(
        features=features, values=maps.area_values(frame),
        indicator=mapdata.indicator(indicator_id, "GM", period or 0, frame) if period else None,
        domain=mapdata.domain(indicator_id, "GM", period) if period else None,
        context=context, outlines=(line,),
        claims=mapdata.claims(region_id=key) if show_claims and delineation is not None else None, bbox=bbox,
        title=target.name if target else key, named=codes if len(codes) <= MAX_NAMED else (),
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def region_svg(key: str, delineation: str | None, indicator_id: str, show_claims: bool = False,
               presentation: bool = False, beamer: bool = False) -> str:
    """The area map as the page sends it: interactive SVG and table, or for the PDF (``presentation``) a static
    SVG with the gemeente names on the map; ``beamer`` the same in the narrower box of presentation mode."""
    if presentation or beamer:
        p = BEAMER_MAP if beamer else PRESENTATION_MAP
        spec = region_map(key, delineation, indicator_id, show_claims, aspect=p["aspect"])
        if beamer and spec.indicator is not None and indicator_id in PRESENTATION_LABELS:  # one legend line, not two
            spec = dataclasses.replace(spec, indicator=dataclasses.replace(spec.indicator, name=PRESENTATION_LABELS[indicator_id]))
        return maps.payload(spec, table=False, width=p["width"], total_height=p["total_height"], labels=True,
                            font_px=p["font_px"], interactive=False, uid="pm", legend_title=True, key_inside=beamer)
    return maps.payload(region_map(key, delineation, indicator_id, show_claims), width=700, font_px=16, uid="rm")


@dataclass(frozen=True)
class MemberMap:
    """Presentation mode's Gemeenten view: the region's gemeenten on the beamer map, uncoloured and each with a
    numbered disc (north to south; a leader line where it had to move), the key (``numbered``) beside the map."""

    svg: str
    numbered: tuple[str, ...]


@st.cache_resource(show_spinner=False, max_entries=64)
def member_map(key: str, delineation: str | None) -> MemberMap:
    """:class:`MemberMap` of a region (or an area of at most :data:`MAX_NAMED` gemeenten): numbers instead of
    names leave the map its whole height and no leader-line tangle, so even Noord-Nederland's 40 are all named."""
    spec = region_map(key, delineation, DEFAULT_MAP_INDICATOR, False, aspect=BEAMER_MAP["aspect"])
    spec = dataclasses.replace(spec, indicator=None, domain=None)
    svg, numbered = maps.render_svg_numbered(spec, width=BEAMER_MAP["width"], total_height=BEAMER_MAP["total_height"],
                                             font_px=BEAMER_MAP["font_px"], uid="pg", write_names=False)
    return MemberMap(svg=svg, numbered=tuple(numbered))


# --- an own region: any set of gemeenten -----------------------------------------------------------------


def current_gemeenten() -> dict[str, str]:
    """Code → name of the 342 current gemeenten, sorted by name."""
    table = data.regions_table()
    gm = table[(table["region_level"] == "GM") & table["is_current"]].sort_values("name")
    return dict(zip(gm["region_code"], gm["name"], strict=True))


@st.cache_resource(show_spinner=False, max_entries=64)
def own_comparisons(codes: tuple[str, ...]) -> pd.DataFrame:
    """Per indicator the own region's latest value with an NL value of the same year: value, NL, difference and the
    position among the COROP areas of that year (``n_ranked``: the COROP areas plus the set, unless it is one), in
    the columns of ``comparisons``; no niveau or gap trend: those are the pipeline's verdicts, computed only for the
    stored areas."""
    vals = data.own_region_values(codes)
    vals = vals[vals["value"].notna()]
    nl = data.nl_values().set_index(["indicator_id", "period"])["value"]
    cat = data.indicators()
    corops = set(data.regions_table().set_index("region_code").reindex(codes)["corop_code"].dropna())
    is_corop = len(corops) == 1 and set(members(corops.pop(), None)) == set(codes)
    rows = []
    for iid, part in vals.groupby("indicator_id"):
        if iid not in cat.index:
            continue
        part = part.assign(nl=[nl.get((iid, p)) for p in part["period"]]).sort_values("period")
        with_nl = part[part["nl"].notna()]
        last = (with_nl if len(with_nl) else part).iloc[-1]
        period, value = int(last["period"]), float(last["value"])
        nl_value = float(last["nl"]) if pd.notna(last["nl"]) else None
        rank, n_ranked = None, None
        if cat.loc[iid, "direction"] != "neutral":
            corop = data.level_values(iid, "CR", period)["value"].dropna()
            if len(corop):
                rank, n_ranked = summary.rank_in(corop, value, cat.loc[iid, "direction"])
                n_ranked += 0 if is_corop else 1  # the set takes its place among the COROP areas
        rows.append({"indicator_id": iid, "period": period, "value": value, "nl_value": nl_value,
                     "diff": value - nl_value if nl_value is not None else None, "rank": rank, "n_ranked": n_ranked,
                     "method": last["method"], "source_table": last["source_table"], "coverage": last["coverage"]})
    frame = pd.DataFrame(rows, columns=["indicator_id", "period", "value", "nl_value", "diff", "rank", "n_ranked",
                                        "method", "source_table", "coverage"])
    for column in ("z", "niveau", "niveau_reason", "index_nl", "kloof", "kloof_from", "kloof_to", "gap_first",
                   "gap_last", "gap_change"):
        frame[column] = None
    frame["rank"] = pd.array(frame["rank"], dtype="Int64")
    frame["n_ranked"] = pd.array(frame["n_ranked"], dtype="Int64")
    return frame.set_index("indicator_id", drop=False).sort_index()


def own_regions(codes: tuple[str, ...]) -> tuple[RegionLink, ...]:
    """The regions (default delineation; the ten first) that share at least one gemeente with the set."""
    mine = set(codes)
    out = [RegionLink(rid, r.name, r.groups) for rid, r in data.region_defs().items()
           if rid != "nederland" and mine & set(data.region_members(rid, r.default_delineation))]
    return tuple(sorted(out, key=lambda link: "tien" not in link.groups))


@st.cache_resource(show_spinner=False, max_entries=64)
def own_load(codes: tuple[str, ...]) -> Profile:
    """The profile of an own region: its figures aggregated as the build aggregates a region, the claims of the
    regions it overlaps with their stored verdicts (for those regions, not for the set)."""
    codes = tuple(sorted(set(codes)))
    regions = own_regions(codes)
    defs = data.region_defs()
    comps = own_comparisons(codes)
    cat = data.indicators()
    headline = summary.headline_rows(comps, cat, data.KEY_INDICATORS, data.own_region_values(codes))
    return Profile(area=Area(OWN_KEY, "Eigen regio", OWN_KEY, None), members=codes, headline=headline,
                   overview=pd.DataFrame(), indicators=comps, peers=pd.DataFrame(), regions=regions,
                   claims=_claims_of([(r.region_id, defs[r.region_id].default_delineation) for r in regions]))


@st.cache_resource(show_spinner=False, max_entries=64)
def own_map(codes: tuple[str, ...], indicator_id: str, aspect: float | None = None) -> maps.MapSpec:
    """The own region's gemeenten coloured for one indicator (latest gemeente period, national colour domain), the
    set's outline on top and the COROP areas around it faded, as :func:`region_map` draws a region."""
    import shapely
    from shapely.geometry import mapping, shape

    codes = tuple(sorted(set(codes)))
    gemeenten = data.shape("GM")["features"]
    features = maps.subset(gemeenten, codes)
    line = maps.Outline(name="Eigen regio", geometry=mapping(shapely.union_all([shape(f["geometry"]) for f in features])))
    gm_periods = data.periods(indicator_id, "GM")
    period = gm_periods[-1] if gm_periods else None
    frame = data.level_values(indicator_id, "GM", period) if period else pd.DataFrame(
        columns=["region_code", "name", "value", "rank", "nl_value", "period", "method"])
    bbox = maps.padded_bbox(maps.geometry_bbox([line.geometry]), pad=0.06)
    if aspect is not None:
        bbox = maps.fit_bbox(bbox, aspect)
    return maps.MapSpec(
        features=features, values=maps.area_values(frame),
        indicator=mapdata.indicator(indicator_id, "GM", period or 0, frame) if period else None,
        domain=mapdata.domain(indicator_id, "GM", period) if period else None,
        context=maps.features_in(data.shape("CR")["features"], bbox), outlines=(line,), claims=None, bbox=bbox,
        title="Eigen regio",
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def own_svg(codes: tuple[str, ...], indicator_id: str, presentation: bool = False) -> str:
    """The own region's map as the page sends it (interactive SVG and table), or for the PDF a static SVG with the
    gemeente names on the map (as :func:`region_svg`)."""
    if presentation:
        p = PRESENTATION_MAP
        return maps.payload(own_map(codes, indicator_id, aspect=p["aspect"]), table=False, width=p["width"],
                            total_height=p["total_height"], labels=True, font_px=p["font_px"], interactive=False,
                            uid="pm", legend_title=True)
    return maps.payload(own_map(codes, indicator_id), width=700, font_px=16, uid="om")
