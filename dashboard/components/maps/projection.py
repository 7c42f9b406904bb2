"""Projection, boxes and path encoding: lon/lat → px, map boxes, compact SVG path data, polyline helpers."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from dashboard.components.maps.spec import BBox, Geometry


def geometry_bbox(geometries: Iterable[Geometry]) -> BBox:
    """Lon/lat box around GeoJSON geometries."""
    xs: list[float] = []
    ys: list[float] = []
    for geom in geometries:
        for ring in rings(geom):
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


def rings(geometry: Geometry) -> list[Any]:
    """The coordinate rings (or the line) of a GeoJSON geometry."""
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
    parts = [ring_path(proj.xy(np.asarray(ring, dtype=float)), True, step) for ring in rings(geometry)]
    return "".join(p for p in parts if p)


def clip_polyline(pts: list[tuple[float, float]], w: float, h: float) -> list[list[tuple[float, float]]]:
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


def polyline_at(run: list[tuple[float, float]], frac: float = 0.5) -> tuple[float, float, float]:
    """Point at ``frac`` of a polyline's length and the direction (radians) of the segment there."""
    lengths = [math.dist(a, b) for a, b in zip(run, run[1:], strict=False)]
    half = sum(lengths) * frac
    for (a, b), seg in zip(zip(run, run[1:], strict=False), lengths, strict=True):
        if half <= seg and seg > 0:
            f = half / seg
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, math.atan2(b[1] - a[1], b[0] - a[0])
        half -= seg
    return run[-1][0], run[-1][1], 0.0
