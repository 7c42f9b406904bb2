"""The documents' claims on the maps and beside the data (markers, schematic lines, outlined areas)."""

from __future__ import annotations

import html
import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import shapely
import streamlit as st
from shapely.geometry import shape as to_shape

from dashboard import data
from dashboard.components.maps import outline_coords
from dashboard.safety import safe_text

CLAIM_COLOUR = "#762a83"  # purple: distinct from the blue-yellow value scale and the green/orange verdicts
VERDICT_STYLE = {
    "ondersteund": (":material/check_circle:", "green"),
    "deels ondersteund": (":material/contrast:", "violet"),
    "niet ondersteund": (":material/cancel:", "orange"),
    "niet toetsbaar": (":material/help:", "gray"),
}
VERDICT_HTML_COLOUR = {"ondersteund": "#1b7837", "deels ondersteund": "#762a83", "niet ondersteund": "#b35806"}


@st.cache_data(show_spinner=False)
def claims_and_documents() -> tuple[list[Any], dict[str, Any]]:
    """All claims and the documents by file name (from seeds/*.yaml)."""
    from seeds.claims import load_claims, load_documents

    return load_claims(), {d.file: d for d in load_documents()}


def _wrap(text: str, width: int = 60) -> str:
    return "<br>".join(textwrap.wrap(html.escape(text), width))


@st.cache_data(show_spinner=False)
def _feature_index() -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for level in ("GM", "CR", "PV"):
        for feature in data.shape(level)["features"]:
            index[feature["id"]] = feature
    return index


@st.cache_data(show_spinner=False)
def area_anchor(codes: tuple[str, ...]) -> tuple[float, float] | None:
    """A representative point (lon, lat) inside the union of the claim's areas."""
    index = _feature_index()
    geoms = [to_shape(index[c]["geometry"]) for c in codes if c in index]
    if not geoms:
        return None
    point = shapely.union_all(geoms).representative_point()
    return point.x, point.y


def claim_hover(claim: Any, docs: dict[str, Any]) -> str:
    """Hover text: paraphrase, document title and section (escaped)."""
    doc = docs.get(claim.document)
    title = doc.title if doc else claim.document
    return (f"<b>{html.escape(claim.id)} · {html.escape(claim.kind)}</b><br>{_wrap(claim.paraphrase)}"
            f"<br><i>{_wrap(title)}</i>")


def add_claims_layer(fig: go.Figure, region_id: str | None) -> int:
    """Add the claims (all, or those about one region) to a map figure; returns how many markers were drawn.
    On the national map areas get a marker only (their outlines would double the figure's size)."""
    claims, docs = claims_and_documents()
    if region_id is not None:
        claims = [c for c in claims if region_id in c.regions]
    return draw_claims(fig, claims, docs, outline_areas=region_id is not None)


