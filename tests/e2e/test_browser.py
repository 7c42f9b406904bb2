"""Every page of the real dashboard in headless Chromium without WebGL: content visible, maps painted, no errors,
presentation mode that fits a beamer, screenshots, CSV downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import load_workbook

from data_loaders.config import DUCKDB_OFFLINE
from tests.e2e.harness import (
    JS_SVG_MAPS_PAINTED,
    MAP_SVG,
    REGIONS,
    PageWatch,
    StreamlitServer,
    exception_texts,
    wait_charts_drawn,
    wait_idle,
)

pytestmark = pytest.mark.browser

EXPORT_COLUMNS = ["indicator", "indicatornaam", "regio", "gebiedscode", "gebied", "niveau", "afbakening", "periode",
                  "waarde", "eenheid", "brontabel", "brontitel", "methode", "dekking"]
TEN_AND_MORE = ["noord-en-oost-groningen", "zuid-en-oost-drenthe", "zuid-limburg", "midden-limburg", "noord-limburg",
                "zeeuws-vlaanderen", "kop-van-noord-holland", "achterhoek", "zuidoost-en-noord-fryslan", "twente",
                "veenkolonien", "parkstad-limburg", "noord-nederland"]
PRESENTATION_VIEWPORT = {"width": 1920, "height": 1080}
BEAMERS = [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]
MIN_TEXT_PX = 20
# Every visible text node's rendered font size (SVG text scaled by the SVG's screen transform).
JS_TEXT_SIZES = r"""() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('title, desc, style, script, noscript, defs')) continue;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden' || +cs.opacity === 0) continue;
    if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) continue;
    let size = parseFloat(cs.fontSize);
    if (el instanceof SVGElement) { const m = el.getScreenCTM(); size *= Math.hypot(m.a, m.b); }
    out.push([walker.currentNode.textContent.trim().slice(0, 60), Math.round(size * 10) / 10]);
  }
  return out;
}"""
# How far the page (document or Streamlit's scrolling main area) can scroll, and truncated button labels.
JS_OVERFLOW = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const cut = Array.from(document.querySelectorAll('button')).filter(b => b.offsetParent)
    .filter(b => { const p = b.querySelector('p') || b; return p.scrollWidth > p.clientWidth + 1; })
    .map(b => b.innerText);
  return {doc: document.documentElement.scrollHeight - window.innerHeight,
          main: main ? main.scrollHeight - main.clientHeight : 0, cut};
}"""
JS_NO_WEBGL = """() => { const c = document.createElement('canvas');
  return !c.getContext('webgl') && !c.getContext('webgl2') && !c.getContext('experimental-webgl'); }"""


@dataclass(frozen=True)
class Overview:
    """An overview page and what must be on it."""

    name: str
    path: str
    title: str
    has_map: bool = False
    has_dataframe: bool = False


OVERVIEWS = [
    Overview("nederland", "/", "Brede welvaart in Nederland", has_map=True, has_dataframe=True),
    Overview("vergelijk", "/vergelijk", "Regio's vergelijken"),  # an HTML table (tests/e2e/test_vergelijk.py)
    Overview("claims", "/claims", "Claims uit de vijf documenten", has_map=True),
    Overview("data", "/data", "Data downloaden", has_dataframe=True),
    Overview("over", "/over", "Over dit dashboard", has_dataframe=True),
]


@pytest.fixture(scope="module")
def region_names(built_store: Path) -> dict[str, str]:
    """Region id → display name, from the store the server reads."""
    con = duckdb.connect(str(built_store), read_only=True, config=DUCKDB_OFFLINE)
    try:
        return dict(con.execute("SELECT region_id, name FROM region_defs").fetchall())
    finally:
        con.close()


