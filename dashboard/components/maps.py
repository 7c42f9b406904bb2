"""Every map of the dashboard, once: shapes, colour logic, outlines and the claims layer → a server-made SVG.

Pure Python (numpy, shapely, pandas): no top-level streamlit or plotly import, so an offline report can use it.
A :class:`MapSpec` says what to draw; :func:`render_svg` draws it (interactive pages and static views such as
presentation mode use the same SVG); :func:`show` mounts it in Streamlit (lazy import) with an "Als tabel" view.
:func:`to_maplibre` draws the same spec with plotly MapLibre (WebGL) and exists only as the benchmark baseline
(``BW_MAP_RENDERER=maplibre``).

Colour: one sequential colour-blind-safe palette (YlGnBu), dark = better by the catalogue direction (a single-hue
blue ramp, dark = higher, for neutral indicators), and one domain per indicator and period: the robust national
range of the level (2nd–98th percentile of all areas; values outside get the end colours), so the same colour
means the same value on every region page and every presentation slide.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry import shape as to_shape

from dashboard.components.fmt import fmt_num, method_nl, short_unit, with_unit

# ColorBrewer YlGnBu (9 classes) and Blues: sequential, colour-blind safe, light → dark.
PALETTE = ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58")
PALETTE_NEUTRAL = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
MISSING_FILL = "#d4d4d4"
MISSING_HATCH = "#7a7a7a"
CONTEXT_FILL = "#f0f0f0"
CONTEXT_STROKE = "#bdbdbd"
BASE_FILL = "#ececec"
BASE_STROKE = "#9e9e9e"
OUTLINE_COLOUR = "#1a1a1a"
CLAIM_COLOUR = "#762a83"  # purple: distinct from the blue-yellow value scale and the green/orange verdicts
TEXT_COLOUR = "#111111"
FONT_FAMILY = "'Source Sans','Source Sans 3','Source Sans Pro',Arial,Helvetica,sans-serif"
CHAR_EM = 0.56  # average glyph width of the (semi)bold UI font, in em (label collision boxes)
DOMAIN_PERCENTILES = (2.0, 98.0)
RENDERER_ENV = "BW_MAP_RENDERER"
MAX_TIP_CLAIMS = 8
DIRECTION_NL = {"higher_is_better": "hoger is beter", "lower_is_better": "lager is beter"}

Geometry = dict[str, Any]  # a GeoJSON geometry (Polygon / MultiPolygon)
BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


# --------------------------------------------------------------------------------------------------------------
# What to draw
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaValue:
    """One area's value (None = geen data) with its rank (1 = best) and method."""

    name: str
    value: float | None
    rank: int | None = None
    method: str | None = None


@dataclass(frozen=True)
class Indicator:
    """What the colours mean."""

    name: str
    unit: str
    direction: str
    source: str  # 'CBS Regionale Monitor Brede Welvaart'
    period: int | None
    nl_value: float | None = None
    level_plural: str = "gemeenten"


@dataclass(frozen=True)
class Outline:
    """A region outline drawn on top (name for the text alternative)."""

    name: str
    geometry: Geometry
    width: float = 2.4


@dataclass(frozen=True)
class ClaimMarker:
    """Claims at one place: one hover text per claim."""

    lon: float
    lat: float
    place: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ClaimLine:
    """A schematic line (one per topic, e.g. 'Lelylijn') with the claims about it."""

    name: str
    coords: tuple[tuple[float, float], ...]
    items: tuple[str, ...]


@dataclass(frozen=True)
class ClaimArea:
    """The outline of the areas a group of claims is about."""

    name: str
    geometry: Geometry
    items: tuple[str, ...]


