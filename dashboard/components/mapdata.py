"""The store's side of the maps: cached map specs' ingredients (domains, indicator meta, outlines, claims geometry).

Thin and Streamlit-cached; all drawing and colour logic lives in :mod:`dashboard.components.maps`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import maps

LEVEL_PLURAL = {"GM": "gemeenten", "CR": "COROP-gebieden", "PV": "provincies"}


def source_name(source_table: str) -> str:
    """'Regionale Monitor Brede Welvaart' for RMBW, else the CBS table id."""
    return "Regionale Monitor Brede Welvaart" if source_table == "RMBW" else source_table


@st.cache_resource(show_spinner=False, max_entries=1024)
def domain(indicator_id: str, level: str, period: int) -> tuple[float, float] | None:
    """The colour domain of an indicator, level and period: the robust range of all areas in the Netherlands."""
    return maps.national_domain(data.level_values(indicator_id, level, period)["value"].tolist())


def indicator(indicator_id: str, level: str, period: int, frame: pd.DataFrame) -> maps.Indicator:
    """What the colours of a map mean (name, unit, direction, source, period, NL value)."""
    cat = data.indicators().loc[indicator_id]
    nl_value = frame["nl_value"].iloc[0] if len(frame) and "nl_value" in frame else None
    return maps.Indicator(
        name=str(cat["name_nl"]), unit=str(cat["unit"]), direction=str(cat["direction"]),
        source=f"CBS {source_name(cat['source_table'])}", period=int(period),
        nl_value=None if nl_value is None or pd.isna(nl_value) else float(nl_value),
        level_plural=LEVEL_PLURAL.get(level, level),
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def outline(region_id: str, delineation: str) -> maps.Outline:
    """A region's outline."""
    name = data.region_defs()[region_id].name
    return maps.Outline(name=name, geometry=data.shape(f"outline:{region_id}:{delineation}")["geometry"])


@st.cache_resource(show_spinner=False)
def ten_outlines() -> tuple[maps.Outline, ...]:
    """The outlines of the ten regions (default delineations), labelled, each with the gemeenten and COROP areas
    that lie in it (their tooltips name the region)."""
    table = data.regions_table()
    gm = table[(table["region_level"] == "GM") & table["is_current"]]
    corop = {str(c): set(part) for c, part in gm.groupby("corop_code")["region_code"]}
    out = []
    for rid, r in data.region_defs().items():
        if "tien" not in r.groups:
            continue
        o = outline(rid, r.default_delineation)
        members = set(data.region_members(rid, r.default_delineation))
        inside = {c for c, gemeenten in corop.items() if gemeenten <= members}
        out.append(maps.Outline(name=o.name, geometry=o.geometry, width=1.7, label=True,
                                members=frozenset(members | inside)))
    return tuple(out)


@st.cache_resource(show_spinner=False)
def claims_geo() -> maps.ClaimsGeo:
    """Shapes and names by CBS code, gemeenten per GM/CR/PV code and the regions (for the claims layer)."""
    shapes: dict[str, Any] = {}
    names: dict[str, str] = {}
    for level in ("GM", "CR", "PV"):
        for feature in data.shape(level)["features"]:
            shapes[feature["id"]] = feature["geometry"]
            names[feature["id"]] = feature["properties"].get("statnaam", feature["id"])
    table = data.regions_table()
    gm = table[(table["region_level"] == "GM") & table["is_current"]]
    gemeenten_of: dict[str, frozenset[str]] = {c: frozenset([c]) for c in gm["region_code"]}
    for column in ("corop_code", "province_code"):
        for code, part in gm.groupby(column)["region_code"]:
            gemeenten_of[str(code)] = frozenset(part)
    regions = {
        rid: maps.RegionGeo(
            name=r.name, outline=data.shape(f"outline:{rid}:{r.default_delineation}")["geometry"],
            gemeenten=frozenset(data.region_members(rid, r.default_delineation)),
        )
        for rid, r in data.region_defs().items() if rid != "nederland"
    }
    return maps.ClaimsGeo(shapes=shapes, names=names, gemeenten_of=gemeenten_of, regions=regions)


@st.cache_resource(show_spinner=False, max_entries=128)
def claims(claim_ids: tuple[str, ...] | None = None, region_id: str | None = None,
           outline_areas: bool = True) -> maps.ClaimsLayer:
    """The claims layer: all claims, those with ``claim_ids``, or (``region_id``) those about one region."""
    from dashboard.components.claims_layer import claims_and_documents

    everything, _ = claims_and_documents()
    chosen = [c for c in everything if (claim_ids is None or c.id in claim_ids)
              and (region_id is None or region_id in c.regions)]
    return maps.claims_layer(chosen, claims_geo(), region_id=region_id, outline_areas=outline_areas)
