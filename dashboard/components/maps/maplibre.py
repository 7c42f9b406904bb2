"""Benchmark baseline: the same spec with plotly MapLibre (WebGL), chosen with ``BW_MAP_RENDERER=maplibre``."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from dashboard.components.maps.colour import (
    BASE_FILL,
    BASE_STROKE,
    CLAIM_COLOUR,
    CONTEXT_FILL,
    CONTEXT_STROKE,
    MISSING_FILL,
    OUTLINE_COLOUR,
    colour_at,
    legend_direction,
    palette_for,
)
from dashboard.components.maps.projection import geometry_bbox, rings
from dashboard.components.maps.spec import Geometry, MapSpec, subset, value_text

RENDERER_ENV = "BW_MAP_RENDERER"


def renderer() -> str:
    """'svg' (the product) or 'maplibre' (benchmark baseline), from ``BW_MAP_RENDERER``."""
    return "maplibre" if os.environ.get(RENDERER_ENV, "").strip().lower() == "maplibre" else "svg"


def _lines(geometries: Iterable[Geometry]) -> tuple[list[float | None], list[float | None]]:
    lons: list[float | None] = []
    lats: list[float | None] = []
    for geom in geometries:
        for ring in rings(geom):
            lons += [p[0] for p in ring] + [None]
            lats += [p[1] for p in ring] + [None]
    return lons, lats


def to_maplibre(spec: MapSpec, height: int = 640) -> Any:
    """The spec as a plotly ``Choroplethmap`` figure (same colours, domain, outlines and claims; no labels)."""
    import plotly.graph_objects as go

    from geo.shapes import bbox_view

    fig = go.Figure()
    collection = {"type": "FeatureCollection"}
    if spec.context:
        ids = [f["id"] for f in spec.context]
        fig.add_trace(go.Choroplethmap(
            geojson={**collection, "features": list(spec.context)}, locations=ids, z=[0] * len(ids), featureidkey="id",
            colorscale=[[0, CONTEXT_FILL], [1, CONTEXT_FILL]], showscale=False, marker_line_color=CONTEXT_STROKE,
            marker_line_width=0.6, hoverinfo="skip"))
    ind = spec.indicator
    codes = [f["id"] for f in spec.features]
    if ind is None or spec.domain is None:
        fig.add_trace(go.Choroplethmap(
            geojson={**collection, "features": list(spec.features)}, locations=codes, z=[0] * len(codes),
            featureidkey="id", colorscale=[[0, BASE_FILL], [1, BASE_FILL]], showscale=False,
            marker_line_color=BASE_STROKE, hoverinfo="skip"))
    else:
        have = [c for c in codes if c in spec.values and spec.values[c].value is not None]
        missing = [c for c in codes if c not in set(have)]
        if missing:
            fig.add_trace(go.Choroplethmap(
                geojson={**collection, "features": subset(spec.features, missing)}, locations=missing,
                z=[0] * len(missing), featureidkey="id", colorscale=[[0, MISSING_FILL], [1, MISSING_FILL]],
                showscale=False, marker_line_color="white", marker_line_width=0.4, name="geen data",
                text=[spec.values[c].name if c in spec.values else c for c in missing],
                hovertemplate="<b>%{text}</b><br>geen data<extra></extra>"))
        if have:
            pal = palette_for(ind.direction)
            scale = [[i / 8, colour_at(i / 8, pal)] for i in range(9)]
            if ind.direction == "lower_is_better":
                scale = [[1 - p, c] for p, c in reversed(scale)]
            lo, hi = spec.domain
            fig.add_trace(go.Choroplethmap(
                geojson={**collection, "features": subset(spec.features, have)}, locations=have,
                z=[spec.values[c].value for c in have], zmin=lo, zmax=hi, featureidkey="id", colorscale=scale,
                marker_line_color="white", marker_line_width=0.4,
                colorbar={"title": {"text": f"{ind.unit}<br><sub>{legend_direction(ind.direction)}</sub>"}},
                text=[f"{spec.values[c].name}: {value_text(spec.values[c].value, ind.unit)}" for c in have],
                hovertemplate="%{text}<extra></extra>"))
    if spec.outlines:
        lons, lats = _lines(o.geometry for o in spec.outlines)
        fig.add_trace(go.Scattermap(lon=lons, lat=lats, mode="lines", line={"color": OUTLINE_COLOUR, "width": 2.2},
                                    hoverinfo="skip"))
    claims = spec.claims
    if claims and not claims.empty:
        if claims.areas:
            lons, lats = _lines(a.geometry for a in claims.areas)
            fig.add_trace(go.Scattermap(lon=lons, lat=lats, mode="lines", line={"color": CLAIM_COLOUR, "width": 1.5},
                                        hoverinfo="skip"))
        for line in claims.lines:
            fig.add_trace(go.Scattermap(lon=[c[0] for c in line.coords], lat=[c[1] for c in line.coords],
                                        mode="lines", line={"color": CLAIM_COLOUR, "width": 4}, name=line.name,
                                        hoverinfo="name"))
        if claims.markers:
            fig.add_trace(go.Scattermap(
                lon=[m.lon for m in claims.markers], lat=[m.lat for m in claims.markers], mode="markers",
                marker={"size": 12, "color": CLAIM_COLOUR}, text=[m.place for m in claims.markers],
                hovertemplate="%{text}<extra></extra>"))
    bbox = spec.bbox or geometry_bbox(f["geometry"] for f in spec.features)
    view = bbox_view(bbox, 700, height, padding=0.02)
    fig.update_layout(map={"style": "white-bg", **view}, margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=height,
                      showlegend=False, paper_bgcolor="white")
    return fig
