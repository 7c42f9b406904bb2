"""Boundary files, plotly GeoJSON, region outlines and map views."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
import shapely

from data_loaders.config import data_dir
from geo.regions import load_lookup, load_regions
from geo.shapes import (
    LEVELS,
    TILE_SIZE,
    ShapeValidationError,
    bbox_view,
    codes_join_regions,
    geojson_size_kb,
    load_shapes,
    map_view,
    outline_lines,
    plotly_geojson,
    region_bbox,
    region_outline,
    validate_shapes,
)


def _regions_by_id() -> dict[str, Any]:
    return {r.id: r for r in load_regions()}


def _outline_cases() -> list[tuple[str, str]]:
    try:
        return [(r.id, kind) for r in load_regions() for kind in r.delineations]
    except FileNotFoundError:  # no bundle: the module fixture skips everything anyway
        return []


@pytest.fixture(scope="module", autouse=True)
def bundle() -> Path:
    geo_dir = data_dir() / "geo"
    if not all((geo_dir / name).is_file() for name, _ in LEVELS.values()):
        pytest.skip(f"databundel ontbreekt ({geo_dir}); zet BW_DATA_DIR naar shared/data")
    return geo_dir


def _exteriors(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [polygon[0] for polygon in polygons]


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_shapes_validate(level: str) -> None:
    validate_shapes(level)
    gdf = load_shapes(level)
    assert len(gdf) == LEVELS[level][1]
    assert gdf.geometry.is_valid.all() and gdf["statcode"].is_unique


def test_validation_reports_a_broken_file(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "geo").mkdir()
    shutil.copy(bundle / "gemeente_corop_provincie_2024.csv", tmp_path / "geo")
    doc = json.loads((bundle / "gemeente_2024.geojson").read_text(encoding="utf-8"))
    doc["features"] = doc["features"][:-1] + [doc["features"][0]]  # drop the last one, duplicate the first
    (tmp_path / "geo" / "gemeente_2024.geojson").write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setenv("BW_DATA_DIR", str(tmp_path))
    with pytest.raises(ShapeValidationError, match="dubbele codes") as err:
        validate_shapes("GM")
    assert "codes wijken af van de lookup" in str(err.value)
    with pytest.raises(KeyError):
        validate_shapes("WK")


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_plotly_geojson(level: str) -> None:
    fc = plotly_geojson(level)
    gdf = load_shapes(level)
    assert [f["id"] for f in fc["features"]] == list(gdf["statcode"])
    for feature in fc["features"]:
        assert feature["properties"] == {
            "statcode": feature["id"],
            "statnaam": feature["properties"]["statnaam"],
        }
        for ring in _exteriors(feature["geometry"]):
            assert all(round(c, 4) == c for pt in ring for c in pt)
            assert not shapely.is_ccw(shapely.LinearRing(ring)), feature["id"]  # clockwise kept, not rewound
    size = geojson_size_kb(fc)
    print(f"{level} plotly geojson: {size:.1f} KB")
    assert size < {"GM": 400, "CR": 150, "PV": 100}[level]


def test_gemeente_choropleth_builds() -> None:
    fc = plotly_geojson("GM")
    codes = [f["id"] for f in fc["features"]]
    fig = go.Figure(go.Choroplethmap(geojson=fc, locations=codes, z=list(range(len(codes)))))
    assert len(fig.data) == 1 and len(fig.data[0].locations) == 342


@pytest.mark.parametrize(("region_id", "kind"), _outline_cases())
def test_region_outline_builds(region_id: str, kind: str) -> None:
    feature = region_outline(region_id, kind)
    assert feature["id"] == region_id and feature["properties"]["delineation"] == kind
    geom = shapely.geometry.shape(feature["geometry"])
    assert geom.is_valid and not geom.is_empty
    assert all(not shapely.is_ccw(shapely.LinearRing(ring)) for ring in _exteriors(feature["geometry"]))
    # The outline covers the dissolved gemeenten (holes under 1 km² at border junctions are filled).
    gm = load_shapes("GM")
    members = gm[gm["statcode"].isin(_regions_by_id()[region_id].gemeenten(kind))]
    member_area = shapely.area(members.geometry.to_numpy()).sum()  # degrees², fine for a ratio
    assert abs(geom.area - member_area) / member_area < 0.01

    lons, lats = outline_lines(region_id, kind)
    assert len(lons) == len(lats) > 10 and None not in (lons[0], lons[-1])
    fig = go.Figure(
        [
            go.Choroplethmap(
                geojson={"type": "FeatureCollection", "features": [feature]}, locations=[region_id], z=[1]
            ),
            go.Scattermap(lon=lons, lat=lats, mode="lines"),
        ]
    )
    fig.update_layout(map=map_view(region_id, kind))
    assert len(fig.data) == 2 and len(fig.data[1].lon) == len(lons)
    assert fig.layout.map.zoom > 0


def test_map_view_fits_bbox() -> None:
    for region_id in ("zeeuws-vlaanderen", "nederland"):
        min_lon, min_lat, max_lon, max_lat = region_bbox(region_id)
        view = map_view(region_id)
        assert min_lon < view["center"]["lon"] < max_lon and min_lat < view["center"]["lat"] < max_lat
        world_px = TILE_SIZE * 2 ** view["zoom"]
        assert world_px * (max_lon - min_lon) / 360 <= 700  # fits horizontally
        assert world_px * (max_lon - min_lon) / 360 > 700 / 4  # and is not tiny
    assert map_view("nederland")["zoom"] < map_view("zeeuws-vlaanderen")["zoom"]
    assert 6 < map_view("nederland")["zoom"] < 7.5
    # Pure function: one degree of longitude at the equator in a 512 px map fills it at zoom log2(360).
    assert math.isclose(
        bbox_view((-0.5, -0.01, 0.5, 0.01), 512, 512, padding=0)["zoom"], math.log2(360), abs_tol=0.01
    )


class _FakeConn:
    def __init__(self, codes: list[str]) -> None:
        self.codes = codes

    def execute(self, sql: str) -> _FakeConn:
        assert "FROM regions" in sql
        return self

    def fetchall(self) -> list[tuple[str]]:
        return [(c,) for c in self.codes]


def test_codes_join_regions() -> None:
    lookup = load_lookup()
    codes = (
        set(lookup["gemeente_code"]) | set(lookup["corop_code"]) | set(lookup["provincie_code"]) | {"NL01"}
    )
    assert codes_join_regions(codes) == {"GM": [], "CR": [], "PV": []}
    assert codes_join_regions(codes - {"GM0014", "CR31"}) == {"GM": ["GM0014"], "CR": ["CR31"], "PV": []}
    assert codes_join_regions(_FakeConn(sorted(codes - {"PV20"})), levels=["PV"]) == {"PV": ["PV20"]}
    with pytest.raises(TypeError):
        codes_join_regions("GM0014")


def test_outline_matches_geopandas_dissolve() -> None:
    gm = load_shapes("GM")
    tw = gm[gm["statcode"].isin(_regions_by_id()["twente"].gemeenten())]
    dissolved = tw.union_all()
    outline = shapely.geometry.shape(region_outline("twente")["geometry"])
    assert outline.symmetric_difference(dissolved).area / dissolved.area < 0.01
