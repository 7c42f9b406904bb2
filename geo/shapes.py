"""CBS 2024 boundaries (gemeente, COROP, provincie) for plotly/MapLibre maps.

Geometries come from ``data_dir()/geo/*_2024.geojson``. Exterior rings there are clockwise (d3 convention,
see the bundle's PROVENANCE.md); this module never rewinds them, and dissolved region outlines are given
the same clockwise orientation. Results are cached per process; treat returned dicts as read-only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from data_loaders.config import data_dir
from geo.geojson import ring_lines
from geo.regions import get_region, load_lookup

LEVELS: dict[str, tuple[str, int]] = {
    "GM": ("gemeente_2024.geojson", 342),
    "CR": ("coropgebied_2024.geojson", 40),
    "PV": ("provincie_2024.geojson", 12),
}
DECIMALS = 4  # ~10 m; the source grid is ~0.001° (70-110 m)
TILE_SIZE = 512  # MapLibre GL world size in px at zoom 0
MIN_HOLE_KM2 = 1.0  # holes below this in dissolved outlines are slivers where simplified borders meet


class ShapeValidationError(ValueError):
    """A boundary file does not meet the expected counts, codes or validity."""


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise KeyError(f"onbekend niveau {level!r}; kies uit {sorted(LEVELS)}")
    return level


def _unreadable(path: str, err: Exception) -> ShapeValidationError:
    """A one-line Dutch error for a boundary file that does not parse; names the row when the JSON says where."""
    name = Path(path).name
    try:
        json.loads(Path(path).read_bytes())
    except json.JSONDecodeError as bad:
        return ShapeValidationError(
            f"{name}, rij {bad.lineno}, teken {bad.colno}: ongeldige GeoJSON ({bad.msg}; afgekapt bestand?)"
        )
    except (OSError, UnicodeDecodeError) as bad:
        return ShapeValidationError(f"{name}: onleesbaar ({type(bad).__name__})")
    return ShapeValidationError(f"{name}: geen leesbare GeoJSON ({type(err).__name__}: {' '.join(str(err).split())[:160]})")


@lru_cache(maxsize=8)
def _read(path: str) -> gpd.GeoDataFrame:
    try:
        gdf = gpd.read_file(path)
    except Exception as err:  # noqa: BLE001 - pyogrio/GDAL raise several types; all mean "not a usable file"
        raise _unreadable(path, err) from None
    if "statcode" not in gdf.columns or "statnaam" not in gdf.columns:
        raise ShapeValidationError(f"{path}: kolommen statcode/statnaam ontbreken")
    return gdf.sort_values("statcode", ignore_index=True)


def _shape_path(level: str) -> str:
    path = data_dir() / "geo" / LEVELS[_check_level(level)][0]
    if not path.is_file():
        raise FileNotFoundError(f"grenzenbestand niet gevonden: {path} (zet BW_DATA_DIR naar de databundel)")
    return str(path)


def load_shapes(level: str) -> gpd.GeoDataFrame:
    """GeoDataFrame (EPSG:4326) for ``GM``, ``CR`` or ``PV``, sorted by ``statcode`` (a copy)."""
    return _read(_shape_path(level)).copy()


def validate_shapes(level: str) -> None:
    """Raise :class:`ShapeValidationError` unless counts, codes and geometry validity hold."""
    gdf = load_shapes(level)
    expected = LEVELS[level][1]
    problems: list[str] = []
    if len(gdf) != expected:
        problems.append(f"{len(gdf)} features, verwacht {expected}")
    codes = gdf["statcode"].astype(str)
    if codes.duplicated().any():
        problems.append(f"dubbele codes: {sorted(set(codes[codes.duplicated()]))}")
    bad_prefix = sorted(codes[~codes.str.startswith(level)])
    if bad_prefix:
        problems.append(f"codes zonder prefix {level}: {bad_prefix[:5]}")
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        problems.append(f"lege geometrie: {sorted(codes[empty])}")
    invalid = ~gdf.geometry.is_valid & ~empty
    if invalid.any():
        problems.append(f"ongeldige geometrie: {sorted(codes[invalid])}")
    if not gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        problems.append("niet-polygonale geometrie aanwezig")
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        problems.append(f"CRS {gdf.crs}, verwacht EPSG:4326")
    lookup = load_lookup()
    column = {"GM": "gemeente_code", "CR": "corop_code", "PV": "provincie_code"}[level]
    mismatch = set(codes) ^ set(lookup[column])
    if mismatch:
        problems.append(f"codes wijken af van de lookup: {sorted(mismatch)[:10]}")
    if problems:
        raise ShapeValidationError(f"{level} ({LEVELS[level][0]}): " + "; ".join(problems))


def _rounded(geoms: Any) -> Any:
    """Round coordinates to :data:`DECIMALS` without changing ring order or orientation."""
    return shapely.transform(geoms, lambda xy: np.round(xy, DECIMALS))


def plotly_geojson(level: str) -> dict[str, Any]:
    """FeatureCollection for ``go.Choroplethmap``: feature ``id`` = statcode, properties statcode/statnaam."""
    return _plotly_geojson(_shape_path(level))


@lru_cache(maxsize=8)
def _plotly_geojson(path: str) -> dict[str, Any]:
    gdf = _read(path)
    geoms = _rounded(gdf.geometry.to_numpy())
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"statcode": code, "statnaam": name},
            "geometry": json.loads(shapely.to_geojson(geom)),
        }
        for code, name, geom in zip(gdf["statcode"], gdf["statnaam"], geoms, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def geojson_size_kb(obj: dict[str, Any]) -> float:
    """Compact JSON size in KB (1024 bytes), as sent to the browser."""
    return len(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) / 1024


def _approx_km2(polygon: shapely.Polygon) -> float:
    lat = polygon.centroid.y
    return polygon.area * 111.32**2 * math.cos(math.radians(lat))


def _drop_sliver_holes(geom: shapely.Geometry) -> shapely.Geometry:
    """Remove interior rings under :data:`MIN_HOLE_KM2` (gaps at simplified three-gemeente junctions)."""
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        holes = [ring for ring in poly.interiors if _approx_km2(shapely.Polygon(ring)) >= MIN_HOLE_KM2]
        parts.append(shapely.Polygon(poly.exterior, holes))
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _region_geometry(region_id: str, delineation: str | None) -> tuple[str, shapely.Geometry]:
    """(resolved delineation, dissolved geometry) of a region."""
    kind = get_region(region_id).delineation(delineation).kind
    return kind, _dissolved(region_id, kind, _shape_path("GM"))


@lru_cache(maxsize=64)
def _dissolved(region_id: str, kind: str, gm_path: str) -> shapely.Geometry:
    """Dissolved gemeenten, sliver holes removed, snapped to the output grid, exterior rings clockwise."""
    codes = set(get_region(region_id).gemeenten(kind))
    gdf = _read(gm_path)
    merged = _drop_sliver_holes(
        shapely.union_all(gdf.loc[gdf["statcode"].isin(codes), "geometry"].to_numpy())
    )
    snapped = shapely.set_precision(merged, 10.0**-DECIMALS)  # valid result on the grid that _rounded targets
    return shapely.orient_polygons(snapped, exterior_cw=True)


def region_outline(region_id: str, delineation: str | None = None) -> dict[str, Any]:
    """GeoJSON Feature with the dissolved gemeenten of a region (default delineation when None)."""
    kind, _ = _region_geometry(region_id, delineation)
    return _outline_feature(region_id, kind, _shape_path("GM"))


@lru_cache(maxsize=64)
def _outline_feature(region_id: str, kind: str, gm_path: str) -> dict[str, Any]:
    region = get_region(region_id)
    geom = _rounded(_dissolved(region_id, kind, gm_path))
    return {
        "type": "Feature",
        "id": region_id,
        "properties": {
            "region_id": region_id,
            "name": region.name,
            "delineation": kind,
            "n_gemeenten": len(region.gemeenten(kind)),
        },
        "geometry": json.loads(shapely.to_geojson(geom)),
    }


def region_bbox(region_id: str, delineation: str | None = None) -> tuple[float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat)`` of a region's delineation."""
    minx, miny, maxx, maxy = shapely.bounds(_region_geometry(region_id, delineation)[1])
    return float(minx), float(miny), float(maxx), float(maxy)


