"""Labels: collision boxes, label positions and the area names written on the map."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from dashboard.components.maps.projection import Projection
from dashboard.components.maps.spec import Geometry, MapSpec, Outline, esc

KEY_MORE = "+ {n} gemeenten: zie knop Gemeenten"  # the capped key's last line (the beamer's Gemeenten view names all)
KEY_COLOUR = "#333"  # discs and leader lines of the numbered key
CHAR_EM = 0.56  # average glyph width of the (semi)bold UI font, in em (label collision boxes)


class Boxes:
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


def label_point(geometry: Geometry, proj: Projection) -> tuple[float, float, float] | None:
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



def halo(font: float) -> str:
    """SVG attributes of the white halo behind map text."""
    return f'stroke="#fff" stroke-width="{max(2.5, font * 0.22):.1f}" stroke-linejoin="round" paint-order="stroke"'



def labels_svg(features: Sequence[dict[str, Any]], spec: MapSpec, proj: Projection, font: float,
               occupied: Boxes, write: bool = True) -> tuple[str, list[tuple[str, float, float]]]:
    """The area names on the map, those in ``spec.named`` (all when None) first, largest area first, skipping those
    that would overlap anything placed; also the named areas that got no label: (name, x, y of the label point).
    ``write=False`` writes none (every named area is returned, to be numbered)."""
    must = None if spec.named is None else set(spec.named)
    candidates = []
    for feature in features:
        point = label_point(feature["geometry"], proj)
        av = spec.values.get(feature["id"])
        name = av.name if av else feature["properties"].get("statnaam", feature["id"])
        needed = must is None or feature["id"] in must
        if point is None:
            point = (*proj.point(*_first_vertex(feature["geometry"])), 0.0) if needed else None
            if point is None:
                continue
        candidates.append((not needed, -point[2], point[0], point[1], name))
    out, missed = [], []
    for other, _, x0, y0, name in sorted(candidates, key=lambda c: c[:2]):
        w = text_width(name, font)
        spots = ((x0, y0), (x0, y0 - font * 0.9), (x0, y0 + font * 0.9), (x0 - w / 4, y0), (x0 + w / 4, y0))
        for x, y in spots if write else ():
            box = (x - w / 2, y - font * 0.72, x + w / 2, y + font * 0.28)
            if occupied.free(box, margin=font * 0.15):
                occupied.add(box)
                out.append(f'<text x="{x:.1f}" y="{y + font * 0.35:.1f}" text-anchor="middle">{esc(name)}</text>')
                break
        else:
            if not other:
                missed.append((name, x0, y0))
    group = (f'<g class="labels" font-size="{font:g}" font-weight="600" {halo(font)}>{"".join(out)}</g>'
             if out else "")
    return group, missed


def _first_vertex(geometry: Geometry) -> tuple[float, float]:
    ring = geometry["coordinates"][0][0] if geometry["type"] == "MultiPolygon" else geometry["coordinates"][0]
    return float(ring[0][0]), float(ring[0][1])


def _disc_r(number: int, font: float) -> float:
    return max(font * 0.62, text_width(str(number), font) / 2 + font * 0.18)


def _disc(x: float, y: float, number: int, font: float) -> str:
    r = _disc_r(number, font)
    return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#fff" stroke="{KEY_COLOUR}" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{y + font * 0.35:.1f}" text-anchor="middle">{number}</text>')


def numbers_svg(missed: Sequence[tuple[str, float, float]], font: float, occupied: Boxes,
                limit: int | None = None) -> tuple[str, list[str]]:
    """A numbered disc (font ``font``) for each area that got no name, at its label point or the nearest free spot
    around it (with a leader line); numbered top to bottom, left to right; only the first ``limit`` with a limit.
    Returns the SVG and the names in order."""
    ordered = sorted(missed, key=lambda m: (round(m[2] / (font * 2)), m[1]))[:limit]
    out, names = [], []
    for number, (name, x0, y0) in enumerate(ordered, start=1):
        r = _disc_r(number, font)
        spots = [(x0, y0)] + [(x0 + r * 1.25 * k * math.cos(a), y0 + r * 1.25 * k * math.sin(a))
                              for k in range(1, 10) for a in np.linspace(0, 2 * math.pi, 8 + 4 * k, endpoint=False)]
        chosen = None
        for soft in (True, False):
            chosen = next((p for p in spots if occupied.free((p[0] - r, p[1] - r, p[0] + r, p[1] + r),
                                                             margin=font * 0.1, soft=soft)), None)
            if chosen:
                break
        x, y = chosen or (x0, y0)
        occupied.add((x - r, y - r, x + r, y + r))
        if math.dist((x, y), (x0, y0)) > r:
            t = 1 - r / math.dist((x, y), (x0, y0))
            out.append(f'<path d="M{x0:.1f} {y0:.1f}L{x0 + (x - x0) * t:.1f} {y0 + (y - y0) * t:.1f}" '
                       f'stroke="{KEY_COLOUR}" stroke-width="1.5"/><circle cx="{x0:.1f}" cy="{y0:.1f}" r="2.5" '
                       f'fill="{KEY_COLOUR}"/>')
        out.append(_disc(x, y, number, font))
        names.append(name)
    group = (f'<g class="gnum" font-size="{font:g}" font-weight="700" aria-hidden="true">{"".join(out)}</g>'
             if out else "")
    return group, names


def _key_layout(names: Sequence[str], font: float, width: float) -> tuple[int, list[float], float]:
    """Rows, column start x and disc radius of the key: as many columns as fit ``width``, each as wide as its
    longest entry."""
    r = _disc_r(max(len(names), 1), font)
    gap = font * 0.9
    entry = [2 * r + font * 0.4 + text_width(n, font) for n in names]
    for cols in range(len(names), 0, -1):  # the most columns that fit
        rows = math.ceil(len(names) / cols)
        widths = [max(entry[c * rows:(c + 1) * rows]) for c in range(math.ceil(len(names) / rows))]
        if sum(widths) + gap * (len(widths) - 1) <= width or cols == 1:
            starts = [4 + sum(widths[:c]) + gap * c for c in range(len(widths))]
            return rows, starts, r
    return len(names), [4.0], r


def key_height(n_rows: int, font: float) -> float:
    """Height of a key of ``n_rows`` lines."""
    return n_rows * font * 1.45 + font * 0.6 if n_rows else 0.0


def key_capacity(names: Sequence[str], font: float, width: float, max_height: float) -> int:
    """How many of ``names`` (in order) fit a key of at most ``max_height``, leaving a line for the rest."""
    for n in range(len(names), -1, -1):
        rows = _key_layout(names[:n], font, width)[0] if n else 0
        if key_height(rows + (n < len(names)), font) <= max_height:
            return n
    return 0


def key_svg(names: Sequence[str], font: float, width: float, top: float, more: int = 0) -> tuple[str, float]:
    """The key to the numbered discs under the map: "N  Name" in as many columns as fit ``width`` (each column as
    wide as its longest name), filled column by column from ``top``; ``more`` areas without name get a last line
    pointing to presentation mode's Gemeenten view (:data:`KEY_MORE`; only the beamer's key is capped). Returns
    the SVG and its height (0 without names)."""
    if not names and not more:
        return "", 0.0
    rows, starts, r = _key_layout(names, font, width) if names else (0, [4.0], 0.0)
    line = font * 1.45
    parts = []
    for i, name in enumerate(names):
        x, cy = starts[i // rows], top + font * 0.3 + (i % rows) * line + line / 2
        parts.append(f'{_disc(x + r, cy, i + 1, font)}<text class="kn" x="{x + 2 * r + font * 0.4:.1f}" '
                     f'y="{cy + font * 0.35:.1f}" font-weight="400">{esc(name)}</text>')
    if more:
        cy = top + font * 0.3 + rows * line + line / 2
        parts.append(f'<text class="kmore" data-n="{more}" x="4" y="{cy + font * 0.35:.1f}" font-weight="400">'
                     f'{esc(KEY_MORE.format(n=more))}</text>')
    return (f'<g class="gkey" font-size="{font:g}" font-weight="700">{"".join(parts)}</g>',
            key_height(rows + bool(more), font))


def outline_labels_svg(outlines: Sequence[Outline], proj: Projection, font: float, occupied: Boxes) -> str:
    """The names of labelled outlines (the ten regions) inside them, bold with a halo; each takes the first free
    spot among its pole of inaccessibility and a few nearby points (a name that fits nowhere is still written)."""
    out = []
    fs = font * 0.92
    for o in outlines:
        point = label_point(o.geometry, proj)
        if point is None:
            continue
        x0, y0, _ = point
        w = text_width(o.name, fs) * 1.06
        spots = [(x0, y0), (x0, y0 - fs * 1.2), (x0, y0 + fs * 1.2), (x0 - w / 3, y0), (x0 + w / 3, y0)]
        chosen = next((s for s in spots if occupied.free((s[0] - w / 2, s[1] - fs * 0.75, s[0] + w / 2, s[1] + fs * 0.3),
                                                         margin=fs * 0.1)), spots[0])
        x, y = chosen
        occupied.add((x - w / 2, y - fs * 0.75, x + w / 2, y + fs * 0.3))
        out.append(f'<text x="{x:.1f}" y="{y + fs * 0.35:.1f}" text-anchor="middle">{esc(o.name)}</text>')
    return (f'<g class="olabels" font-size="{fs:.1f}" font-weight="700" pointer-events="none" {halo(fs)}>'
            f'{"".join(out)}</g>' if out else "")