def draw_claims(fig: go.Figure, claims: list[Any], docs: dict[str, Any], outline_areas: bool = True) -> int:
    """Draw claims as markers (points and area anchors), schematic lines and (optionally) outlined areas."""
    index = _feature_index()
    pts_lon, pts_lat, pts_text = [], [], []
    line_lon: list[float | None] = []
    line_lat: list[float | None] = []
    area_lon: list[float | None] = []
    area_lat: list[float | None] = []
    for claim in claims:
        loc = claim.location
        hover = claim_hover(claim, docs)
        if loc.type == "point":
            pts_lon.append(loc.lon)
            pts_lat.append(loc.lat)
            pts_text.append(hover + f"<br>Locatie: {html.escape(loc.name)}")
        elif loc.type == "line":
            if line_lon:
                line_lon.append(None)
                line_lat.append(None)
            line_lon += [t.lon for t in loc.towns]
            line_lat += [t.lat for t in loc.towns]
            mid = loc.towns[len(loc.towns) // 2]
            pts_lon.append(mid.lon)
            pts_lat.append(mid.lat)
            pts_text.append(hover + "<br>(schematische lijn: " + html.escape(" – ".join(t.name for t in loc.towns)) + ")")
        else:
            codes = tuple(c for c in loc.codes if c != "NL01")
            if not codes or len(codes) > 20:
                continue  # national claims are listed, not drawn
            for code in codes if outline_areas else ():
                if code in index:
                    lons, lats = outline_coords(index[code])
                    if area_lon:
                        area_lon.append(None)
                        area_lat.append(None)
                    area_lon += lons
                    area_lat += lats
            anchor = area_anchor(codes)
            if anchor:
                pts_lon.append(anchor[0])
                pts_lat.append(anchor[1])
                pts_text.append(hover)
    if area_lon:
        fig.add_trace(go.Scattermap(lon=area_lon, lat=area_lat, mode="lines", hoverinfo="skip", showlegend=False,
                                    line={"color": CLAIM_COLOUR, "width": 1.5}, opacity=0.7, name="claimgebieden"))
    if line_lon:
        fig.add_trace(go.Scattermap(lon=line_lon, lat=line_lat, mode="lines", hoverinfo="skip", showlegend=False,
                                    line={"color": CLAIM_COLOUR, "width": 4}, name="claimlijnen"))
    if pts_lon:
        fig.add_trace(go.Scattermap(lon=pts_lon, lat=pts_lat, mode="markers", hoverinfo="skip", showlegend=False,
                                    marker={"size": 17, "color": "white"}, name="claims-rand"))
        fig.add_trace(go.Scattermap(lon=pts_lon, lat=pts_lat, mode="markers", text=pts_text, showlegend=False,
                                    hovertemplate="%{text}<extra></extra>", marker={"size": 12, "color": CLAIM_COLOUR},
                                    name="claims"))
    return len(pts_lon)


def claim_verdict(claim_id: str, region_id: str | None = None, delineation: str | None = None) -> dict[str, Any]:
    """The stored verdict of a claim: for one region and delineation when given, else for the claim as a whole."""
    if region_id is not None:
        rows = data.region_claim_verdicts(region_id)
        hit = rows[(rows["claim_id"] == claim_id) & (rows["delineation"] == delineation)]
        if not hit.empty:
            return hit.iloc[0].to_dict()
    return data.claim_verdicts().loc[claim_id].to_dict()


def claim_pairs(claim_id: str, region_id: str | None = None, delineation: str | None = None) -> pd.DataFrame:
    """The evidence rows behind :func:`claim_verdict` (the same selection of regions and delineations)."""
    ev = data.claim_evidence(claim_id)
    if ev.empty or ev["region_id"].isna().all():
        return ev
    if region_id is not None and (ev["region_id"] == region_id).any():
        return ev[(ev["region_id"] == region_id) & (ev["delineation"] == delineation)]
    defs = data.region_defs()
    default = ev["region_id"].map(lambda r: defs[r].default_delineation if r in defs else None)
    return ev[ev["delineation"].isna() | (ev["delineation"] == default)]


def region_names() -> dict[str, str]:
    """Display names of region ids and CBS codes (for evidence lines)."""
    names = dict(zip(data.regions_table()["region_code"], data.regions_table()["name"], strict=True))
    names.update({rid: r.name for rid, r in data.region_defs().items()})
    return names


def verdict_badge(label: str, verdict_nl: str | None = None) -> str:
    """Markdown badge with icon and colour for a verdict label ('deels ondersteund (3 van 5)')."""
    icon, colour = VERDICT_STYLE.get(label, (":material/help:", "gray"))
    return f":{colour}[{icon} {safe_text(verdict_nl or label)}]"


def render_claim(claim: Any, docs: dict[str, Any], delineation: str | None = None, large: bool = False,
                 region_id: str | None = None, compact: bool = False) -> None:
    """One claim: verdict, paraphrase, quote, source, the method in one sentence and the numbers behind it.
    ``compact``: the verdict and paraphrase as the label of a closed expander holding the rest."""
    verdict = claim_verdict(claim.id, region_id, delineation)
    label = verdict["label"]
    if large:
        colour = VERDICT_HTML_COLOUR.get(label, "#4d4d4d")
        st.markdown(f"<div class='bw-claim'><b style='color:{colour}'>{html.escape(verdict['verdict_nl'])}</b> — "
                    f"{html.escape(claim.paraphrase)}</div>", unsafe_allow_html=True)
        return
    if compact:
        icon, _ = VERDICT_STYLE.get(label, (":material/help:", "gray"))
        with st.expander(f"{verdict['verdict_nl']} · {claim.paraphrase}", icon=icon):
            _claim_body(claim, docs, verdict, region_id, delineation, inside_expander=True)
        return
    with st.container(border=True):
        st.markdown(f"**{verdict_badge(label, verdict['verdict_nl'])}** · {safe_text(claim.paraphrase)}")
        _claim_body(claim, docs, verdict, region_id, delineation)


def _claim_body(claim: Any, docs: dict[str, Any], verdict: dict[str, Any], region_id: str | None,
                delineation: str | None, inside_expander: bool = False) -> None:
    """Quote, source, verdict summary, method, the first pairs in words, and the chart and table of all pairs."""
    from dashboard.components import evidence

    doc = docs.get(claim.document)
    st.markdown(f"> “{safe_text(claim.quote)}”")
    st.caption(f"{safe_text(doc.title if doc else claim.document)} — {safe_text(claim.section)} "
               f"({safe_text(claim.id)}, {safe_text(claim.kind)})")
    st.markdown(safe_text(verdict["summary_nl"]))
    if verdict.get("method_nl"):
        st.caption(safe_text(verdict["method_nl"]))
    lines, table = _evidence_text(claim.id, region_id, delineation)
    if table is None:
        return
    for line in lines:
        st.markdown(f"- {safe_text(line)}")

    def details() -> None:
        from dashboard.components import charts

        charts.show(evidence_spec(claim.id, region_id, delineation), evidence.chart_summary(verdict))
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption("Bron: CBS; toets en drempels: zie Over. Paren zonder bruikbare cijfers tellen niet mee.")

    if inside_expander:  # Streamlit does not nest expanders
        details()
    else:
        with st.expander(f"Alle {len(table)} paren en grafiek", expanded=False):
            details()


@st.cache_resource(show_spinner=False, max_entries=1024)
def _evidence_text(claim_id: str, region_id: str | None, delineation: str | None) -> tuple[list[str], pd.DataFrame | None]:
    """The first pairs in words and the table of all pairs (cached per claim and region)."""
    from dashboard.components import evidence

    pairs = claim_pairs(claim_id, region_id, delineation)
    if pairs.empty:
        return [], None
    names = region_names()
    return evidence.lines(pairs, names), evidence.table(pairs, names)


@st.cache_resource(show_spinner=False, max_entries=1024)
def evidence_spec(claim_id: str, region_id: str | None, delineation: str | None) -> dict | None:
    """The evidence chart of a claim as a Vega-Lite spec (cached: built once per claim and region)."""
    from dashboard.components import charts, evidence

    verdict = claim_verdict(claim_id, region_id, delineation)
    pairs = claim_pairs(claim_id, region_id, delineation)
    disp = data.dispersion(tuple(pairs["indicator_id"].dropna().unique())) if verdict["test"] == "spreiding" else None
    chart = evidence.chart(pairs, verdict["test"], region_names(), disp)
    return charts.spec(charts.dutch(chart)) if chart is not None else None


def render_region_claims(region_id: str, delineation: str, large: bool = False) -> None:
    """The claims about one region with that region's own verdict."""
    claims, docs = claims_and_documents()
    mine = [c for c in claims if region_id in c.regions]
    if not mine:
        st.caption("De vijf documenten doen geen specifieke uitspraken over deze regio.")
        return
    ordered = sorted(mine, key=lambda c: (not c.testable, c.id))
    limit = 5 if large else len(ordered)
    if not large:
        n_tested = sum(c.testable for c in mine)
        st.caption(f"{len(mine)} claims over deze regio, {n_tested} met een toets; het oordeel geldt voor deze regio "
                   "in de gekozen afbakening.")
    for claim in ordered[:limit]:
        render_claim(claim, docs, delineation, large=large, region_id=region_id, compact=not large)