def _merc_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def bbox_view(
    bbox: tuple[float, float, float, float], width_px: int = 700, height_px: int = 700, padding: float = 0.1
) -> dict[str, Any]:
    """MapLibre ``center``/``zoom`` fitting ``bbox`` (plus ``padding`` per side) in a map of that size."""
    min_lon, min_lat, max_lon, max_lat = bbox
    y0, y1 = _merc_y(min_lat), _merc_y(max_lat)
    ymid = (y0 + y1) / 2
    center = {
        "lat": math.degrees(2 * math.atan(math.exp(ymid)) - math.pi / 2),
        "lon": (min_lon + max_lon) / 2,
    }
    scale = 1 + 2 * padding
    span_x = max(math.radians(max_lon - min_lon), 1e-9) * scale  # radians ≙ mercator units
    span_y = max(y1 - y0, 1e-9) * scale
    zoom_x = math.log2(width_px * 2 * math.pi / (TILE_SIZE * span_x))
    zoom_y = math.log2(height_px * 2 * math.pi / (TILE_SIZE * span_y))
    return {"center": center, "zoom": round(max(0.0, min(zoom_x, zoom_y, 18.0)), 2)}


def map_view(
    region_id: str,
    delineation: str | None = None,
    width_px: int = 700,
    height_px: int = 700,
    padding: float = 0.1,
) -> dict[str, Any]:
    """``{"center": {"lat", "lon"}, "zoom"}`` fitting a region for ``fig.update_layout(map=...)``."""
    return bbox_view(region_bbox(region_id, delineation), width_px, height_px, padding)


def outline_lines(
    region_id: str, delineation: str | None = None
) -> tuple[list[float | None], list[float | None]]:
    """Lon and lat lists of all rings of a region outline, ``None``-separated, for ``go.Scattermap`` lines."""
    return ring_lines(region_outline(region_id, delineation)["geometry"])


def codes_join_regions(
    store_conn_or_codes: Any, levels: Iterable[str] = ("GM", "CR", "PV")
) -> dict[str, list[str]]:
    """Shape codes per level absent from the store's ``regions.region_code`` (empty lists = all join).

    Accepts a set/iterable of region codes, or a DB connection with ``execute(...).fetchall()``
    (e.g. DuckDB), from which ``SELECT region_code FROM regions`` is read.
    """
    if hasattr(store_conn_or_codes, "execute"):
        rows = store_conn_or_codes.execute("SELECT region_code FROM regions").fetchall()
        codes = {str(row[0]) for row in rows}
    elif isinstance(store_conn_or_codes, str):
        raise TypeError("geef een verzameling codes of een verbinding, geen losse string")
    else:
        codes = {str(c) for c in store_conn_or_codes}
    return {lvl: sorted(set(load_shapes(_check_level(lvl))["statcode"]) - codes) for lvl in levels}
