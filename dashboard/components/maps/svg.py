"""The SVG: areas, context, outlines, the claims layer, labels and legend in one self-contained string."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dashboard.components.fmt import method_nl, short_unit, with_unit
from dashboard.components.maps.colour import (
    BASE_FILL,
    BASE_STROKE,
    CLAIM_COLOUR,
    CONTEXT_FILL,
    CONTEXT_STROKE,
    DIRECTION_NL,
    FONT_FAMILY,
    MISSING_FILL,
    MISSING_HATCH,
    OUTLINE_COLOUR,
    TEXT_COLOUR,
    colour_at,
    darkness,
    fill_for,
    legend_direction,
    palette_for,
)
from dashboard.components.maps.labels import (
    Boxes,
    halo,
    key_capacity,
    key_svg,
    labels_svg,
    numbers_svg,
    outline_labels_svg,
    text_width,
)
from dashboard.components.maps.projection import (
    Projection,
    clip_polyline,
    fit_projection,
    geometry_bbox,
    geometry_path,
    padded_bbox,
    polyline_at,
    ring_path,
)
from dashboard.components.maps.spec import ClaimsLayer, MapSpec, esc, value_text
from dashboard.components.maps.table import table_html

MAX_TIP_CLAIMS = 8
AREA_LINK = "gebied?code="  # a click (or Enter) on an area opens its page: relative, so it works under a base path


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
        parts.append(f"{words[0]}: {first[1]} ({value_text(first[0], ind.unit)} {ind.unit}), {words[1]}: "
                     f"{last[1]} ({value_text(last[0], ind.unit)} {ind.unit}).")
    if ind.nl_value is not None and not pd.isna(ind.nl_value):
        parts.append(f"Nederland: {value_text(ind.nl_value, ind.unit)} {ind.unit}.")
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
        words, lines = text.split(" "), [""]
        for word in words:  # a title wider than the legend wraps (a narrow beamer map)
            if lines[-1] and text_width(f"{lines[-1]} {word}", font) > width:
                lines.append(word)
            else:
                lines[-1] = f"{lines[-1]} {word}".strip()
        for line in lines:
            leg.add(width, f'<text x="0" y="{font * 0.95:.1f}" font-size="{font:g}" font-weight="700">{esc(line)}</text>')
    fs = f'font-size="{font:g}"'
    sw = font * 1.25  # swatch size
    ty = font * 0.95  # text baseline inside a row
    if ind is not None and spec.domain is not None:
        lo, hi = spec.domain
        present = [v.value for c, v in spec.values.items() if v.value is not None]
        lo_txt = ("≤ " if present and min(present) < lo else "") + value_text(lo, ind.unit)
        hi_txt = ("≥ " if present and max(present) > hi else "") + value_text(hi, ind.unit)
        pal = palette_for(ind.direction)
        stops = []
        for i in range(9):
            t = i / 8
            value = lo + (hi - lo) * t
            stops.append(f'<stop offset="{t:.3f}" stop-color="{colour_at(darkness(value, (lo, hi), ind.direction), pal)}"/>')
        bar_w = max(font * 6, min(width * 0.32, font * 11))
        w_lo, w_hi = text_width(lo_txt, font), text_width(hi_txt, font)
        scale = (f'<defs><linearGradient id="{uid}-g">{"".join(stops)}</linearGradient></defs>'
                 f'<text x="0" y="{ty:.1f}" {fs}>{esc(lo_txt)}</text>'
                 f'<rect x="{w_lo + font * 0.35:.1f}" y="{font * 0.1:.1f}" width="{bar_w:.1f}" height="{sw:.1f}" '
                 f'fill="url(#{uid}-g)" stroke="#555" stroke-width=".6"/>'
                 f'<text x="{w_lo + bar_w + font * 0.7:.1f}" y="{ty:.1f}" {fs}>{esc(hi_txt)}</text>')
        unit_txt = f"{ind.unit} · {legend_direction(ind.direction)}"
        leg.add(width if title else text_width(unit_txt, font),
                f'<text x="0" y="{ty:.1f}" {fs} font-weight="600">{esc(unit_txt)}</text>')
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


MIN_MAP_SHARE = 0.5  # with ``key_inside``, the map keeps at least this share of the fixed height
FALLBACK_MAP_SHARES = (0.75, 0.7, 0.65, 0.6)  # map sizes tried when even then the key cannot name all (rest: Gemeenten view)


def render_svg(spec: MapSpec, *, width: float = 700, height: float | None = None, labels: bool = False,
               font_px: float = 13, interactive: bool = True, uid: str = "bwm", legend: bool = True,
               legend_title: bool = False, total_height: float | None = None, step: float = 0.5,
               pad: float = 0.03, link: str | None = AREA_LINK, key_inside: bool = False) -> str:
    """The map as one self-contained SVG string; with ``key_inside`` (and ``total_height``) the key to the numbered
    names fits inside ``total_height`` too: the map shrinks (to at least :data:`MIN_MAP_SHARE`) instead of the
    viewBox growing, so a screen that scales the SVG to a fixed height keeps every text at ``font_px``."""
    options = dict(width=width, height=height, labels=labels, font_px=font_px, interactive=interactive, uid=uid,
                   legend=legend, legend_title=legend_title, step=step, pad=pad, link=link)
    if not (key_inside and labels and total_height):
        return _render_svg(spec, total_height=total_height, **options)[0]
    svg = _fitted_key_svg(spec, total_height, options)  # always the full height: the slide does not jump
    return re.sub(r'viewBox="0 0 ([\d.]+) [\d.]+"', lambda m: f'viewBox="0 0 {m.group(1)} {total_height:.0f}"', svg, count=1)


def render_svg_numbered(spec: MapSpec, *, width: float, total_height: float, font_px: float, uid: str,
                        legend_title: bool = True, write_names: bool = True) -> tuple[str, list[str]]:
    """A static map of ``width`` × ``total_height`` (legend included) on which every named area without a name
    on it (``write_names=False``: every one) gets a numbered disc, with the key left to the caller (presentation
    mode's Gemeenten view lists it beside the map): the SVG and the numbered names in the discs' order."""
    svg, _, keyed = _render_svg(spec, width=width, height=None, labels=True, font_px=font_px, interactive=False,
                                uid=uid, legend=True, legend_title=legend_title, total_height=total_height, step=0.5,
                                pad=0.03, link=None, key=False, write_names=write_names)
    if spec.indicator is None:  # an uncoloured map: its text alternative says what the numbers are
        where = f" van {spec.title}" if spec.title else ""
        text = esc(f"Kaart{where}: {len(keyed)} gemeenten, elk met een nummer van noord naar zuid; de namen staan in "
                   "de lijst naast de kaart.")
        old = esc(summary_text(spec))
        svg = svg.replace(f'aria-label="{old}"', f'aria-label="{text}"', 1).replace(f"<desc>{old}</desc>", f"<desc>{text}</desc>", 1)
    return svg, keyed


def _fitted_key_svg(spec: MapSpec, total_height: float, options: dict[str, Any]) -> str:
    font_px = options["font_px"]
    body = total_height
    while body >= total_height * MIN_MAP_SHARE:  # the largest map (in steps of half a text line) whose key fits under it
        svg, key_h, _ = _render_svg(spec, total_height=body, **options)
        if body + key_h <= total_height + 0.5:
            return svg
        body -= font_px / 2
    best = None  # no room for every name: the map (of these sizes) that leaves the fewest to the Gemeenten view
    for share in FALLBACK_MAP_SHARES:
        body = total_height * share
        svg, _, _ = _render_svg(spec, total_height=body, key_max=total_height - body, **options)
        left = int(m.group(1)) if (m := re.search(r'class="kmore" data-n="(\d+)"', svg)) else 0
        if best is None or left < best[0]:
            best = (left, svg)
    return best[1]


def _render_svg(spec: MapSpec, *, width: float, height: float | None, labels: bool, font_px: float,
                interactive: bool, uid: str, legend: bool, legend_title: bool, total_height: float | None,
                step: float, pad: float, link: str | None, key_max: float | None = None,
                key: bool = True, write_names: bool = True) -> tuple[str, float, list[str]]:
    """:func:`render_svg`'s drawing; returns the SVG, the key's height and the numbered names (``key_max`` caps the
    key: the areas it cannot name are counted in its last line; ``key=False`` numbers every one and draws no key).

    ``width`` × ``height`` is the map's viewBox (the page scales it; the legend band comes below); without
    ``height`` the map keeps the box's aspect, and ``total_height`` fixes map plus legend instead. ``labels``
    writes the area names on the map (white halo, overlapping labels skipped); ``font_px`` sizes every text in
    viewBox units; ``legend_title`` puts the indicator and period in the legend. ``uid`` keeps ids unique when
    a page shows several maps. Every coloured area is a ``<path class="f">`` with ``<title>`` (name) and data
    attributes (code, formatted value, rank, the region it lies in); the root carries unit, NL value, source and
    period for the tooltip and, when interactive, ``link`` (the area page's URL before the code) for clicks.
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
    occupied = Boxes(width, map_h)
    out: list[str] = []

    # Colour the areas (missing: hatched grey).
    area_paths: list[str] = []
    group_of: dict[str, list[str]] = {}
    for o in spec.outlines:
        for member in o.members:
            group_of.setdefault(member, []).append(o.name)
    for feature in features:
        code = feature["id"]
        group = f' data-g="{esc(", ".join(group_of[code]))}"' if interactive and code in group_of else ""
        d = geometry_path(feature["geometry"], proj, step)
        if not d:
            d = "M0 0"  # too small to see at this scale, still counted and listed
        av = spec.values.get(code)
        name = av.name if av else feature["properties"].get("statnaam", code)
        if ind is None:
            area_paths.append(f'<path class="f" d="{d}" data-k="{esc(code)}"{group}><title>{esc(name)}</title></path>')
            continue
        colour = fill_for(av.value if av else None, spec.domain, ind.direction)
        attrs = f'data-k="{esc(code)}"{group}'
        if colour is None:
            area_paths.append(f'<path class="f m" d="{d}" fill="url(#{uid}-h)" {attrs}><title>{esc(name)}</title></path>')
            continue
        attrs += f' data-v="{esc(value_text(av.value, ind.unit))}"'
        if av.rank is not None:
            attrs += f' data-r="{av.rank}"'
        if av.method and av.method != "cbs":
            attrs += f' data-m="{esc(method_nl(av.method))}"'
        area_paths.append(f'<path class="f" d="{d}" fill="{colour}" {attrs}><title>{esc(name)}</title></path>')
    total_h = map_h + leg_h

    root = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {total_h:.0f}" role="img"',
            f' class="bw-svgmap" font-family="{esc(FONT_FAMILY)}" fill="{TEXT_COLOUR}"',
            f' aria-label="{esc(summary_text(spec))}" data-n="{len(features)}"']
    if interactive:
        root.append(' data-interactive="1"' + (f' data-link="{esc(link)}"' if link else ""))
    if ind is not None:
        root.append(f' data-unit="{esc(short_unit(ind.unit))}" data-of="{spec.n_ranked} {esc(ind.level_plural)}"')  # = with_unit
        if ind.nl_value is not None and not pd.isna(ind.nl_value):
            root.append(f' data-nl="{esc(with_unit(ind.nl_value, ind.unit))}"')
        root.append(f' data-src="{esc(f"Bron: {ind.source}, {ind.period}")}"')
    out.append("".join(root) + ">")
    out.append(f"<desc>{esc(summary_text(spec))}</desc>")
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
        outl = "".join(f'<path d="{d}" stroke-width="{o.width:g}"><title>{esc(o.name)}</title></path>'
                       for o in spec.outlines if (d := geometry_path(o.geometry, proj, step)))
        out.append(f'<g class="outl" fill="none" stroke="{OUTLINE_COLOUR}" stroke-linejoin="round">{outl}</g>')
    named = [o for o in spec.outlines if o.label]
    if named:
        out.append(outline_labels_svg(named, proj, font_px, occupied))
    if spec.claims and not spec.claims.empty:
        out.append(_claims_svg(spec.claims, proj, width, map_h, font_px, interactive, occupied, labels))
    key_part, key_h, keyed = "", 0.0, []
    if labels:  # every named area: its name, or a numbered disc and the key below the legend (the viewBox grows)
        names, missed = labels_svg(features, spec, proj, font_px, occupied, write=write_names)
        limit = None
        if key_max is not None:  # the slide's room: as many numbers as the key can name, the rest counted
            order = [m[0] for m in sorted(missed, key=lambda m: (round(m[2] / (font_px * 2)), m[1]))]
            limit = key_capacity(order, font_px, width - 8, key_max)
        discs, keyed = numbers_svg(missed, font_px, occupied, limit)
        out.append(names + discs)
        if key:
            key_part, key_h = key_svg(keyed, font_px, width - 8, map_h + leg_h, more=len(missed) - len(keyed))
    out.append("</g>")
    if leg and leg.rows:
        out.append(f'<g class="legend" transform="translate(4 0)">{leg.render(map_h + 2)}</g>')
    out.append(key_part + "</svg>")
    if key_h:
        out[0] = out[0].replace(f'viewBox="0 0 {width:g} {total_h:.0f}"', f'viewBox="0 0 {width:g} {total_h + key_h:.0f}"', 1)
    return "".join(out), key_h, keyed


def _tip(title: str, items: Sequence[str]) -> str:
    shown = list(items[:MAX_TIP_CLAIMS])
    if len(items) > MAX_TIP_CLAIMS:
        shown.append(f"… en {len(items) - MAX_TIP_CLAIMS} claims meer")
    return "\n".join([title, *shown])



def _claim_areas_svg(claims: ClaimsLayer, proj: Projection, interactive: bool) -> str:
    """Dashed outlines of the claims' areas (under the region outlines, which often coincide)."""
    area_svg = []
    for area in claims.areas:
        d = geometry_path(area.geometry, proj)
        if d:
            tip = f' data-tip="{esc(_tip(area.name, area.items))}"' if interactive else ""
            area_svg.append(f'<path d="{d}"{tip}/>')
    return (f'<g class="carea" fill="none" stroke="{CLAIM_COLOUR}" stroke-width="1.8" stroke-dasharray="6 4" '
            f'stroke-opacity=".9">{"".join(area_svg)}</g>')


def _claims_svg(claims: ClaimsLayer, proj: Projection, width: float, height: float, font: float, interactive: bool,
                occupied: Boxes, labels: bool) -> str:
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
        tip = f' data-tip="{esc(_tip(line.name + " (schematisch)", line.items))}"' if interactive else ""
        parts.append(f'<g class="cline"{tip}><path d="{d}" fill="none" stroke="#fff" stroke-width="{line_w + 3:.1f}" '
                     f'stroke-linejoin="round" stroke-linecap="round"/><path d="{d}" fill="none" stroke="{CLAIM_COLOUR}" '
                     f'stroke-width="{line_w:.1f}" stroke-linejoin="round" stroke-linecap="round"/>'
                     f"<title>{esc(line.name)}</title></g>")
    # Line names along the longest visible run (near its middle first), kept upright, beside the line.
    fs = font * 1.05
    for i, (line, pts) in enumerate(zip(claims.lines, projected, strict=True)):
        runs = clip_polyline(pts, width, height)
        if not runs:
            continue
        run = max(runs, key=lambda rn: sum(math.dist(a, b) for a, b in zip(rn, rn[1:], strict=False)))
        w, h = text_width(line.name, fs) * 1.06, fs * 1.05  # bold
        placed = None
        candidates = []
        for frac in sorted(np.linspace(0.08, 0.92, 22), key=lambda f: abs(f - 0.5)):
            x, y, angle = polyline_at(run, frac)
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
                     f'{halo(fs)}>{esc(line.name)}</text>')
    for x, y, marker in spots:
        tip = f' data-tip="{esc(_tip(marker.place, marker.items))}"' if interactive else ""
        count = ""
        if interactive and len(marker.items) > 1:
            count = (f'<text x="{x:.1f}" y="{y + r * 0.4:.1f}" font-size="{r * 1.1:.1f}" font-weight="700" '
                     f'fill="#fff" text-anchor="middle" pointer-events="none">{len(marker.items)}</text>')
        parts.append(f'<g class="cmark"{tip}><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{CLAIM_COLOUR}" '
                     f'stroke="#fff" stroke-width="2"/>{count}<title>{esc(marker.place)}</title></g>')
    parts.append("</g>")
    return "".join(parts)



def payload(spec: MapSpec, *, table: bool = True, **render: Any) -> str:
    """What the page sends for a map: the SVG (``render`` = :func:`render_svg` options) and the table."""
    svg = render_svg(spec, **render)
    return svg + (table_html(spec, render.get("uid", "bwm")) if table else "")