class Visit:
    """One page of the app, with its error watch."""

    def __init__(self, context: Any, server: StreamlitServer) -> None:
        self.page = context.new_page()
        self.watch = PageWatch(self.page)
        self.server = server

    def open(self, path: str, *, has_map: bool) -> Visit:
        """Navigate and wait until the run is idle (and the map and every chart are drawn)."""
        self.page.goto(self.server.url(path), wait_until="domcontentloaded")
        self.settle(has_map=has_map)
        return self

    def settle(self, *, has_map: bool) -> None:
        """Wait for an idle app, the painted map (when expected: every area path in the DOM) and drawn charts."""
        wait_idle(self.page)
        if has_map:
            self.page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
        wait_charts_drawn(self.page)
        wait_idle(self.page)

    def assert_clean(self) -> None:
        """No exception box, console error, page error or failed request."""
        assert exception_texts(self.page) == [], f"exception op {self.page.url}"
        problems = self.watch.all_problems()
        assert problems == [], f"fouten op {self.page.url}:\n" + "\n".join(problems)

    def visible(self, selector: str) -> int:
        """Number of elements matching ``selector``; waits (bounded) until the first one is visible."""
        loc = self.page.locator(selector)
        loc.first.wait_for(state="visible", timeout=30_000)
        return loc.count()

    def h1(self) -> str:
        """Text of the page title."""
        self.visible("h1")
        return self.page.locator("h1").first.inner_text().strip()

    def screenshot(self, folder: Path, name: str) -> None:
        """Viewport screenshot to ``folder/name.png``."""
        self.page.screenshot(path=str(folder / f"{name}.png"))


@pytest.fixture
def visit(browser_context: Any, dashboard_server: StreamlitServer) -> Iterator[Visit]:
    """A fresh page (own Streamlit session) for one test; closed afterwards."""
    v = Visit(browser_context, dashboard_server)
    try:
        yield v
    finally:
        v.page.close()


@pytest.mark.parametrize("spec", OVERVIEWS, ids=[o.name for o in OVERVIEWS])
def test_overview_page(visit: Visit, screenshot_dir: Path, spec: Overview) -> None:
    visit.open(spec.path, has_map=spec.has_map)
    assert visit.h1() == spec.title
    if spec.has_map:
        visit.visible(MAP_SVG)
    if spec.has_dataframe:
        visit.visible('[data-testid="stDataFrame"]')
    visit.screenshot(screenshot_dir, spec.name)
    visit.assert_clean()


def test_national_deep_link(visit: Visit, screenshot_dir: Path) -> None:
    visit.open("/?indicator=werkloosheid&niveau=CR&jaar=2022", has_map=True)
    assert visit.h1() == "Brede welvaart in Nederland"
    visit.page.get_by_text("40 van 40 corop-gebieden met een waarde").wait_for()
    visit.visible('[data-testid="stDataFrame"]')
    assert "2022" in visit.page.locator('[data-testid="stMetric"]').first.inner_text()
    visit.screenshot(screenshot_dir, "nederland_werkloosheid_CR_2022")
    visit.assert_clean()


@pytest.mark.parametrize("region_id", REGIONS)
def test_region_page(visit: Visit, screenshot_dir: Path, region_names: dict[str, str], region_id: str) -> None:
    visit.open(f"/{region_id}", has_map=True)
    assert visit.h1() == region_names[region_id]
    visit.visible(MAP_SVG)
    assert visit.visible(".bw-kpi") >= 5, "te weinig kerncijfers"
    assert visit.page.locator('[data-testid="stVegaLiteChart"]').count() >= 3  # strip, facilities, trends
    assert visit.page.locator('[data-testid="stPlotlyChart"]').count() == 0  # no plotly.js on region pages
    visit.screenshot(screenshot_dir, region_id)
    visit.assert_clean()


def _presentation_title(visit: Visit) -> str:
    visit.visible(".bw-title")
    return visit.page.locator(".bw-title").first.inner_text().strip()