@dataclass(frozen=True)
class ClaimsLayer:
    """Markers, schematic lines and outlined areas of the documents' claims."""

    markers: tuple[ClaimMarker, ...] = ()
    lines: tuple[ClaimLine, ...] = ()
    areas: tuple[ClaimArea, ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not (self.markers or self.lines or self.areas)


@dataclass(frozen=True)
class MapSpec:
    """A map: coloured areas (or a plain base map when ``indicator`` is None), context, outlines, claims.

    ``features`` are GeoJSON Features with ``id`` = CBS code and ``properties.statnaam``; ``values`` is keyed by
    that code (a missing key or a None value is 'geen data'). ``bbox`` is the lon/lat box the map is fitted to
    (default: the features' box).
    """

    features: Sequence[dict[str, Any]]
    values: Mapping[str, AreaValue] = field(default_factory=dict)
    indicator: Indicator | None = None
    domain: tuple[float, float] | None = None
    context: Sequence[dict[str, Any]] = ()
    outlines: Sequence[Outline] = ()
    claims: ClaimsLayer | None = None
    bbox: BBox | None = None
    title: str = ""  # 'Twente' — used in the text alternative

    @property
    def n_ranked(self) -> int:
        """How many areas of the level have a value (the national count, not just those drawn)."""
        return sum(v.value is not None for v in self.values.values())


# --------------------------------------------------------------------------------------------------------------
# Colour
# --------------------------------------------------------------------------------------------------------------


def palette_for(direction: str) -> tuple[str, ...]:
    """Light → dark colours; dark = better (YlGnBu) or, for neutral indicators, dark = higher (Blues)."""
    return PALETTE if direction in DIRECTION_NL else PALETTE_NEUTRAL


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def colour_at(t: float, palette: Sequence[str] = PALETTE) -> str:
    """The palette at position ``t`` (0 = light, 1 = dark), linearly interpolated, clipped to [0, 1]."""
    t = min(1.0, max(0.0, float(t)))
    pos = t * (len(palette) - 1)
    i = min(int(pos), len(palette) - 2)
    frac = pos - i
    a, b = _rgb(palette[i]), _rgb(palette[i + 1])
    return "#" + "".join(f"{round(x + (y - x) * frac):02x}" for x, y in zip(a, b, strict=True))


def darkness(value: float, domain: tuple[float, float], direction: str) -> float:
    """0 (light) … 1 (dark) for a value: dark = better (lower for lower-is-better), dark = higher when neutral."""
    lo, hi = domain
    t = (value - lo) / (hi - lo) if hi > lo else 0.5
    t = min(1.0, max(0.0, t))
    return 1.0 - t if direction == "lower_is_better" else t


def fill_for(value: float | None, domain: tuple[float, float] | None, direction: str) -> str | None:
    """The fill colour of a value, or None for 'geen data'."""
    if value is None or domain is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return colour_at(darkness(float(value), domain, direction), palette_for(direction))


def national_domain(values: Iterable[float | None], percentiles: tuple[float, float] = DOMAIN_PERCENTILES
                    ) -> tuple[float, float] | None:
    """Robust colour domain of all areas of a level (2nd–98th percentile), or None without values."""
    arr = np.array([v for v in values if v is not None], dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None
    lo, hi = (float(x) for x in np.percentile(arr, percentiles))
    if hi <= lo:  # one value (or all equal): a small symmetric range
        pad = max(abs(lo) * 0.01, 0.5)
        lo, hi = lo - pad, hi + pad
    return lo, hi


def legend_direction(direction: str) -> str:
    """'donker = beter' or, for neutral indicators, 'donker = hoger'."""
    return "donker = beter" if direction in DIRECTION_NL else "donker = hoger"


# --------------------------------------------------------------------------------------------------------------
# Building specs (from the store's frames and shapes)
# --------------------------------------------------------------------------------------------------------------


def area_values(frame: pd.DataFrame) -> dict[str, AreaValue]:
    """``values`` for a spec from a frame with region_code, name, value, rank and method."""
    out: dict[str, AreaValue] = {}
    for row in frame.itertuples(index=False):
        value = getattr(row, "value", None)
        rank = getattr(row, "rank", None)
        out[str(row.region_code)] = AreaValue(
            name=str(row.name),
            value=None if value is None or pd.isna(value) else float(value),
            rank=None if rank is None or pd.isna(rank) else int(rank),
            method=getattr(row, "method", None) or None,
        )
    return out


def subset(features: Iterable[dict[str, Any]], codes: Iterable[str]) -> list[dict[str, Any]]:
    """The features with these ids, in the given feature order."""
    wanted = set(codes)
    return [f for f in features if f["id"] in wanted]


def geometry_bbox(geometries: Iterable[Geometry]) -> BBox:
    """Lon/lat box around GeoJSON geometries."""
    xs: list[float] = []
    ys: list[float] = []
    for geom in geometries:
        for ring in _rings(geom):
            arr = np.asarray(ring, dtype=float)
            xs += [float(arr[:, 0].min()), float(arr[:, 0].max())]
            ys += [float(arr[:, 1].min()), float(arr[:, 1].max())]
    return min(xs), min(ys), max(xs), max(ys)


def padded_bbox(bbox: BBox, pad: float = 0.06, aspect: tuple[float, float] | None = (0.62, 1.15)) -> BBox:
    """``bbox`` grown by ``pad`` per side and, with ``aspect`` (min, max height/width on screen), widened or
    heightened so that very wide or very tall regions still get a usable map."""
    x0, y0, x1, y1 = bbox
    k = math.cos(math.radians((y0 + y1) / 2))
    w, h = max((x1 - x0) * k, 1e-6), max(y1 - y0, 1e-6)
    w, h = w * (1 + 2 * pad), h * (1 + 2 * pad)
    if aspect is not None:
        lo, hi = aspect
        if h / w < lo:
            h = w * lo
        elif h / w > hi:
            w = h / hi
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2 / k, cy - h / 2, cx + w / 2 / k, cy + h / 2


def fit_bbox(bbox: BBox, aspect: float) -> BBox:
    """``bbox`` grown (never shrunk) to exactly ``aspect`` = height/width on screen."""
    x0, y0, x1, y1 = bbox
    k = math.cos(math.radians((y0 + y1) / 2))
    w, h = (x1 - x0) * k, y1 - y0
    if h / w < aspect:
        h = w * aspect
    else:
        w = h / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2 / k, cy - h / 2, cx + w / 2 / k, cy + h / 2


def features_in(features: Iterable[dict[str, Any]], bbox: BBox) -> list[dict[str, Any]]:
    """Features whose box meets ``bbox`` (context layers need no far-away shapes)."""
    x0, y0, x1, y1 = bbox
    keep = []
    for feature in features:
        fx0, fy0, fx1, fy1 = geometry_bbox([feature["geometry"]])
        if fx0 <= x1 and fx1 >= x0 and fy0 <= y1 and fy1 >= y0:
            keep.append(feature)
    return keep


# --------------------------------------------------------------------------------------------------------------
# The claims layer
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionGeo:
    """A region's name, outline and gemeenten (to place one marker per named region)."""

    name: str
    outline: Geometry
    gemeenten: frozenset[str]


@dataclass(frozen=True)
class ClaimsGeo:
    """Where claim locations are: shapes and names by CBS code, gemeenten per code, regions by id."""

    shapes: Mapping[str, Geometry]
    names: Mapping[str, str]
    gemeenten_of: Mapping[str, frozenset[str]]
    regions: Mapping[str, RegionGeo]
    anchors: dict[tuple[str, ...], tuple[float, float] | None] = field(default_factory=dict, compare=False, repr=False)


def _claim_text(claim: Any) -> str:
    """Hover line of a claim: id and paraphrase (the document is on the claims page; hovers list many claims)."""
    return f"{claim.id} · {claim.paraphrase}"


def _union(geo: ClaimsGeo, codes: Iterable[str]) -> shapely.Geometry | None:
    geoms = [to_shape(geo.shapes[c]) for c in codes if c in geo.shapes]
    if not geoms:
        return None
    merged = shapely.union_all(geoms)
    parts = [shapely.Polygon(p.exterior) for p in getattr(merged, "geoms", [merged]) if isinstance(p, shapely.Polygon)]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else (parts[0] if parts else None)


def _anchor(geom: shapely.Geometry | None) -> tuple[float, float] | None:
    if geom is None or geom.is_empty:
        return None
    largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    point = largest.representative_point()
    return float(point.x), float(point.y)


def _place_name(geo: ClaimsGeo, codes: Sequence[str]) -> str:
    """'Groningen, Assen' for up to three areas, else '22 gemeenten' (per level)."""
    if len(codes) <= 3:
        return ", ".join(geo.names.get(c, c) for c in codes)
    words = {"GM": "gemeenten", "CR": "COROP-gebieden", "PV": "provincies"}
    counts = {w: sum(c.startswith(p) for c in codes) for p, w in words.items()}
    return ", ".join(f"{n} {w}" for w, n in counts.items() if n)


def claims_layer(claims: Iterable[Any], geo: ClaimsGeo, *, region_id: str | None = None,
                 outline_areas: bool = True) -> ClaimsLayer:
    """The claims as map objects.

    * points → a marker; claims at the same place share one marker (its hover lists every claim);
    * lines → one labelled schematic line per topic (``claim.topic``, else the towns), listing its claims;
    * areas (national ``NL01`` claims are listed, not drawn) → a marker inside the area; when the claim names
      regions, one marker per named region instead: the region's own marker (shared by all claims about most of
      the region), or, for a claim about a small part of it, a marker in that part. With ``outline_areas`` also
      the outline of the areas. With ``region_id`` only that region's marker is made.
    """
    markers: dict[tuple[float, float], tuple[str, list[str]]] = {}
    lines: dict[Any, tuple[str, tuple[tuple[float, float], ...], list[str]]] = {}
    areas: dict[tuple[str, ...], tuple[str, list[str]]] = {}

    def add_marker(lon: float, lat: float, place: str, text: str) -> None:
        key = (round(lon, 3), round(lat, 3))
        entry = markers.setdefault(key, (place, []))
        if text not in entry[1]:
            entry[1].append(text)

    for claim in claims:
        loc = claim.location
        text = _claim_text(claim)
        if loc.type == "point":
            add_marker(loc.lon, loc.lat, loc.name, text)
        elif loc.type == "line":
            towns = tuple((t.lon, t.lat) for t in loc.towns)
            topic = getattr(claim, "topic", None)
            key = topic or tuple(t.name for t in loc.towns)
            name = topic or f"{loc.towns[0].name} – {loc.towns[-1].name}"
            lines.setdefault(key, (name, towns, []))[2].append(text)
        else:
            codes = tuple(c for c in loc.codes if c != "NL01")
            if not codes:
                continue
            if outline_areas:
                areas.setdefault(tuple(sorted(codes)), (_place_name(geo, codes), []))[1].append(text)
            named = [r for r in claim.regions if r in geo.regions]
            if region_id is not None:
                named = [region_id] if region_id in named else []
            if not named:
                point = _cached_anchor(geo, codes)
                if point:
                    add_marker(point[0], point[1], _place_name(geo, codes), text)
                continue
            claim_gm = frozenset().union(*(geo.gemeenten_of.get(c, frozenset()) for c in codes))
            for rid in named:
                region = geo.regions[rid]
                part = claim_gm & region.gemeenten
                if part and len(part) < 0.5 * len(region.gemeenten):  # a small part of the region: there
                    point = _cached_anchor(geo, tuple(sorted(part)))
                    inside = [c for c in codes if geo.gemeenten_of.get(c, frozenset()) & part]
                    place = _place_name(geo, inside) if len(inside) <= 3 else f"{region.name} ({len(part)} gemeenten)"
                else:  # (most of) the region: the region's own marker, shared by all its claims
                    point = _cached_anchor(geo, ("region", rid))
                    place = region.name
                if point:
                    add_marker(point[0], point[1], place, text)
    area_objs = []
    for codes, (name, items) in areas.items():
        geom = _union(geo, codes)
        if geom is not None:
            area_objs.append(ClaimArea(name=name, geometry=mapping(geom), items=tuple(items)))
    return ClaimsLayer(
        markers=tuple(ClaimMarker(lon=k[0], lat=k[1], place=p, items=tuple(i)) for k, (p, i) in markers.items()),
        lines=tuple(ClaimLine(name=n, coords=c, items=tuple(i)) for n, c, i in lines.values()),
        areas=tuple(area_objs),
    )


def _cached_anchor(geo: ClaimsGeo, codes: tuple[str, ...]) -> tuple[float, float] | None:
    """Marker position inside the union of ``codes`` (or, for ``("region", id)``, inside the region outline)."""
    if codes not in geo.anchors:
        if codes[:1] == ("region",):
            geo.anchors[codes] = _anchor(to_shape(geo.regions[codes[1]].outline))
        else:
            geo.anchors[codes] = _anchor(_union(geo, codes))
    return geo.anchors[codes]


# --------------------------------------------------------------------------------------------------------------
# Projection and path encoding
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Local equirectangular projection (x scaled by cos of the mid latitude) fitted to a box, in px."""

    lon0: float
    lat1: float
    k: float
    scale: float
    dx: float = 0.0
    dy: float = 0.0

    def xy(self, coords: np.ndarray) -> np.ndarray:
        """Project an (n, 2) lon/lat array to px."""
        out = np.empty((len(coords), 2), dtype=float)
        out[:, 0] = (coords[:, 0] - self.lon0) * self.k * self.scale + self.dx
        out[:, 1] = (self.lat1 - coords[:, 1]) * self.scale + self.dy
        return out

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        """Project one point."""
        return (lon - self.lon0) * self.k * self.scale + self.dx, (self.lat1 - lat) * self.scale + self.dy


def fit_projection(bbox: BBox, width: float, height: float | None = None) -> tuple[Projection, float]:
    """A projection that fits ``bbox`` into ``width`` (× ``height``, centred), and the map height in px."""
    x0, y0, x1, y1 = bbox
    k = math.cos(math.radians((y0 + y1) / 2))
    span_x, span_y = max((x1 - x0) * k, 1e-9), max(y1 - y0, 1e-9)
    natural = width / span_x * span_y
    if height is None:
        return Projection(x0, y1, k, width / span_x), natural
    scale = min(width / span_x, height / span_y)
    dx = (width - span_x * scale) / 2
    dy = (height - span_y * scale) / 2
    return Projection(x0, y1, k, scale, dx, dy), height


def _rings(geometry: Geometry) -> list[Any]:
    kind = geometry["type"]
    if kind == "Polygon":
        return list(geometry["coordinates"])
    if kind == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    if kind == "LineString":
        return [geometry["coordinates"]]
    return []


def _num(v: float) -> str:
    """Half-pixel number, shortest form ('3', '-.5', '12.5')."""
    if v == int(v):
        return str(int(v))
    text = f"{v:.1f}"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _join(tokens: list[str]) -> str:
    out = [tokens[0]]
    for tok in tokens[1:]:
        out.append(tok if tok.startswith("-") else " " + tok)
    return "".join(out)


def ring_path(points: np.ndarray, close: bool = True, step: float = 0.5) -> str:
    """SVG path data of projected points at ``step`` px precision with relative commands ('' when degenerate)."""
    q = np.round(points / step) * step
    if len(q) > 1:
        keep = np.ones(len(q), dtype=bool)
        keep[1:] = np.any(q[1:] != q[:-1], axis=1)
        q = q[keep]
    if close and len(q) > 1 and np.all(q[0] == q[-1]):
        q = q[:-1]
    if len(q) < (3 if close else 2):
        return ""
    start = f"M{_num(q[0, 0])} {_num(q[0, 1])}"
    deltas = np.diff(q, axis=0).ravel()
    body = "l" + _join([_num(float(v)) for v in deltas]) if len(deltas) else ""
    return start + body + ("z" if close else "")


def geometry_path(geometry: Geometry, proj: Projection, step: float = 0.5) -> str:
    """Path data of every ring of a (Multi)Polygon (even-odd fill keeps the holes)."""
    parts = [ring_path(proj.xy(np.asarray(ring, dtype=float)), True, step) for ring in _rings(geometry)]
    return "".join(p for p in parts if p)


def _clip_polyline(pts: list[tuple[float, float]], w: float, h: float) -> list[list[tuple[float, float]]]:
    """Visible runs of a polyline inside [0, w] × [0, h] (Liang–Barsky per segment)."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for (xa, ya), (xb, yb) in zip(pts, pts[1:], strict=False):
        t0, t1, dx, dy = 0.0, 1.0, xb - xa, yb - ya
        ok = True
        for p, q in ((-dx, xa), (dx, w - xa), (-dy, ya), (dy, h - ya)):
            if p == 0:
                if q < 0:
                    ok = False
                    break
                continue
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
        if not ok or t0 > t1:
            if current:
                runs.append(current)
                current = []
            continue
        a = (xa + t0 * dx, ya + t0 * dy)
        b = (xa + t1 * dx, ya + t1 * dy)
        if not current:
            current = [a]
        current.append(b)
        if t1 < 1.0:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _polyline_at(run: list[tuple[float, float]], frac: float = 0.5) -> tuple[float, float, float]:
    """Point at ``frac`` of a polyline's length and the direction (radians) of the segment there."""
    lengths = [math.dist(a, b) for a, b in zip(run, run[1:], strict=False)]
    half = sum(lengths) * frac
    for (a, b), seg in zip(zip(run, run[1:], strict=False), lengths, strict=True):
        if half <= seg and seg > 0:
            f = half / seg
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, math.atan2(b[1] - a[1], b[0] - a[0])
        half -= seg
    return run[-1][0], run[-1][1], 0.0


# --------------------------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------------------------


class _Boxes:
    """Occupied rectangles (for skipping overlapping labels)."""

    def __init__(self, width: float, height: float) -> None:
        self.items: list[tuple[float, float, float, float]] = []
        self.soft: list[tuple[float, float, float, float]] = []  # markers: labels avoid them when they can
        self.points = np.empty((0, 2))
        self.owners = np.empty(0, dtype=int)
        self.width, self.height = width, height

    def free(self, box: tuple[float, float, float, float], margin: float = 1.0, soft: bool = True) -> bool:
        """True when ``box`` lies inside the map and meets no occupied box or point (nor marker, with ``soft``)."""
        x0, y0, x1, y1 = box
        if x0 < 0 or y0 < 0 or x1 > self.width or y1 > self.height:
            return False
        if len(self.points):
            px, py = self.points[:, 0], self.points[:, 1]
            if np.any((px >= x0 - margin) & (px <= x1 + margin) & (py >= y0 - margin) & (py <= y1 + margin)):
                return False
        return all(x1 + margin <= a or x0 - margin >= c or y1 + margin <= b or y0 - margin >= d
                   for a, b, c, d in (self.items + self.soft if soft else self.items))

    def free_rotated(self, cx: float, cy: float, angle: float, w: float, h: float, margin: float = 1.0,
                     ignore: int = -1, soft: bool = True) -> bool:
        """Like :meth:`free` for a ``w`` × ``h`` rectangle centred on (cx, cy) and rotated by ``angle``; points of
        polyline ``ignore`` (the labelled line itself) do not count. Boxes count by their corners and centre."""
        c, s = math.cos(angle), math.sin(angle)
        for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (-w / 2, h / 2), (w / 2, h / 2)):
            x, y = cx + dx * c - dy * s, cy + dx * s + dy * c
            if not (0 <= x <= self.width and 0 <= y <= self.height):
                return False
        boxes = self.items + self.soft if soft else self.items
        box_pts = np.array([p for a, b, c2, d in boxes
                            for p in ((a, b), (c2, b), (a, d), (c2, d), ((a + c2) / 2, (b + d) / 2))]).reshape(-1, 2)
        pts = np.vstack([self.points[self.owners != ignore], box_pts])
        if not len(pts):
            return True
        dx, dy = pts[:, 0] - cx, pts[:, 1] - cy
        along, across = dx * c + dy * s, -dx * s + dy * c
        return not np.any((np.abs(along) <= w / 2 + margin) & (np.abs(across) <= h / 2 + margin))

    @staticmethod
    def rotated_box(cx: float, cy: float, angle: float, w: float, h: float) -> tuple[float, float, float, float]:
        """Axis-aligned box around a rotated rectangle."""
        c, s = abs(math.cos(angle)), abs(math.sin(angle))
        hw, hh = (w * c + h * s) / 2, (w * s + h * c) / 2
        return cx - hw, cy - hh, cx + hw, cy + hh

    def add(self, box: tuple[float, float, float, float]) -> None:
        self.items.append(box)

    def add_rotated(self, cx: float, cy: float, angle: float, w: float, h: float, spacing: float = 3.0) -> None:
        """Occupy a rotated rectangle (as a grid of points: its bounding box would block far too much)."""
        c, s = math.cos(angle), math.sin(angle)
        along = np.linspace(-w / 2, w / 2, max(2, int(w / spacing) + 1))
        across = np.linspace(-h / 2, h / 2, max(2, int(h / spacing) + 1))
        a, b = np.meshgrid(along, across)
        pts = np.column_stack([cx + a.ravel() * c - b.ravel() * s, cy + a.ravel() * s + b.ravel() * c])
        self.points = np.vstack([self.points, pts])
        self.owners = np.concatenate([self.owners, np.full(len(pts), -2)])

    def add_polyline(self, pts: Sequence[tuple[float, float]], owner: int = -1, spacing: float = 4.0) -> None:
        """Points every ``spacing`` px along a polyline (labels keep off the line)."""
        samples = []
        for a, b in zip(pts, pts[1:], strict=False):
            n = max(1, int(math.dist(a, b) / spacing))
            t = np.linspace(0, 1, n + 1)
            samples.append(np.column_stack([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]))
        if samples:
            self.points = np.vstack([self.points, *samples])
            self.owners = np.concatenate([self.owners, np.full(sum(len(x) for x in samples), owner)])


def text_width(text: str, font_px: float) -> float:
    """Estimated width of ``text`` in the UI font."""
    return len(text) * CHAR_EM * font_px


def _label_point(geometry: Geometry, proj: Projection) -> tuple[float, float, float] | None:
    """(x, y, area px²) of a good label position: the pole of inaccessibility of the largest part."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    best = None
    for poly in polys:
        shell = proj.xy(np.asarray(poly[0], dtype=float))
        holes = [proj.xy(np.asarray(r, dtype=float)) for r in poly[1:]]
        candidate = shapely.Polygon(shell, holes)
        if not candidate.is_valid:
            candidate = candidate.buffer(0)
        if candidate.is_empty:
            continue
        if best is None or candidate.area > best.area:
            best = candidate
    if best is None:
        return None
    if isinstance(best, shapely.MultiPolygon):
        best = max(best.geoms, key=lambda g: g.area)
    from shapely.ops import polylabel

    point = polylabel(best, tolerance=1.0)
    return float(point.x), float(point.y), float(best.area)


# --------------------------------------------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------------------------------------------


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _value_text(value: float | None, unit: str) -> str:
    return fmt_num(value, unit=unit)


def summary_text(spec: MapSpec) -> str:
    """Dutch text alternative: what is coloured, the best and worst area, NL, how many without data."""
    ind = spec.indicator
    where = f" in {spec.title}" if spec.title else ""
    if ind is None:
        claims = spec.claims or ClaimsLayer()
        return (f"Kaart{where} met {len(claims.markers)} claimlocaties, {len(claims.lines)} schematische lijnen en "
                f"{len(claims.areas)} omlijnde gebieden uit de documenten.")
    codes = [f["id"] for f in spec.features]
    present = [(spec.values[c].value, spec.values[c].name) for c in codes
               if c in spec.values and spec.values[c].value is not None]
    missing = len(codes) - len(present)
    parts = [f"Kaart: {ind.name}{where}, {ind.period or '–'} ({ind.unit}), {len(codes)} {ind.level_plural}."]
    if present:
        ordered = sorted(present, key=lambda p: p[0], reverse=ind.direction != "lower_is_better")
        first, last = ordered[0], ordered[-1]
        words = ("Best", "slechtst") if ind.direction in DIRECTION_NL else ("Hoogste", "laagste")
        parts.append(f"{words[0]}: {first[1]} ({_value_text(first[0], ind.unit)} {ind.unit}), {words[1]}: "
                     f"{last[1]} ({_value_text(last[0], ind.unit)} {ind.unit}).")
    if ind.nl_value is not None and not pd.isna(ind.nl_value):
        parts.append(f"Nederland: {_value_text(ind.nl_value, ind.unit)} {ind.unit}.")
    if missing:
        parts.append(f"{missing} zonder data.")
    if spec.claims and not spec.claims.empty:
        parts.append(f"Met {len(spec.claims.markers)} claimlocaties en {len(spec.claims.lines)} schematische lijnen.")
    return " ".join(parts)


@dataclass
class _Legend:
    """Flow layout of legend items in a band under the map."""

    width: float
    font: float
    rows: list[list[tuple[float, str]]] = field(default_factory=list)
    x: float = 0.0

    def add(self, width: float, svg: str) -> None:
        gap = self.font * 0.9
        if not self.rows or (self.x > 0 and self.x + width > self.width):
            self.rows.append([])
            self.x = 0.0
        self.rows[-1].append((self.x, svg))
        self.x += width + gap

    def height(self) -> float:
        return len(self.rows) * self.font * 1.6 + self.font * 0.5

    def render(self, top: float) -> str:
        out = []
        for i, row in enumerate(self.rows):
            y = top + self.font * 0.4 + i * self.font * 1.6
            for x, item in row:
                out.append(f'<g transform="translate({x:.1f} {y:.1f})">{item}</g>')
        return "".join(out)


def _legend(spec: MapSpec, width: float, font: float, uid: str, missing: bool, title: bool = False) -> _Legend:
    leg = _Legend(width=width, font=font)
    ind = spec.indicator
    if title and ind is not None:
        text = f"{ind.name}, {ind.period}"
        leg.add(width, f'<text x="0" y="{font * 0.95:.1f}" font-size="{font:g}" font-weight="700">{_e(text)}</text>')
    fs = f'font-size="{font:g}"'
    sw = font * 1.25  # swatch size
    ty = font * 0.95  # text baseline inside a row
    if ind is not None and spec.domain is not None:
        lo, hi = spec.domain
        present = [v.value for c, v in spec.values.items() if v.value is not None]
        lo_txt = ("≤ " if present and min(present) < lo else "") + _value_text(lo, ind.unit)
        hi_txt = ("≥ " if present and max(present) > hi else "") + _value_text(hi, ind.unit)
        pal = palette_for(ind.direction)
        stops = []
        for i in range(9):
            t = i / 8
            value = lo + (hi - lo) * t
            stops.append(f'<stop offset="{t:.3f}" stop-color="{colour_at(darkness(value, (lo, hi), ind.direction), pal)}"/>')
        bar_w = max(font * 6, min(width * 0.32, font * 11))
        w_lo, w_hi = text_width(lo_txt, font), text_width(hi_txt, font)
        scale = (f'<defs><linearGradient id="{uid}-g">{"".join(stops)}</linearGradient></defs>'
                 f'<text x="0" y="{ty:.1f}" {fs}>{_e(lo_txt)}</text>'
                 f'<rect x="{w_lo + font * 0.35:.1f}" y="{font * 0.1:.1f}" width="{bar_w:.1f}" height="{sw:.1f}" '
                 f'fill="url(#{uid}-g)" stroke="#555" stroke-width=".6"/>'
                 f'<text x="{w_lo + bar_w + font * 0.7:.1f}" y="{ty:.1f}" {fs}>{_e(hi_txt)}</text>')
        unit_txt = f"{ind.unit} · {legend_direction(ind.direction)}"
        leg.add(width if title else text_width(unit_txt, font),
                f'<text x="0" y="{ty:.1f}" {fs} font-weight="600">{_e(unit_txt)}</text>')
        leg.add(w_lo + bar_w + w_hi + font * 0.7, scale)
    if missing:
        leg.add(sw + font * 0.4 + text_width("geen data", font),
                f'<rect width="{sw:.1f}" height="{sw:.1f}" y="{font * 0.1:.1f}" fill="url(#{uid}-h)" stroke="#555" '
                f'stroke-width=".6"/><text x="{sw + font * 0.4:.1f}" y="{ty:.1f}" {fs}>geen data</text>')
    claims = spec.claims
    if claims and (claims.markers or claims.areas):
        r = font * 0.42
        leg.add(2 * r + font * 0.4 + text_width("claim", font),
                f'<circle cx="{r:.1f}" cy="{font * 0.6:.1f}" r="{r:.1f}" fill="{CLAIM_COLOUR}" stroke="#fff" '
                f'stroke-width="1.5"/><text x="{2 * r + font * 0.4:.1f}" y="{ty:.1f}" {fs}>claim</text>')
    if claims and claims.lines:
        leg.add(font * 1.6 + font * 0.4 + text_width("lijn (schematisch)", font),
                f'<path d="M0 {font * 0.6:.1f}h{font * 1.6:.1f}" stroke="{CLAIM_COLOUR}" stroke-width="{font * 0.3:.1f}"/>'
                f'<text x="{font * 2:.1f}" y="{ty:.1f}" {fs}>lijn (schematisch)</text>')
    return leg


def render_svg(spec: MapSpec, *, width: float = 700, height: float | None = None, labels: bool = False,
               font_px: float = 13, interactive: bool = True, uid: str = "bwm", legend: bool = True,
               legend_title: bool = False, total_height: float | None = None, step: float = 0.5,
               pad: float = 0.03) -> str:
    """The map as one self-contained SVG string.

    ``width`` × ``height`` is the map's viewBox (the page scales it; the legend band comes below); without
    ``height`` the map keeps the box's aspect, and ``total_height`` fixes map plus legend instead. ``labels``
    writes the area names on the map (white halo, overlapping labels skipped); ``font_px`` sizes every text in
    viewBox units; ``legend_title`` puts the indicator and period in the legend. ``uid`` keeps ids unique when
    a page shows several maps. Every coloured area is a ``<path class="f">`` with ``<title>`` (name) and data
    attributes (code, formatted value, rank); the root carries unit, NL value, source and period for the tooltip.
    """
    ind = spec.indicator
    features = list(spec.features)
    missing_any = ind is not None and any(
        fill_for(spec.values[f["id"]].value if f["id"] in spec.values else None, spec.domain, ind.direction) is None
        for f in features)
    leg = _legend(spec, width - 8, font_px, uid, missing_any, legend_title) if legend else None
    leg_h = leg.height() if leg and leg.rows else 0.0
    if total_height is not None:
        height = total_height - leg_h
    bbox = spec.bbox or geometry_bbox(f["geometry"] for f in features)
    if height is None:
        bbox = padded_bbox(bbox, pad=pad, aspect=None)
    proj, map_h = fit_projection(bbox, width, height)
    map_h = float(map_h)
    occupied = _Boxes(width, map_h)
    out: list[str] = []

    # Colour the areas (missing: hatched grey).
    area_paths: list[str] = []
    for feature in features:
        code = feature["id"]
        d = geometry_path(feature["geometry"], proj, step)
        if not d:
            d = "M0 0"  # too small to see at this scale, still counted and listed
        av = spec.values.get(code)
        name = av.name if av else feature["properties"].get("statnaam", code)
        if ind is None:
            area_paths.append(f'<path class="f" d="{d}" data-k="{_e(code)}"><title>{_e(name)}</title></path>')
            continue
        colour = fill_for(av.value if av else None, spec.domain, ind.direction)
        attrs = f'data-k="{_e(code)}"'
        if colour is None:
            area_paths.append(f'<path class="f m" d="{d}" fill="url(#{uid}-h)" {attrs}><title>{_e(name)}</title></path>')
            continue
        attrs += f' data-v="{_e(_value_text(av.value, ind.unit))}"'
        if av.rank is not None:
            attrs += f' data-r="{av.rank}"'
        if av.method and av.method != "cbs":
            attrs += f' data-m="{_e(method_nl(av.method))}"'
        area_paths.append(f'<path class="f" d="{d}" fill="{colour}" {attrs}><title>{_e(name)}</title></path>')
    total_h = map_h + leg_h

    root = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {total_h:.0f}" role="img"',
            f' class="bw-svgmap" font-family="{_e(FONT_FAMILY)}" fill="{TEXT_COLOUR}"',
            f' aria-label="{_e(summary_text(spec))}" data-n="{len(features)}"']
    if interactive:
        root.append(' data-interactive="1"')
    if ind is not None:
        root.append(f' data-unit="{_e(short_unit(ind.unit))}" data-of="{spec.n_ranked} {_e(ind.level_plural)}"')  # = with_unit
        if ind.nl_value is not None and not pd.isna(ind.nl_value):
            root.append(f' data-nl="{_e(with_unit(ind.nl_value, ind.unit))}"')
        root.append(f' data-src="{_e(f"Bron: {ind.source}, {ind.period}")}"')
    out.append("".join(root) + ">")
    out.append(f"<desc>{_e(summary_text(spec))}</desc>")
    out.append(f'<defs><clipPath id="{uid}-c"><rect width="{width:g}" height="{map_h:.1f}"/></clipPath>'
               f'<pattern id="{uid}-h" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
               f'<rect width="6" height="6" fill="{MISSING_FILL}"/><path d="M0 0v6" stroke="{MISSING_HATCH}" '
               f'stroke-width="2"/></pattern></defs>')
    out.append(f'<g clip-path="url(#{uid}-c)">')
    if spec.context:
        ctx = "".join(f'<path d="{d}"/>' for f in spec.context if (d := geometry_path(f["geometry"], proj, step)))
        out.append(f'<g class="ctx" fill="{CONTEXT_FILL}" stroke="{CONTEXT_STROKE}" stroke-width=".8" '
                   f'fill-rule="evenodd">{ctx}</g>')
    base = f' fill="{BASE_FILL}" stroke="{BASE_STROKE}" stroke-width=".8"' if ind is None else \
        ' stroke="#fff" stroke-width=".6"'
    out.append(f'<g class="areas" fill-rule="evenodd" stroke-linejoin="round"{base}>{"".join(area_paths)}</g>')
    if spec.claims and spec.claims.areas:
        out.append(_claim_areas_svg(spec.claims, proj, interactive))
    if spec.outlines:
        outl = "".join(f'<path d="{d}" stroke-width="{o.width:g}"><title>{_e(o.name)}</title></path>'
                       for o in spec.outlines if (d := geometry_path(o.geometry, proj, step)))
        out.append(f'<g class="outl" fill="none" stroke="{OUTLINE_COLOUR}" stroke-linejoin="round">{outl}</g>')
    if spec.claims and not spec.claims.empty:
        out.append(_claims_svg(spec.claims, proj, width, map_h, font_px, interactive, occupied, labels))
    if labels:
        out.append(_labels_svg(features, spec, proj, font_px, occupied))
    out.append("</g>")
    if leg and leg.rows:
        out.append(f'<g class="legend" transform="translate(4 0)">{leg.render(map_h + 2)}</g>')
    out.append("</svg>")
    return "".join(out)


def _tip(title: str, items: Sequence[str]) -> str:
    shown = list(items[:MAX_TIP_CLAIMS])
    if len(items) > MAX_TIP_CLAIMS:
        shown.append(f"… en {len(items) - MAX_TIP_CLAIMS} claims meer")
    return "\n".join([title, *shown])


def _halo(font: float) -> str:
    return f'stroke="#fff" stroke-width="{max(2.5, font * 0.22):.1f}" stroke-linejoin="round" paint-order="stroke"'


def _claim_areas_svg(claims: ClaimsLayer, proj: Projection, interactive: bool) -> str:
    """Dashed outlines of the claims' areas (under the region outlines, which often coincide)."""
    area_svg = []
    for area in claims.areas:
        d = geometry_path(area.geometry, proj)
        if d:
            tip = f' data-tip="{_e(_tip(area.name, area.items))}"' if interactive else ""
            area_svg.append(f'<path d="{d}"{tip}/>')
    return (f'<g class="carea" fill="none" stroke="{CLAIM_COLOUR}" stroke-width="1.8" stroke-dasharray="6 4" '
            f'stroke-opacity=".9">{"".join(area_svg)}</g>')


def _claims_svg(claims: ClaimsLayer, proj: Projection, width: float, height: float, font: float, interactive: bool,
                occupied: _Boxes, labels: bool) -> str:
    parts: list[str] = ['<g class="claims">']
    line_w = max(3.5, font * 0.3)
    r = max(8.0, font * 0.55) if interactive else max(5.5, font * 0.45)
    spots = []
    for marker in claims.markers:
        x, y = proj.point(marker.lon, marker.lat)
        if -r <= x <= width + r and -r <= y <= height + r:
            spots.append((x, y, marker))
            occupied.soft.append((x - r, y - r, x + r, y + r))
    projected = [[proj.point(lon, lat) for lon, lat in line.coords] for line in claims.lines]
    for i, pts in enumerate(projected):
        occupied.add_polyline(pts, owner=i)
    for line, pts in zip(claims.lines, projected, strict=True):
        d = ring_path(np.asarray(pts), close=False)
        if not d:
            continue
        tip = f' data-tip="{_e(_tip(line.name + " (schematisch)", line.items))}"' if interactive else ""
        parts.append(f'<g class="cline"{tip}><path d="{d}" fill="none" stroke="#fff" stroke-width="{line_w + 3:.1f}" '
                     f'stroke-linejoin="round" stroke-linecap="round"/><path d="{d}" fill="none" stroke="{CLAIM_COLOUR}" '
                     f'stroke-width="{line_w:.1f}" stroke-linejoin="round" stroke-linecap="round"/>'
                     f"<title>{_e(line.name)}</title></g>")
    # Line names along the longest visible run (near its middle first), kept upright, beside the line.
    fs = font * 1.05
    for i, (line, pts) in enumerate(zip(claims.lines, projected, strict=True)):
        runs = _clip_polyline(pts, width, height)
        if not runs:
            continue
        run = max(runs, key=lambda rn: sum(math.dist(a, b) for a, b in zip(rn, rn[1:], strict=False)))
        w, h = text_width(line.name, fs) * 1.06, fs * 1.05  # bold
        placed = None
        candidates = []
        for frac in sorted(np.linspace(0.08, 0.92, 22), key=lambda f: abs(f - 0.5)):
            x, y, angle = _polyline_at(run, frac)
            if angle > math.pi / 2:
                angle -= math.pi
            elif angle < -math.pi / 2:
                angle += math.pi
            off = line_w / 2 + h / 2 + 1.5
            candidates += [(x - math.sin(angle) * off * side, y + math.cos(angle) * off * side, angle)
                           for side in (-1, 1)]
        for soft in (True, False):  # rather beside a marker than no name at all
            placed = next((c for c in candidates if occupied.free_rotated(*c, w, h, margin=1.0, ignore=i, soft=soft)),
                          None)
            if placed:
                break
        if placed is None:
            continue
        cx, cy, angle = placed
        occupied.add_rotated(cx, cy, angle, w, h)
        parts.append(f'<text transform="translate({cx:.1f} {cy:.1f}) rotate({math.degrees(angle):.1f})" '
                     f'text-anchor="middle" dy=".35em" font-size="{fs:.1f}" font-weight="700" fill="{CLAIM_COLOUR}" '
                     f'{_halo(fs)}>{_e(line.name)}</text>')
    for x, y, marker in spots:
        tip = f' data-tip="{_e(_tip(marker.place, marker.items))}"' if interactive else ""
        count = ""
        if interactive and len(marker.items) > 1:
            count = (f'<text x="{x:.1f}" y="{y + r * 0.4:.1f}" font-size="{r * 1.1:.1f}" font-weight="700" '
                     f'fill="#fff" text-anchor="middle" pointer-events="none">{len(marker.items)}</text>')
        parts.append(f'<g class="cmark"{tip}><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{CLAIM_COLOUR}" '
                     f'stroke="#fff" stroke-width="2"/>{count}<title>{_e(marker.place)}</title></g>')
    parts.append("</g>")
    return "".join(parts)


def _labels_svg(features: Sequence[dict[str, Any]], spec: MapSpec, proj: Projection, font: float,
                occupied: _Boxes) -> str:
    candidates = []
    for feature in features:
        point = _label_point(feature["geometry"], proj)
        if point is None:
            continue
        av = spec.values.get(feature["id"])
        name = av.name if av else feature["properties"].get("statnaam", feature["id"])
        candidates.append((point[2], point[0], point[1], name))
    out = []
    for _, x0, y0, name in sorted(candidates, key=lambda c: -c[0]):
        w = text_width(name, font)
        for x, y in ((x0, y0), (x0, y0 - font * 0.9), (x0, y0 + font * 0.9), (x0 - w / 4, y0), (x0 + w / 4, y0)):
            box = (x - w / 2, y - font * 0.72, x + w / 2, y + font * 0.28)
            if occupied.free(box, margin=font * 0.15):
                occupied.add(box)
                out.append(f'<text x="{x:.1f}" y="{y + font * 0.35:.1f}" text-anchor="middle">{_e(name)}</text>')
                break
    return (f'<g class="labels" font-size="{font:g}" font-weight="600" {_halo(font)}>{"".join(out)}</g>'
            if out else "")


# --------------------------------------------------------------------------------------------------------------
# Text alternative
# --------------------------------------------------------------------------------------------------------------


def table_frame(spec: MapSpec) -> pd.DataFrame:
    """The map's numbers as a table: name, value, rank, NL, status ('geen data'), best first."""
    ind = spec.indicator
    rows = []
    for feature in spec.features:
        code = feature["id"]
        av = spec.values.get(code)
        name = av.name if av else feature["properties"].get("statnaam", code)
        value = av.value if av else None
        rows.append({
            "Gebied": name,
            "Code": code,
            "Waarde": None if value is None else round(value, 2),
            "Positie": av.rank if av and value is not None else None,
            "Nederland": None if ind is None or ind.nl_value is None or pd.isna(ind.nl_value) else round(ind.nl_value, 2),
            "Status": "" if value is not None else "geen data",
        })
    frame = pd.DataFrame(rows, columns=["Gebied", "Code", "Waarde", "Positie", "Nederland", "Status"])
    frame["Positie"] = frame["Positie"].astype("Int64")
    return frame.sort_values(["Positie", "Gebied"], na_position="last", ignore_index=True)


def table_html(spec: MapSpec, uid: str = "bwm") -> str:
    """The 'Als tabel' text alternative: a collapsed ``<details>`` with a real table (Dutch number format)."""
    ind = spec.indicator
    if ind is None:
        return ""
    frame = table_frame(spec)
    nl = ind.nl_value if ind.nl_value is not None and not pd.isna(ind.nl_value) else None
    unit = _e(ind.unit)
    rows = []
    for row in frame.itertuples(index=False):
        if row.Status:
            cells = f'<td colspan="3">{_e(row.Status)}</td>'
        else:
            diff = fmt_num(row.Waarde - nl, unit=ind.unit) if nl is not None else "–"
            if nl is not None and row.Waarde - nl > 0 and not diff.startswith("-"):
                diff = "+" + diff
            cells = (f"<td>{_e(_value_text(row.Waarde, ind.unit))}</td><td>{'' if pd.isna(row.Positie) else int(row.Positie)}"
                     f"</td><td>{_e(diff)}</td>")
        rows.append(f'<tr><th scope="row">{_e(row.Gebied)}</th>{cells}</tr>')
    nl_text = f" Nederland: {_e(_value_text(nl, ind.unit))} {unit}." if nl is not None else ""
    caption = (f"{_e(ind.name)}, {ind.period} ({unit}); positie 1 = best van {spec.n_ranked} {_e(ind.level_plural)}."
               f"{nl_text} Bron: {_e(ind.source)}.")
    return (f'<details class="bw-table"><summary>Als tabel</summary><div class="bw-table-box" tabindex="0" role="region" '
            f'aria-label="Tabel bij de kaart"><table id="{_e(uid)}-t"><caption>{caption}</caption><thead><tr>'
            f'<th scope="col">Gebied</th><th scope="col">Waarde ({unit})</th><th scope="col">Positie</th>'
            f'<th scope="col">Verschil met NL</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div></details>')


def payload(spec: MapSpec, *, table: bool = True, **render: Any) -> str:
    """What the page sends for a map: the SVG (``render`` = :func:`render_svg` options) and the table."""
    svg = render_svg(spec, **render)
    return svg + (table_html(spec, render.get("uid", "bwm")) if table else "")


# --------------------------------------------------------------------------------------------------------------
# Benchmark baseline: the same spec with plotly MapLibre (WebGL)
# --------------------------------------------------------------------------------------------------------------


def renderer() -> str:
    """'svg' (the product) or 'maplibre' (benchmark baseline), from ``BW_MAP_RENDERER``."""
    return "maplibre" if os.environ.get(RENDERER_ENV, "").strip().lower() == "maplibre" else "svg"


def _lines(geometries: Iterable[Geometry]) -> tuple[list[float | None], list[float | None]]:
    lons: list[float | None] = []
    lats: list[float | None] = []
    for geom in geometries:
        for ring in _rings(geom):
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
                text=[f"{spec.values[c].name}: {_value_text(spec.values[c].value, ind.unit)}" for c in have],
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


# --------------------------------------------------------------------------------------------------------------
# Streamlit (lazy import)
# --------------------------------------------------------------------------------------------------------------

COMPONENT_NAME = "bw_svg_map"
COMPONENT_CSS = """
.bw-map{position:relative}
.bw-map svg{display:block;width:100%;height:auto;max-height:var(--bw-map-max-h,78vh)}
.bw-map:focus-visible{outline:3px solid #0b1f44;outline-offset:2px}
.bw-map path.f:hover,.bw-map path.f.hl{stroke:#000;stroke-width:1.8}
.bw-map .cmark:hover circle,.bw-map .cmark.hl circle{stroke:#000}
.bw-tip{position:absolute;z-index:10;pointer-events:none;max-width:24rem;background:#fff;color:#111;
  border:1px solid #444;border-radius:4px;padding:.4rem .6rem;font-size:.9rem;line-height:1.3;
  box-shadow:0 2px 8px rgba(0,0,0,.25);white-space:normal}
.bw-tip strong{display:block}
.bw-table{margin-top:.4rem}
.bw-table summary{cursor:pointer;font-size:.95rem;padding:.25rem 0}
.bw-table summary:focus-visible{outline:3px solid #0b1f44;outline-offset:2px}
.bw-table-box{max-height:22rem;overflow:auto;border:1px solid #d5d5d5;border-radius:4px}
.bw-table-box:focus-visible{outline:3px solid #0b1f44}
.bw-table table{border-collapse:collapse;width:100%;font-size:.875rem}
.bw-table caption{text-align:left;padding:.35rem .5rem;color:#333}
.bw-table th,.bw-table td{padding:.2rem .5rem;border-top:1px solid #e6e6e6;text-align:left}
.bw-table td,.bw-table thead th+th{text-align:right}
.bw-table thead th{position:sticky;top:0;background:#f3f3f3}
"""
COMPONENT_JS = r"""
function linesFor(el, svg) {
  if (el.dataset.tip) return el.dataset.tip.split('\n');
  const out = [el.dataset.name || ''];
  const unit = svg.dataset.unit || '';
  if (el.classList.contains('m')) out.push('geen data');
  else if (el.dataset.v) {
    out.push(el.dataset.v + (unit ? ' ' + unit : ''));
    if (el.dataset.r) out.push('positie ' + el.dataset.r + ' van ' + svg.dataset.of);
  }
  if (svg.dataset.nl) out.push('Nederland: ' + svg.dataset.nl);
  if (svg.dataset.src) out.push(svg.dataset.src + (el.dataset.m ? ' (' + el.dataset.m + ')' : ''));
  return out;
}
function prepare(svg) {
  svg.querySelectorAll('path.f, [data-tip]').forEach((el) => {
    const t = el.querySelector(':scope > title');
    if (t) { el.dataset.name = t.textContent; t.remove(); }
  });
}
function setup(box) {
  const tip = box.querySelector('.bw-tip');
  let current = null;
  const svg = () => box.querySelector('svg');
  const hide = () => { tip.hidden = true; if (current) current.classList.remove('hl'); current = null; };
  const show = (el, x, y) => {
    if (current !== el) {
      if (current) current.classList.remove('hl');
      current = el; el.classList.add('hl');
      tip.replaceChildren(...linesFor(el, svg()).map((t, i) => {
        const d = document.createElement(i ? 'div' : 'strong'); d.textContent = t; return d; }));
    }
    tip.hidden = false;
    const r = box.getBoundingClientRect();
    let left = x - r.left + 14, top = y - r.top + 14;
    if (left + tip.offsetWidth > r.width) left = Math.max(0, x - r.left - tip.offsetWidth - 14);
    if (top + tip.offsetHeight > r.height) top = Math.max(0, y - r.top - tip.offsetHeight - 14);
    tip.style.left = left + 'px'; tip.style.top = top + 'px';
  };
  box.addEventListener('pointermove', (e) => {
    const el = e.target.closest && e.target.closest('path.f, [data-tip]');
    if (el && box.contains(el)) show(el, e.clientX, e.clientY); else hide();
  });
  box.addEventListener('pointerleave', hide);
  box.addEventListener('blur', hide);
  box.addEventListener('keydown', (e) => {
    const keys = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};
    if (e.key === 'Escape') { hide(); return; }
    if (!(e.key in keys) || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault(); e.stopPropagation();
    const items = Array.from(svg().querySelectorAll('path.f, [data-tip]'));
    items.sort((a, b) => (+a.dataset.r || 1e9) - (+b.dataset.r || 1e9));
    if (!items.length) return;
    const i = items.indexOf(current);
    const next = items[(i < 0 ? (keys[e.key] > 0 ? 0 : items.length - 1) : i + keys[e.key] + items.length) % items.length];
    const rb = next.getBoundingClientRect();
    show(next, rb.left + rb.width / 2, rb.top + rb.height / 2);
  });
}
export default function (component) {
  const { data, parentElement } = component;
  const markup = typeof data === 'string' ? data : (data && data.svg) || '';
  if (data && data.notify) {  // tell the server once the map is painted (the frame after it is in the DOM)
    requestAnimationFrame(() => requestAnimationFrame(() => component.setTriggerValue('painted', true)));
  }
  let box = parentElement.querySelector(':scope > .bw-map');
  if (!box) {
    box = document.createElement('div');
    box.className = 'bw-map';
    box.innerHTML = '<div class="bw-svg"></div><div class="bw-tip" hidden aria-live="polite"></div>';
    parentElement.appendChild(box);
    setup(box);
  }
  if (box.__svg === markup) return;
  box.__svg = markup;
  box.querySelector('.bw-tip').hidden = true;
  box.querySelector('.bw-svg').innerHTML = markup;
  const svg = box.querySelector('svg');
  if (svg && svg.dataset.interactive === '1') {
    prepare(svg);
    box.tabIndex = 0;
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', (svg.getAttribute('aria-label') || 'Kaart') +
      ' Met de pijltjestoetsen loopt u de gebieden langs; de tabel onder de kaart heeft dezelfde cijfers.');
  } else {
    box.removeAttribute('tabindex'); box.removeAttribute('role'); box.removeAttribute('aria-label');
  }
}
"""


@lru_cache(maxsize=1)
def _component() -> Any:
    import streamlit as st

    return st.components.v2.component(COMPONENT_NAME, js=COMPONENT_JS, css=COMPONENT_CSS, isolate_styles=False)


def mount_svg(svg: str, key: str, on_painted: Any = None) -> None:
    """Mount an SVG string in the page (Streamlit custom component v2, in the main document, no iframe); with
    ``on_painted`` the browser reports back (a rerun calling it) once the map is painted."""
    callbacks = {"on_painted_change": on_painted} if on_painted is not None else {}
    _component()(data={"svg": svg, "notify": on_painted is not None}, key=key, **callbacks)


def show(spec: MapSpec, payload: str | Any, *, key: str, height: int = 640, on_painted: Any = None) -> None:
    """Show a map: ``payload`` (from :func:`payload`, or a zero-argument callable making it) in the page, or with
    ``BW_MAP_RENDERER=maplibre`` the plotly MapLibre baseline of the same spec. ``on_painted``: see
    :func:`mount_svg` (the baseline never calls it)."""
    if renderer() == "maplibre":
        import streamlit as st

        st.plotly_chart(to_maplibre(spec, height=height), width="stretch", config={"displayModeBar": False},
                        key=key)
    else:
        mount_svg(payload() if callable(payload) else payload, key=key, on_painted=on_painted)
