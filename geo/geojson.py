"""Small pure helpers on GeoJSON dicts (no geopandas), shared by geo/ and the dashboard."""

from __future__ import annotations

from typing import Any


def ring_lines(geometry: dict[str, Any]) -> tuple[list[float | None], list[float | None]]:
    """Lon and lat lists of every ring of a (Multi)Polygon, ``None``-separated, for ``go.Scattermap`` lines."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    lons: list[float | None] = []
    lats: list[float | None] = []
    for polygon in polygons:
        for ring in polygon:
            if lons:
                lons.append(None)
                lats.append(None)
            lons.extend(pt[0] for pt in ring)
            lats.extend(pt[1] for pt in ring)
    return lons, lats