@pytest.mark.parametrize("region_id", ["twente", "zuid-limburg"])
def test_presentation_mode(visit: Visit, screenshot_dir: Path, region_names: dict[str, str], region_id: str) -> None:
    visit.page.set_viewport_size(PRESENTATION_VIEWPORT)
    visit.open(f"/{region_id}?presentatie=1", has_map=True)
    assert _presentation_title(visit) == region_names[region_id]
    assert visit.visible(".bw-card") >= 4, "te weinig grote kaarten"
    visit.visible(MAP_SVG)
    assert visit.page.locator('[data-testid="stSidebar"]').is_hidden(), "zijbalk hoort verborgen te zijn"
    visit.visible("button:has-text('◀ vorige regio')")
    visit.screenshot(screenshot_dir, f"presentatie_{region_id}")
    visit.assert_clean()

    visit.page.locator("button:has-text('volgende regio ▶')").click()
    title = visit.page.locator(".bw-title").first
    visit.page.wait_for_function(
        "old => { const t = document.querySelector('.bw-title'); return t && t.innerText.trim() !== old; }",
        arg=region_names[region_id],
    )
    visit.settle(has_map=True)
    new_title = title.inner_text().strip()
    assert new_title != region_names[region_id]
    assert new_title in region_names.values()
    next_id = next(r for r, n in region_names.items() if n == new_title)
    assert f"/{next_id}" in visit.page.url and "presentatie=1" in visit.page.url
    assert visit.visible(".bw-card") >= 4
    visit.screenshot(screenshot_dir, f"presentatie_{region_id}_volgende")
    visit.assert_clean()

    visit.page.keyboard.press("ArrowLeft")  # ← goes back to the previous region
    visit.page.wait_for_function(
        "old => { const t = document.querySelector('.bw-title'); return t && t.innerText.trim() === old; }",
        arg=region_names[region_id],
    )
    visit.settle(has_map=True)
    assert f"/{region_id}" in visit.page.url and "presentatie=1" in visit.page.url
    visit.assert_clean()


