"""The map module (dashboard/components/maps.py): colour logic, shared domains, 'geen data', SVG, labels, claims layer."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from dashboard.components import maps
from data_loaders.config import REPO_ROOT


def _square(x0: float, y0: float, size: float = 0.1) -> dict:
    ring = [[x0, y0], [x0, y0 + size], [x0 + size, y0 + size], [x0 + size, y0], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def _feature(code: str, name: str, x0: float, y0: float, size: float = 0.1) -> dict:
    return {"type": "Feature", "id": code, "properties": {"statcode": code, "statnaam": name},
            "geometry": _square(x0, y0, size)}


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _spec(values: dict[str, float | None], direction: str = "higher_is_better", **kw) -> maps.MapSpec:
    features = [_feature(code, f"Gemeente {code}", 5.0 + i * 0.1, 52.0) for i, code in enumerate(values)]
    present = sorted((v for v in values.values() if v is not None), reverse=direction != "lower_is_better")
    area_values = {c: maps.AreaValue(name=f"Gemeente {c}", value=v, rank=None if v is None else present.index(v) + 1)
                   for c, v in values.items()}
    ind = maps.Indicator(name="Testindicator", unit="%", direction=direction, source="CBS test", period=2022,
                         nl_value=50.0)
    return maps.MapSpec(features=features, values=area_values, indicator=ind,
                        domain=maps.national_domain(values.values()), **kw)


# --- colour ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["higher_is_better", "lower_is_better", "neutral"])
def test_dark_means_better(direction: str) -> None:
    domain = (0.0, 100.0)
    low, high = maps.fill_for(10.0, domain, direction), maps.fill_for(90.0, domain, direction)
    if direction == "lower_is_better":
        assert _luminance(low) < _luminance(high), "lower is better: the low value is the dark one"
    else:
        assert _luminance(high) < _luminance(low), "higher is better (or neutral: higher) is the dark one"
    palette = maps.PALETTE_NEUTRAL if direction == "neutral" else maps.PALETTE
    assert {maps.fill_for(v, domain, direction) for v in (0.0, 100.0)} == {palette[0], palette[-1]}


def test_values_outside_the_domain_get_the_end_colours() -> None:
    domain = (60.0, 70.0)
    assert maps.fill_for(40.0, domain, "higher_is_better") == maps.fill_for(60.0, domain, "higher_is_better")
    assert maps.fill_for(95.0, domain, "higher_is_better") == maps.PALETTE[-1]
    assert maps.fill_for(None, domain, "higher_is_better") is None
    assert maps.fill_for(float("nan"), domain, "higher_is_better") is None


def test_national_domain_is_robust() -> None:
    values = list(np.linspace(50, 60, 98)) + [0.0, 1000.0]  # two outliers
    lo, hi = maps.national_domain(values + [None])
    assert 49 < lo < 51 and 59 < hi < 61
    assert maps.national_domain([None]) is None
    lo, hi = maps.national_domain([5.0, 5.0])
    assert lo < 5.0 < hi


# --- SVG ------------------------------------------------------------------------------------------------------


def test_svg_is_well_formed_and_accessible() -> None:
    svg = maps.render_svg(_spec({"GM0001": 10.0, "GM0002": 20.0, "GM0003": 30.0}))
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and "Testindicator" in root.get("aria-label")
    assert root.find("{http://www.w3.org/2000/svg}desc").text == root.get("aria-label")
    assert root.get("data-n") == "3" and root.get("data-interactive") == "1"
    paths = re.findall(r'<path class="f"[^>]*>', svg)
    assert len(paths) == 3 and all('data-v="' in p and 'data-r="' in p for p in paths)
    assert "<title>Gemeente GM0002</title>" in svg and "donker = beter" in svg


def test_geen_data_is_hatched_and_in_the_legend() -> None:
    svg = maps.render_svg(_spec({"GM0001": 10.0, "GM0002": None, "GM0003": 30.0}, direction="lower_is_better"),
                          uid="t")
    missing = re.findall(r'<path class="f m"[^>]*>', svg)
    assert len(missing) == 1 and 'fill="url(#t-h)"' in missing[0] and 'data-v' not in missing[0]
    assert '<pattern id="t-h"' in svg and ">geen data</text>" in svg
    assert ">geen data</text>" not in maps.render_svg(_spec({"GM0001": 10.0, "GM0003": 30.0}))


def test_text_is_escaped() -> None:
    spec = _spec({"GM0001": 10.0})
    spec.values["GM0001"] = maps.AreaValue(name="<script>alert(1)</script> & co", value=10.0, rank=1)
    svg = maps.payload(spec, labels=True)
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg
    ET.fromstring(svg.split("<details")[0])


def test_labels_written_on_the_map_without_overlaps() -> None:
    features = [_feature("GM0001", "Grootgemeente", 5.0, 52.0, 0.5),
                _feature("GM0002", "Buurgemeente met een lange naam", 5.5, 52.0, 0.02),
                _feature("GM0003", "Derde", 5.0, 52.5, 0.3)]
    spec = maps.MapSpec(features=features, values={}, indicator=None)
    svg = maps.render_svg(spec, labels=True, width=400, font_px=20, interactive=False)
    labels = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle">([^<]+)</text>', svg)
    names = [name for _, _, name in labels]
    assert "Grootgemeente" in names and "Derde" in names
    boxes = [(float(x) - maps.text_width(n, 20) / 2, float(y) - 20, float(x) + maps.text_width(n, 20) / 2, float(y))
             for x, y, n in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], "overlapping labels"
    assert 'paint-order="stroke"' in svg and "data-interactive" not in svg  # white halo; static


def test_path_encoding_is_relative_and_half_pixel() -> None:
    d = maps.ring_path(np.array([[0.0, 0.0], [10.24, 0.0], [10.24, 5.26], [0.0, 0.0]]))
    assert d == "M0 0l10 0 0 5.5z"
    assert maps.ring_path(np.array([[0.0, 0.0], [0.1, 0.1], [0.0, 0.0]])) == ""  # below half a pixel


def test_table_alternative() -> None:
    spec = _spec({"GM0001": 10.26, "GM0002": None, "GM0003": 30.0})
    frame = maps.table_frame(spec)
    assert list(frame["Gebied"]) == ["Gemeente GM0003", "Gemeente GM0001", "Gemeente GM0002"]
    assert list(frame["Status"]) == ["", "", "geen data"]
    html = maps.table_html(spec)
    assert html.startswith('<details class="bw-table"><summary>Als tabel</summary>')
    assert "<td>10,3</td>" in html and "geen data" in html and "Nederland: 50,0 %" in html


def test_module_needs_neither_streamlit_nor_plotly() -> None:
    code = ("import sys; import dashboard.components.maps as m; "
            "m.render_svg(m.MapSpec(features=[{'type': 'Feature', 'id': 'GM1', 'properties': {}, 'geometry': "
            "{'type': 'Polygon', 'coordinates': [[[5, 52], [5, 53], [6, 53], [5, 52]]]}}])); "
            "assert 'streamlit' not in sys.modules and 'plotly' not in sys.modules")
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_renderer_switch_and_maplibre_baseline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(maps.RENDERER_ENV, raising=False)
    assert maps.renderer() == "svg"
    monkeypatch.setenv(maps.RENDERER_ENV, "maplibre")
    assert maps.renderer() == "maplibre"
    spec = _spec({"GM0001": 10.0, "GM0002": None, "GM0003": 30.0})
    fig = maps.to_maplibre(spec)
    kinds = [t.type for t in fig.data]
    assert kinds.count("choroplethmap") == 2  # geen data + values
    values = next(t for t in fig.data if t.type == "choroplethmap" and t.zmin is not None)
    assert (values.zmin, values.zmax) == spec.domain


# --- claims layer ---------------------------------------------------------------------------------------------


def _town(name: str, lon: float, lat: float) -> SimpleNamespace:
    return SimpleNamespace(name=name, lon=lon, lat=lat)


def _line_claim(cid: str, towns: list[SimpleNamespace], topic: str | None) -> SimpleNamespace:
    return SimpleNamespace(id=cid, paraphrase=f"Parafrase {cid}", document="d.txt", regions=(), topic=topic,
                           location=SimpleNamespace(type="line", towns=tuple(towns)))


def test_line_claims_grouped_by_topic() -> None:
    a, b, c = _town("Amsterdam", 4.9, 52.37), _town("Lelystad", 5.47, 52.52), _town("Groningen", 6.57, 53.22)
    claims = [_line_claim("c001", [a, b, c], "Lelylijn"), _line_claim("c002", [a, c], "Lelylijn"),
              _line_claim("c003", [b, c], None)]
    geo = maps.ClaimsGeo(shapes={}, names={}, gemeenten_of={}, regions={})
    layer = maps.claims_layer(claims, geo)
    assert [line.name for line in layer.lines] == ["Lelylijn", "Lelystad – Groningen"]
    assert layer.lines[0].items == ("c001 · Parafrase c001", "c002 · Parafrase c002")
    features = [_feature("GM0001", "X", 4.8, 52.2, 1.9)]
    svg = maps.render_svg(maps.MapSpec(features=features, claims=layer), width=600, font_px=14)
    assert "Lelylijn</text>" in svg and "c002 · Parafrase c002" in svg  # labelled line, hover lists every claim


@pytest.fixture(scope="module")
def national_claims(store_env: Path) -> maps.ClaimsLayer:
    from dashboard.components import mapdata

    return mapdata.claims(outline_areas=True)


def test_claims_with_many_codes_are_drawn(national_claims: maps.ClaimsLayer) -> None:
    from seeds.claims import load_claims

    big = [c for c in load_claims() if c.location.type == "area" and len(c.location.codes) > 20]
    assert {c.id for c in big} >= {"c039", "c040", "c043"}
    for claim in big:
        text = f"{claim.id} · {claim.paraphrase}"
        assert any(text in m.items for m in national_claims.markers), claim.id
        assert any(text in a.items for a in national_claims.areas), claim.id


def test_ten_region_claims_get_a_marker_per_region(national_claims: maps.ClaimsLayer) -> None:
    from dashboard import data
    from seeds.claims import load_claims

    ten = {rid for rid, r in data.region_defs().items() if "tien" in r.groups}
    names = {data.region_defs()[r].name for r in ten}
    for cid in ("c041", "c044", "c057"):
        claim = next(c for c in load_claims() if c.id == cid)
        assert set(claim.regions) == ten
        markers = [m for m in national_claims.markers if f"{cid} · {claim.paraphrase}" in m.items]
        assert len(markers) == 10 and {m.place for m in markers} == names, cid
        assert len({(round(m.lon, 2), round(m.lat, 2)) for m in markers}) == 10


def test_region_claims_only_mark_that_region(store_env: Path) -> None:
    from dashboard.components import mapdata

    layer = mapdata.claims(region_id="twente")
    c044 = [m for m in layer.markers if any(i.startswith("c044 ") for i in m.items)]
    assert [m.place for m in c044] == ["Twente"]


def test_one_colour_domain_for_every_region(store_env: Path) -> None:
    from dashboard import data, profile
    from dashboard.components import mapdata
    from dashboard.views import regio

    ind = regio.DEFAULT_MAP_INDICATOR
    period = data.periods(ind, "GM")[-1]
    national = mapdata.domain(ind, "GM", period)
    specs = {r: profile.region_map(r, data.region_defs()[r].default_delineation, ind, True)
             for r in ("twente", "zuid-limburg", "noord-en-oost-groningen")}
    assert {s.domain for s in specs.values()} == {national}
    legends = set()
    for rid, spec in specs.items():
        svg = profile.region_svg(rid, data.region_defs()[rid].default_delineation, ind, True, presentation=True)
        legends.add(tuple(re.findall(r">((?:≤ |≥ )?\d+,\d)</text>", svg)[:2]))
        code, value = next((c, v) for c, v in spec.values.items() if v.value is not None and c in
                           {f["id"] for f in spec.features})
        assert maps.fill_for(value.value, national, spec.indicator.direction) in svg
    assert len(legends) == 1, legends  # the same legend (domain) on every slide


def test_national_payload_within_budget(store_env: Path) -> None:
    from dashboard import data
    from dashboard.views import nederland

    for indicator in (nederland.DEFAULT_INDICATOR, "werkloosheid", "bevolkingsdichtheid"):
        period = data.periods(indicator, "GM")[-1]
        payload = nederland.national_svg(indicator, "GM", period, True, True)  # regions outlined, claims on
        size = len(json.dumps({"svg": payload, "notify": False}).encode())
        assert size <= 250 * 1024, (indicator, size)
        assert payload.count('<path class="f') == 342


# --- clickable areas, region names (issue 21) --------------------------------------------------------------------


def test_areas_link_to_their_page_and_name_their_region() -> None:
    outline = maps.Outline(name="Regio Test", geometry=_square(5.0, 52.0, 0.2), label=True,
                           members=frozenset({"GM1"}))
    spec = _spec({"GM1": 10.0, "GM2": 20.0}, outlines=(outline,))
    svg = maps.render_svg(spec)
    assert 'data-link="gebied?code="' in svg
    assert re.search(r'<path class="f"[^>]*data-k="GM1" data-g="Regio Test"', svg)
    assert not re.search(r'data-k="GM2" data-g=', svg)
    assert '<g class="olabels"' in svg and ">Regio Test</text>" in svg  # the outline's name on the map
    static = maps.render_svg(spec, interactive=False)
    assert "data-link" not in static and "data-g=" not in static  # presentation/PDF maps: nothing to click
    script = maps.COMPONENT_JS
    assert "dataset.link" in script and "e.key === 'Enter'" in script and "'Regio: '" in script


def test_national_map_labels_the_ten_regions(store_env: Path) -> None:
    from dashboard import data
    from dashboard.views import nederland

    period = data.periods(nederland.DEFAULT_INDICATOR, "GM")[-1]
    svg = nederland.national_svg(nederland.DEFAULT_INDICATOR, "GM", period, True, True)
    labels = re.search(r'<g class="olabels"[^>]*>(.*?)</g>', svg).group(1)
    names = {r.name for r in data.region_defs().values() if "tien" in r.groups}
    assert set(re.findall(r">([^<]+)</text>", labels)) == names
    assert re.search(r'data-k="GM0928" data-g="Zuid-Limburg"', svg)  # Kerkrade's tooltip names its region


TEN_AND_MORE = ["noord-en-oost-groningen", "zuid-en-oost-drenthe", "zuid-limburg", "midden-limburg", "noord-limburg",
                "zeeuws-vlaanderen", "kop-van-noord-holland", "achterhoek", "zuidoost-en-noord-fryslan", "twente",
                "veenkolonien", "parkstad-limburg", "noord-nederland"]


def _named(svg: str) -> tuple[list[str], list[tuple[float, float, float, float]], float, float]:
    """Names in labels + key, the label and number boxes (from the SVG's own coordinates), key bottom, viewBox height."""
    import html
    labels = re.search(r'<g class="labels" font-size="([\d.]+)".*?</g>', svg)
    names = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", labels.group(0))] if labels else []
    names += [html.unescape(t) for t in re.findall(r'<text class="kn"[^>]*>([^<]*)</text>', svg)]
    font = float(labels.group(1)) if labels else 21.0
    boxes = []
    if labels:
        for x, y, t in re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle">([^<]*)</text>', labels.group(0)):
            w = maps.text_width(html.unescape(t), font)
            boxes.append((float(x) - w / 2, float(y) - font * 1.07, float(x) + w / 2, float(y) - font * 0.07))
    num = re.search(r'<g class="gnum".*?</g>', svg)
    for cx, cy, r in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="#fff"', num.group(0) if num else ""):
        boxes.append((float(cx) - float(r), float(cy) - float(r), float(cx) + float(r), float(cy) + float(r)))
    ys = [float(y) for y in re.findall(r'<text class="kn" x="[\d.]+" y="([\d.]+)"', svg)]
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
    return names, boxes, max(ys, default=0.0), height


@pytest.mark.parametrize("claims", [True, False], ids=["presentatie", "pdf"])
def test_every_member_named_on_presentation_and_pdf_maps(store_env: Path, claims: bool) -> None:
    """Issue 22.10: each member of the 13 regions is named once (label or numbered key), no label/number overlaps,
    the key inside the viewBox."""
    from dashboard import data, profile
    from dashboard.report.content import MAP_INDICATOR
    for rid in TEN_AND_MORE:
        delin = data.region_defs()[rid].default_delineation
        svg = profile.region_svg(rid, delin, MAP_INDICATOR, claims, presentation=True)
        spec = profile.region_map(rid, delin, MAP_INDICATOR, claims, aspect=profile.PRESENTATION_MAP["aspect"])
        want = sorted(spec.values[f["id"]].name if f["id"] in spec.values else f["properties"]["statnaam"]
                      for f in spec.features)
        names, boxes, key_bottom, height = _named(svg)
        assert sorted(names) == want, rid
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (rid, a, b)
        assert key_bottom <= height, rid


def test_area_map_names_the_area_and_own_map_every_gemeente(store_env: Path) -> None:
    from dashboard import profile
    from dashboard.report.content import MAP_INDICATOR
    names = _named(profile.region_svg("GM0928", None, MAP_INDICATOR, False, presentation=True))[0]
    assert "Kerkrade" in names
    own = _named(profile.own_svg(("GM0014", "GM0037", "GM0047", "GM0050", "GM0059"), MAP_INDICATOR, presentation=True))[0]
    assert sorted(own) == ["Achtkarspelen", "Groningen", "Stadskanaal", "Veendam", "Zeewolde"]


def test_beamer_map_keeps_its_height_and_names_or_counts_every_member(store_env: Path) -> None:
    """Issue 22.9/22.10 on the beamer: the key fits inside the fixed 545-high viewBox (so the slide keeps its text
    ≥ 20 px); every member is named once, or counted in the key's last line that points to the Gemeenten view."""
    from dashboard import data, profile
    from dashboard.views.regio import DEFAULT_MAP_INDICATOR
    box = profile.BEAMER_MAP
    partial = {}
    for rid in TEN_AND_MORE:
        delin = data.region_defs()[rid].default_delineation
        svg = profile.region_svg(rid, delin, DEFAULT_MAP_INDICATOR, True, beamer=True)
        members = {data.regions_table().set_index("region_code").loc[c, "name"] for c in profile.members(rid, delin)}
        names, boxes, key_bottom, height = _named(svg)
        assert abs(height - box["total_height"]) < 0.5 and key_bottom <= height, rid  # one height: no jump
        rest = re.search(r'class="kmore" data-n="(\d+)"[^>]*>\+ (\d+) gemeenten: zie knop Gemeenten<', svg)
        left = int(rest.group(1)) if rest and rest.group(1) == rest.group(2) else 0
        assert set(names) <= members and len(set(names)) == len(names) and len(names) + left == len(members), rid
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (rid, a, b)
        if left:
            partial[rid] = left
    assert len(partial) <= 2, partial  # the others name every member on the slide (measured: 11 of 13)


def test_gemeenten_view_numbers_every_member_once(store_env: Path) -> None:
    """Issue 22.10 for the two regions too large for the slide's key: presentation mode's Gemeenten view numbers
    every member of each of the 13 regions once (north to south), the discs inside the fixed 430×545 viewBox and
    apart, the key (in the same order) beside the map."""
    from dashboard import data, profile
    box = profile.BEAMER_MAP
    names = data.regions_table().set_index("region_code")["name"]
    for rid in TEN_AND_MORE:
        delin = data.region_defs()[rid].default_delineation
        member_map = profile.member_map(rid, delin)
        members = sorted(names.loc[c] for c in profile.members(rid, delin))
        assert sorted(member_map.numbered) == members, rid  # each member once, nothing else
        svg = member_map.svg
        assert re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups() == (f"{box['width']:g}", f"{box['total_height']:g}")
        assert '<g class="labels"' not in svg and '<g class="gkey"' not in svg and 'fill="url(#pg-h)"' not in svg
        assert f'aria-label="Kaart van {data.region_defs()[rid].name}: {len(members)} gemeenten, elk met een nummer' in svg
        group = re.search(r'<g class="gnum".*?</g>', svg).group(0)
        discs = [tuple(map(float, d)) for d in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="#fff"', group)]
        numbers = [int(n) for n in re.findall(r'text-anchor="middle">(\d+)</text>', group)]
        assert numbers == list(range(1, len(members) + 1)) and len(discs) == len(members), rid
        for i, (x, y, r) in enumerate(discs):
            assert r <= x <= box["width"] - r + 0.5 and r <= y <= box["total_height"] - r + 0.5, (rid, i + 1)
            for j, (x2, y2, r2) in enumerate(discs[i + 1:], start=i + 1):
                assert (x - x2) ** 2 + (y - y2) ** 2 >= (r + r2) ** 2 - 0.5, (rid, i + 1, j + 1)
        tops = [y for _, y, _ in discs]
        assert tops[0] <= tops[-1], rid  # numbered from the north
