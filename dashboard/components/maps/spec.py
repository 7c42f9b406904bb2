"""What to draw: the map spec and its parts (values, indicator, outlines, claims layer objects), built from store frames."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard.components.fmt import fmt_num

Geometry = dict[str, Any]  # a GeoJSON geometry (Polygon / MultiPolygon)
BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


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
    """A region outline drawn on top (name for the text alternative); ``label`` writes the name on the map, and
    the areas whose codes are in ``members`` name the region in their tooltip."""

    name: str
    geometry: Geometry
    width: float = 2.4
    label: bool = False
    members: frozenset[str] = frozenset()


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
    (default: the features' box). With labels, every area in ``named`` is named: on the map, or by a number and key.
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
    named: Sequence[str] | None = None  # codes a labelled map must name (numbered in a key if need be); None = all

    @property
    def n_ranked(self) -> int:
        """How many areas of the level have a value (the national count, not just those drawn)."""
        return sum(v.value is not None for v in self.values.values())


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



def esc(text: Any) -> str:
    """HTML/SVG-escaped text."""
    return html.escape(str(text), quote=True)


def value_text(value: float | None, unit: str) -> str:
    """A value in Dutch number format."""
    return fmt_num(value, unit=unit)