def _pixel_shares(png: bytes) -> tuple[float, float]:
    """Shares of painted (not white) and of clearly coloured (not white or grey) pixels in a screenshot."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int).reshape(-1, 3)
    painted = (rgb.min(axis=1) < 245).mean()
    coloured = ((rgb.max(axis=1) - rgb.min(axis=1)) > 40).mean()
    return float(painted), float(coloured)


@pytest.mark.parametrize("path", ["/", "/twente", "/twente?presentatie=1", "/claims", "/gebied?code=GM0928",
                                  "/gebied?code=CR39", "/gebied?code=PV31"],
                         ids=["nederland", "regio", "presentatie", "claims", "gemeente", "corop", "provincie"])
def test_maps_paint_without_webgl(visit: Visit, path: str) -> None:
    """The browser has no WebGL at all, and the map still paints: every area path, and coloured pixels."""
    visit.open(path, has_map=True)
    assert visit.page.evaluate(JS_NO_WEBGL), "this browser should have no WebGL"
    svg = visit.page.locator(MAP_SVG).first
    expected = int(svg.get_attribute("data-n"))
    assert visit.page.locator(f"{MAP_SVG} path.f").count() == expected > 0
    painted, coloured = _pixel_shares(svg.screenshot())
    assert painted > 0.25 and coloured > 0.005, f"kaart lijkt leeg: {painted:.1%} beschilderd, {coloured:.1%} gekleurd"
    if path != "/claims":  # a choropleth: the areas carry the colour scale
        assert coloured > 0.1, f"te weinig kleur: {coloured:.1%}"
    assert not visit.page.locator("canvas.maplibregl-canvas").count()
    resources = visit.page.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
    assert not [r for r in resources if "PlotlyChart" in r], "plotly.js geladen (geen enkele kaartpagina gebruikt plotly)"
    visit.assert_clean()


@pytest.mark.parametrize("view", ["kerncijfers", "themas"])
@pytest.mark.parametrize("viewport", BEAMERS, ids=[f"{v['width']}x{v['height']}" for v in BEAMERS])
@pytest.mark.parametrize("region_id", ["twente", "zuid-limburg", "noord-nederland"])
def test_presentation_fits_beamer(visit: Visit, screenshot_dir: Path, region_id: str, viewport: dict[str, int],
                                  view: str) -> None:
    """No scrolling, no visible text under 20 px, whole button labels, the claims (or the themes) that fit."""
    visit.page.set_viewport_size(viewport)
    visit.open(f"/{region_id}?presentatie=1" + ("&weergave=themas" if view == "themas" else ""), has_map=True)
    visit.page.wait_for_timeout(500)  # let the fit helper settle (it hides claims that do not fit)
    wait_idle(visit.page)
    overflow = visit.page.evaluate(JS_OVERFLOW)
    assert overflow["doc"] <= 0 and overflow["main"] <= 0, f"pagina scrolt: {overflow}"
    assert overflow["cut"] == [], f"afgekapte knoppen: {overflow['cut']}"
    sizes = visit.page.evaluate(JS_TEXT_SIZES)
    small = [(text, size) for text, size in sizes if size < MIN_TEXT_PX]
    assert small == [], f"tekst kleiner dan {MIN_TEXT_PX} px: {small[:10]}"
    texts = " ".join(text for text, _ in sizes)
    section = "Wat de documenten zeggen" if view == "kerncijfers" else "Per thema"
    for needed in ("Presentatiemodus verlaten", "vorige regio", "volgende regio", "Bron: CBS", section):
        assert needed in texts, needed
    if view == "kerncijfers":
        assert visit.page.locator(".bw-claim:visible").count() >= 1
    else:
        assert visit.page.locator(".bw-ptile:visible").count() == 13, "thema-overzicht niet helemaal zichtbaar"
    assert visit.page.locator(f"{MAP_SVG} .labels text").count() >= 1, "geen gemeentenamen op de kaart"
    suffix = "" if view == "kerncijfers" else "_themas"
    visit.screenshot(screenshot_dir, f"presentatie_{region_id}_{viewport['width']}x{viewport['height']}{suffix}")
    visit.assert_clean()


def _read_csv(data: bytes, flavour: str) -> list[list[str]]:
    """A download read the way a program reads it: ``csv`` with ``;`` for Excel NL, header expected on row 1."""
    excel = flavour == "excel"
    assert data.startswith(b"\xef\xbb\xbf") == excel, "BOM alleen in de Excel-CSV"
    text = data.decode("utf-8-sig" if excel else "utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if excel else ","))


def _download(visit: Visit, label: str) -> bytes:
    button = visit.page.locator('[data-testid="stDownloadButton"] button').filter(has_text=label)
    assert button.count() == 1, f"downloadknop '{label}' niet gevonden"
    with visit.page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    wait_idle(visit.page)  # a download click reruns the script; let that run finish before the next click
    return Path(download.path()).read_bytes()


def _region_values(store: Path, ids: list[str]) -> dict[tuple[str, str, int], float]:
    """The regions' values as the export rounds them (CBS decimals, one more when derived: tests/test_exports.py)."""
    from data_loaders.store import Store
    from tests.test_exports import published_decimals

    opened = Store(store)
    try:
        decimals = published_decimals(opened)
    finally:
        opened.close()
    con = duckdb.connect(str(store), read_only=True, config=DUCKDB_OFFLINE)
    try:
        rows = con.execute(
            f"""SELECT ro.region_id, ro.indicator_id, ro.period, ro.value, ro.method FROM region_observations ro
                JOIN region_defs d ON d.region_id = ro.region_id AND d.default_delineation = ro.delineation
                WHERE ro.value IS NOT NULL AND ro.region_id <> 'nederland'
                  AND ro.indicator_id IN ({','.join('?' * len(ids))})""", ids).fetchall()
    finally:
        con.close()
    return {(r, i, int(p)): round(v, decimals.get(i, 1) + (m != "cbs")) for r, i, p, v, m in rows}


