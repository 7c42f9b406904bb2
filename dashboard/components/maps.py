"""Plotly MapLibre figures (offline: ``white-bg`` style, no tiles) keyed on CBS codes."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.components.fmt import fmt_num, method_nl
from geo.geojson import ring_lines

NL_VIEW = {"center": {"lat": 52.15, "lon": 5.2}, "zoom": 6.3}
MISSING_COLOUR = "#d9d9d9"
OUTLINE_COLOUR = "#1a1a1a"
# Colour-blind-safe sequential scale (light = worse, dark blue = better once oriented by direction).
SCALE = "YlGnBu"


def colorscale_for(direction: str) -> str:
    """Dark = better: reversed for lower-is-better indicators; neutral indicators use a plain blue ramp."""
    if direction == "lower_is_better":
        return SCALE + "_r"
    if direction == "neutral":
        return "Blues"
    return SCALE


def legend_title(unit: str, direction_nl: str) -> str:
    """Colour-bar title with unit and reading direction."""
    return f"{unit}<br><sub>{direction_nl}</sub>"


def _subset(geojson: dict[str, Any], codes: Sequence[str]) -> dict[str, Any]:
    """Only the features with these ids, so that every feature is sent to the browser once."""
    wanted = set(codes)
    return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["id"] in wanted]}


def _bounds(feature: dict[str, Any]) -> tuple[float, float, float, float]:
    lons, lats = ring_lines(feature["geometry"])
    xs = [x for x in lons if x is not None]
    ys = [y for y in lats if y is not None]
    return min(xs), min(ys), max(xs), max(ys)


def view_bbox(view: dict[str, Any], width_px: int = 900, height_px: int = 800) -> tuple[float, float, float, float]:
    """Approximate lon/lat box a MapLibre view shows (512 px tiles), generous so nothing at the edge is cut."""
    deg_per_px = 360 / (512 * 2 ** view["zoom"])
    half_w = width_px / 2 * deg_per_px
    half_h = height_px / 2 * deg_per_px * math.cos(math.radians(view["center"]["lat"]))
    lon, lat = view["center"]["lon"], view["center"]["lat"]
    return lon - half_w, lat - half_h, lon + half_w, lat + half_h


def features_in_view(geojson: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """Features whose bounding box meets the view (context layers need no far-away shapes)."""
    x0, y0, x1, y1 = view_bbox(view)
    keep = []
    for feature in geojson["features"]:
        fx0, fy0, fx1, fy1 = _bounds(feature)
        if fx0 <= x1 and fx1 >= x0 and fy0 <= y1 and fy1 >= y0:
            keep.append(feature)
    return {"type": "FeatureCollection", "features": keep}


def hover_data(frame: pd.DataFrame, unit: str, n_ranked: int) -> list[list[str]]:
    """Per area: name, formatted value, rank text, method (customdata for a compact hovertemplate)."""
    return [
        [
            str(row.name),
            fmt_num(row.value, unit=unit),
            f"{int(row.rank)} van {n_ranked}" if pd.notna(row.rank) else "–",
            method_nl(row.method),
        ]
        for row in frame.itertuples(index=False)
    ]


def choropleth(
    geojson: dict[str, Any],
    frame: pd.DataFrame,
    *,
    unit: str,
    direction: str,
    direction_nl: str,
    level_name: str,
    source: str,
    view: dict[str, Any] | None = None,
    height: int = 640,
    faded_geojson: dict[str, Any] | None = None,
    highlight_codes: Sequence[str] | None = None,
) -> go.Figure:
    """A choropleth of ``frame`` (region_code, name, value, rank, nl_value, period, method) with grey
    'geen data' areas; optionally only ``highlight_codes`` coloured and a faded context layer below."""
    codes_all = [f["id"] for f in geojson["features"]]
    if highlight_codes is not None:
        wanted = set(highlight_codes)
        codes_all = [c for c in codes_all if c in wanted]
    names = {f["id"]: f["properties"].get("statnaam", f["id"]) for f in geojson["features"]}
    data = frame[frame["region_code"].isin(codes_all) & frame["value"].notna()]
    missing = [c for c in codes_all if c not in set(data["region_code"])]
    view = view or NL_VIEW
    fig = go.Figure()
    if faded_geojson is not None:
        faded = features_in_view(faded_geojson, view)
        ids = [f["id"] for f in faded["features"]]
        fig.add_trace(
            go.Choroplethmap(
                geojson=faded, locations=ids, z=[0] * len(ids), featureidkey="id",
                colorscale=[[0, "#f2f2f2"], [1, "#f2f2f2"]], showscale=False, marker_line_color="#bdbdbd",
                marker_line_width=0.6, hoverinfo="skip", name="omgeving",
            )
        )
    if missing:
        fig.add_trace(
            go.Choroplethmap(
                geojson=_subset(geojson, missing), locations=missing, z=[0] * len(missing), featureidkey="id",
                colorscale=[[0, MISSING_COLOUR], [1, MISSING_COLOUR]], showscale=False,
                marker_line_color="white", marker_line_width=0.4, name="geen data",
                customdata=[[names.get(c, c)] for c in missing],
                hovertemplate="<b>%{customdata[0]}</b> (%{location})<br>geen data<extra></extra>",
            )
        )
    if not data.empty:
        n_ranked = int(frame["value"].notna().sum())
        period = int(data["period"].iloc[0])
        nl_value = data["nl_value"].iloc[0] if "nl_value" in data else None
        fig.add_trace(
            go.Choroplethmap(
                geojson=_subset(geojson, data["region_code"]), locations=data["region_code"], z=data["value"],
                featureidkey="id", colorscale=colorscale_for(direction), marker_line_color="white",
                marker_line_width=0.4,
                colorbar={"title": {"text": legend_title(unit, direction_nl)}, "thickness": 14, "len": 0.7},
                customdata=hover_data(data, unit, n_ranked),
                hovertemplate=(
                    "<b>%{customdata[0]}</b> (%{location})<br>%{customdata[1]} " + html.escape(unit)
                    + f"<br>positie: %{{customdata[2]}} ({html.escape(level_name.lower())})"
                    + f"<br>Nederland: {fmt_num(nl_value, unit=unit)} {html.escape(unit)}"
                    + f"<br><i>Bron: CBS {html.escape(source)}, {period}; %{{customdata[3]}}</i><extra></extra>"
                ),
                name="waarde",
            )
        )
    fig.update_layout(
        map={"style": "white-bg", "center": view["center"], "zoom": view["zoom"]},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=height,
        showlegend=False,
        paper_bgcolor="white",
    )
    return fig


def add_outline(fig: go.Figure, lons: list[float | None], lats: list[float | None], name: str,
                colour: str = OUTLINE_COLOUR, width: float = 2.2) -> None:
    """Draw a region outline as map lines."""
    fig.add_trace(
        go.Scattermap(lon=lons, lat=lats, mode="lines", line={"color": colour, "width": width},
                      name=name, hoverinfo="skip", showlegend=False)
    )


def outline_coords(feature: dict[str, Any]) -> tuple[list[float | None], list[float | None]]:
    """Lon/lat lists (None-separated rings) of a GeoJSON Feature's polygon(s)."""
    return ring_lines(feature["geometry"])


def base_map(geojson: dict[str, Any], view: dict[str, Any] | None = None, height: int = 600) -> go.Figure:
    """Light-grey areas only: a quiet base for overlays such as the claims."""
    ids = [f["id"] for f in geojson["features"]]
    names = [f["properties"].get("statnaam", f["id"]) for f in geojson["features"]]
    fig = go.Figure(
        go.Choroplethmap(geojson=geojson, locations=ids, z=[0] * len(ids), featureidkey="id", text=names,
                         colorscale=[[0, "#eeeeee"], [1, "#eeeeee"]], showscale=False, marker_line_color="#9e9e9e",
                         marker_line_width=0.8, hovertemplate="%{text}<extra></extra>")
    )
    view = view or NL_VIEW
    fig.update_layout(map={"style": "white-bg", "center": view["center"], "zoom": view["zoom"]},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=height, showlegend=False)
    return fig
