"""The claims layer: the documents' claims (points, lines, areas) as map objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry import shape as to_shape

from dashboard.components.maps.spec import ClaimArea, ClaimLine, ClaimMarker, ClaimsLayer, Geometry


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