def test_data_page_downloads(visit: Visit, built_store: Path) -> None:
    ids = ["werkloosheid", "mediaan_inkomen"]
    visit.open(f"/data?indicatoren={','.join(ids)}&niveaus=NL,CR,RG", has_map=False)
    assert visit.h1() == "Data downloaden"
    selection = visit.page.url  # the page writes its selection into the URL
    expected = _region_values(built_store, ids)
    col = {name: i for i, name in enumerate(EXPORT_COLUMNS)}

    for label, flavour in (("CSV (standaard: UTF-8, komma)", "standard"),
                           ("CSV voor Excel NL (puntkomma, decimale komma)", "excel")):
        rows = _read_csv(_download(visit, label), flavour)
        assert rows[0] == EXPORT_COLUMNS, f"{flavour}: de kopregel hoort op rij 1"
        assert len(rows) > 100 and {len(r) for r in rows} == {len(EXPORT_COLUMNS)}, "elke rij even breed"
        values = [r[col["waarde"]] for r in rows[1:] if r[col["waarde"]]]
        assert all("." not in v for v in values) if flavour == "excel" else all("," not in v for v in values)
        got = {(r[col["regio"]], r[col["indicator"]], int(r[col["periode"]])): float(r[col["waarde"]].replace(",", "."))
               for r in rows[1:] if r[col["niveau"]] == "Regio"}
        assert got == expected, f"{flavour}: regiowaarden wijken af van region_observations"
        assert {key[0] for key in got} == set(TEN_AND_MORE)

    book = load_workbook(io.BytesIO(_download(visit, "Excel-werkmap (.xlsx")))
    assert book.sheetnames == ["Gegevens", "Per jaar", "Bron en methode"]  # issue 22.14: the wide sheet
    sheet = [list(r) for r in book["Gegevens"].iter_rows(values_only=True)]
    assert sheet[0] == EXPORT_COLUMNS and {len(r) for r in sheet} == {len(EXPORT_COLUMNS)}
    got = {(r[col["regio"]], r[col["indicator"]], int(r[col["periode"]])): r[col["waarde"]]
           for r in sheet[1:] if r[col["niveau"]] == "Regio"}
    assert got == pytest.approx(expected, rel=1e-14)
    meta = dict(list(book["Bron en methode"].iter_rows(values_only=True))[1:])
    assert "CC BY 4.0" in meta["licentie"] and meta["permalink"].endswith("/data?" + selection.split("?", 1)[1])

    companion = _read_csv(_download(visit, "Bron en methode (CSV)"), "standard")
    assert companion[0] == ["onderdeel", "toelichting"] and {len(r) for r in companion} == {2}
    assert dict(companion[1:])["licentie"] == meta["licentie"]
    assert visit.page.url == selection, "de selectie hoort na het downloaden gelijk te blijven"
    visit.assert_clean()


def test_claims_download_on_data_page(visit: Visit, built_store: Path) -> None:
    """The claims with their verdicts: the Excel-NL CSV has its header on row 1 and one verdict per claim."""
    visit.open("/data", has_map=False)
    rows = _read_csv(_download(visit, "Claims: CSV voor Excel NL"), "excel")
    header = rows[0]
    assert header[:3] == ["claim", "document", "paragraaf"] and "oordeel_tekst" in header
    assert {len(r) for r in rows} == {len(header)}
    con = duckdb.connect(str(built_store), read_only=True, config=DUCKDB_OFFLINE)
    try:
        stored = dict(con.execute("SELECT claim_id, verdict_nl FROM claim_verdicts WHERE region_id IS NULL").fetchall())
    finally:
        con.close()
    got = {r[0]: r[header.index("oordeel_tekst")] for r in rows[1:]}
    assert got == stored
    visit.assert_clean()
