"""WCAG 2.1 AA (EN 301 549) in the real browser: axe-core on every page, Dutch document language and interface
strings, heading order, text alternatives of charts and maps, and a keyboard walk with visible focus.

axe-core comes from npm (the README's test command installs it into ``.cache/npm``, git-ignored); without it these
tests fail with a Dutch message instead of silently skipping.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dashboard import document
from tests.e2e.harness import (
    AXE_INSTALL,
    AXE_JS,
    JS_SVG_MAPS_PAINTED,
    PageWatch,
    StreamlitServer,
    exception_texts,
    wait_charts_drawn,
    wait_idle,
)

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
MAX_OPENED = 40  # expanders opened before the audit (all on a region page; the first 40 claims on /claims)
MAX_HEIGHT = 16_000  # the audit viewport grows towards the page's height (axe checks contrast only on screen)
MIN_FOCUS_CONTRAST = 3.0  # WCAG 1.4.11 for the focus indicator
MAX_TABS = 300

# Runs axe with the WCAG 2.0/2.1 A and AA rules; returns the violations.
JS_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ').slice(-120))}));
}"""
# axe checks colour contrast only where the text is on screen; run that rule again with Streamlit's scrolling main
# area scrolled to each further screenful (returns [scroll position, violations]).
JS_AXE_CONTRAST_BELOW = """async () => {
  const main = document.querySelector('[data-testid="stMain"]');
  const out = [];
  if (!main) return out;
  for (let top = main.clientHeight; top < main.scrollHeight; top += main.clientHeight) {
    main.scrollTop = top;
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const result = await axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']}, resultTypes: ['violations']});
    out.push([top, result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ').slice(-120))}))]);
  }
  main.scrollTop = 0;
  return out;
}"""
# Visible headings (h1–h6 and role=heading) in document order, as [level, text].
JS_HEADINGS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]'))
  .filter(h => h.getClientRects().length && !h.closest('[inert], [aria-hidden="true"]'))
  .map(h => [+(h.getAttribute('aria-level') || h.tagName.slice(1)), h.innerText.trim().slice(0, 60)])"""
# Every chart and map with its accessible name; choropleth maps with or without their 'Als tabel' table.
JS_ALTERNATIVES = """() => ({
  charts: Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
    .filter(c => c.querySelector('svg, canvas'))
    .map(c => ({role: c.getAttribute('role'), name: (c.getAttribute('aria-label') || '').trim()})),
  maps: Array.from(document.querySelectorAll('.bw-map svg[data-n]')).map(svg => ({
    name: (svg.getAttribute('aria-label') || '').trim(),
    choropleth: svg.hasAttribute('data-unit') && svg.dataset.interactive === '1',
    table: !!svg.closest('.bw-svg').querySelector('details.bw-table table')}))
})"""
# Contrast of SVG text (charts and maps; axe cannot judge text drawn in SVG): fill against white, or for the
# white counts on the claim markers, against the marker's colour.
JS_SVG_TEXT = """() => {
  const lum = (c) => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(x => { x = x / 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const out = [];
  for (const t of document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text, .bw-map svg text')) {
    if (!t.textContent.trim() || !t.getClientRects().length) continue;
    const fill = getComputedStyle(t).fill;
    if (!fill.startsWith('rgb')) continue;
    const marker = t.closest('.cmark');
    const bg = marker ? getComputedStyle(marker.querySelector('circle')).fill : 'rgb(255, 255, 255)';
    const r = ratio(fill, bg);
    if (r < 4.5) out.push([t.textContent.trim().slice(0, 30), fill, bg, Math.round(r * 100) / 100]);
  }
  return out;
}"""
# English Streamlit strings still in the page (attributes and texts), given the component's own list.
JS_ENGLISH = """(d) => {
  const exact = new Set(Object.keys(d.strings));
  const patterns = d.patterns.map(([re]) => new RegExp(re));
  const english = (v) => { v = (v || '').trim(); return v && (exact.has(v) && d.strings[v] !== v
    || d.prefixes.some(p => v.startsWith(p + ': ')) || patterns.some(re => re.test(v))); };
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    if (el.closest('svg, table, [role="grid"]')) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'aria-roledescription'])
      if (english(el.getAttribute(a))) out.push(a + ': ' + el.getAttribute(a).slice(0, 80));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (p && !p.closest('svg, script, style, table, [role="grid"]') && english(n.nodeValue)) out.push('tekst: ' + n.nodeValue.trim());
  }
  return out;
}"""
# The focused element and its focus indicator: outline or box-shadow of the element (or, for an input hidden
# inside a widget, of its label or select box), its colour composited on the background, and the contrast.
JS_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const parse = (c) => { const m = c.match(/[\\d.]+/g) || ['0', '0', '0', '0']; return m.map(Number).concat([1]).slice(0, 4); };
  const background = (node) => {
    let colour = [255, 255, 255];
    const stack = [];
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) { stack.push(c); if (c[3] >= 1) break; }
    }
    for (const c of stack.reverse()) colour = colour.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
    return colour;
  };
  const lum = (v) => { v = v.map(x => { x = x / 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const candidates = [el, el.closest('label'), el.closest('[data-baseweb="select"]') &&
    el.closest('[data-baseweb="select"]').firstElementChild].filter(Boolean);
  let best = {ratio: 0, kind: 'geen'};
  for (const c of candidates) {
    const cs = getComputedStyle(c);
    const bg = background(cs.outlineOffset.startsWith('-') ? c : (c.parentElement || c));
    const found = [];
    if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) found.push(['outline', cs.outlineColor]);
    const shadow = cs.boxShadow.match(/rgba?\\([^)]*\\)[^,]*/g) || [];
    for (const s of shadow) {  // 'rgba(…) 0px 0px 0px 3px': a ring when the spread is at least 2 px
      const px = (s.match(/(-?[\\d.]+)px/g) || []).map(parseFloat);
      if (px.length >= 4 && px[3] >= 2) found.push(['box-shadow', s.match(/rgba?\\([^)]*\\)/)[0]]);
    }
    for (const [kind, colour] of found) {
      const f = parse(colour);
      const seen = bg.map((v, i) => f[i] * f[3] + v * (1 - f[3]));
      const r = ratio(seen, bg);
      if (r > best.ratio) best = {ratio: Math.round(r * 100) / 100, kind, colour};
    }
  }
  const rect = el.getBoundingClientRect();
  const inView = rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth;
  const name = (el.getAttribute('aria-label') || el.innerText || el.getAttribute('title') || el.tagName).trim()
    .replace(/\\s+/g, ' ').slice(0, 60);
  return {name, tag: el.tagName, nav: !!el.closest('.st-key-bw_nav'), tile: el.classList.contains('bw-tile'),
          href: el.getAttribute('href'), inView, ...best};
}"""


@dataclass(frozen=True)
class Audited:
    """A page the audit visits."""

    name: str
    path: str
    has_map: bool = False
    grow: bool = True  # grow the viewport to the page height (not in presentation mode, which fits the screen)


AUDITED = [
    Audited("nederland", "/", has_map=True),
    Audited("regio", "/twente", has_map=True),
    Audited("presentatie", "/twente?presentatie=1", has_map=True, grow=False),
    Audited("presentatie_gemeenten", "/noord-nederland?presentatie=1&weergave=gemeenten", has_map=True, grow=False),
    Audited("vergelijk", "/vergelijk"),
    Audited("claims", "/claims", has_map=True),
    Audited("data", "/data"),
    Audited("over", "/over"),
    Audited("gebied", "/gebied?code=GM0928", has_map=True),
    Audited("gebied_provincie", "/gebied?code=PV31", has_map=True),
    Audited("eigen_regio", "/gebied?gemeenten=GM0014,GM0037,GM0047,GM0050,GM0059"),
]


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """The axe-core script; a Dutch failure (not a skip) when it is not installed."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core ontbreekt: {AXE_JS} bestaat niet. Installeer het met het testcommando uit de README "
                    f"(onderdeel: `{AXE_INSTALL}`).", pytrace=False)
    return AXE_JS


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A fresh page (own Streamlit session) at 1600×1000."""
    p = browser_context.new_page()
    p.set_viewport_size({"width": 1600, "height": 1000})
    try:
        yield p
    finally:
        p.close()


def _open(page: Any, server: StreamlitServer, path: str, *, has_map: bool) -> PageWatch:
    watch = PageWatch(page)
    page.goto(server.url(path), wait_until="domcontentloaded")
    wait_idle(page)
    if has_map:
        page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
    wait_charts_drawn(page)
    wait_idle(page)
    return watch


def _lang(page: Any) -> str:
    return page.evaluate("document.documentElement.lang")


def _open_details(page: Any) -> int:
    """Open the closed expanders and 'Als tabel' views in the main area, so their content is audited too."""
    opened = page.evaluate("""(limit) => {
      const closed = Array.from(document.querySelectorAll('[data-testid="stMain"] details:not([open]) > summary'));
      closed.slice(0, limit).forEach(s => s.click());
      return Math.min(closed.length, limit); }""", MAX_OPENED)
    page.wait_for_timeout(500)
    wait_charts_drawn(page)
    wait_idle(page)
    return int(opened)


def _grow(page: Any) -> None:
    height = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
      return m ? m.scrollHeight : document.documentElement.scrollHeight; }""")
    page.set_viewport_size({"width": 1600, "height": min(int(height) + 40, MAX_HEIGHT)})
    page.wait_for_timeout(500)
    wait_charts_drawn(page)


def _violations(page: Any, axe: Path) -> list[dict[str, Any]]:
    """All rules on the page as shown, then colour contrast on every further screenful of a long page."""
    page.add_script_tag(path=str(axe))
    found = page.evaluate(JS_AXE, AXE_TAGS)
    for _, more in page.evaluate(JS_AXE_CONTRAST_BELOW):
        found.extend(more)
    return [v for v in found if v["impact"] in BLOCKING]


def _heading_problems(headings: list[list[Any]]) -> list[str]:
    """One level-1 heading, and no level more than one deeper than the heading before it."""
    problems = []
    ones = [text for level, text in headings if level == 1]
    if len(ones) != 1:
        problems.append(f"{len(ones)} koppen van niveau 1: {ones}")
    previous = 1
    for level, text in headings:
        if level > previous + 1:
            problems.append(f"sprong van h{previous} naar h{level} bij ‘{text}’")
        previous = level
    return problems


@pytest.mark.parametrize("spec", AUDITED, ids=[a.name for a in AUDITED])
def test_page_meets_wcag_21_aa(page: Any, dashboard_server: StreamlitServer, screenshot_dir: Path, axe_script: Path,
                               spec: Audited) -> None:
    """axe-core (WCAG 2.0/2.1 A+AA): no serious or critical violation, with every expander open and the whole page
    in view; lang="nl"; no English Streamlit string; one h1 and no skipped levels; every chart and map named, every
    choropleth with its table; SVG text at least 4.5:1."""
    watch = _open(page, dashboard_server, spec.path, has_map=spec.has_map)
    assert exception_texts(page) == []
    assert _lang(page) == "nl", f"{spec.path}: <html lang> is ‘{_lang(page)}’, niet ‘nl’"
    page.screenshot(path=str(screenshot_dir / f"a11y_{spec.name}.png"))
    if spec.grow:
        _open_details(page)
        _grow(page)

    violations = _violations(page, axe_script)
    assert violations == [], f"axe op {spec.path}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}, {len(v['nodes'])} elementen): {v['help']}; bv. {v['nodes'][:3]}" for v in violations)

    english = page.evaluate(JS_ENGLISH, document.ui_strings())
    assert english == [], f"Engelse interfaceteksten op {spec.path}: {english[:10]}"
    problems = _heading_problems(page.evaluate(JS_HEADINGS))
    assert problems == [], f"koppen op {spec.path}: {problems}"

    alternatives = page.evaluate(JS_ALTERNATIVES)
    unnamed = [c for c in alternatives["charts"] if c["role"] != "graphics-document" or not c["name"]]
    assert unnamed == [], f"grafiek zonder tekstalternatief op {spec.path}: {unnamed}"
    assert all(m["name"] for m in alternatives["maps"]), f"kaart zonder tekstalternatief op {spec.path}"
    assert all(m["table"] for m in alternatives["maps"] if m["choropleth"]), f"kaart zonder ‘Als tabel’ op {spec.path}"
    if spec.has_map:
        assert alternatives["maps"], f"geen kaart op {spec.path}"
    low = page.evaluate(JS_SVG_TEXT)
    assert low == [], f"SVG-tekst onder 4,5:1 op {spec.path}: {low[:10]}"
    assert watch.all_problems() == []


def _walk(page: Any, limit: int = MAX_TABS) -> tuple[list[dict[str, Any]], bool]:
    """Tab from the top of the page until focus comes back to where it started; (focus stops, came back)."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(JS_FOCUS)
        if info is None:  # the browser's own UI between the last and the first element
            continue
        if stops and info["name"] == stops[0]["name"] and info["tag"] == stops[0]["tag"] and len(stops) > 5:
            return stops, True
        stops.append(info)
    return stops, False


def test_keyboard_walk_with_visible_focus(page: Any, dashboard_server: StreamlitServer, screenshot_dir: Path) -> None:
    """Only the keyboard on a region page: Tab reaches every navigation link and every theme tile, each control
    shows a focus indicator of at least 3:1 while in view, and Tab leaves every control (no trap) and comes back
    to the start."""
    watch = _open(page, dashboard_server, "/twente", has_map=True)
    nav_links = page.locator(".st-key-bw_nav a").count()
    tiles = page.locator("a.bw-tile").count()
    assert nav_links >= 18 and tiles >= 10

    stops, came_back = _walk(page)
    assert came_back, f"Tab kwam niet terug bij het begin na {len(stops)} stappen (toetsenbordval?)"
    faint = [s for s in stops if s["ratio"] < MIN_FOCUS_CONTRAST or not s["inView"]]
    assert faint == [], "focus niet zichtbaar (≥ 3:1, in beeld): " + "; ".join(
        f"{s['tag']} ‘{s['name']}’ {s['kind']} {s['ratio']}:1{'' if s['inView'] else ', buiten beeld'}" for s in faint[:10])
    nav = {s["href"] for s in stops if s["nav"]}
    assert len(nav) == nav_links, f"{nav_links - len(nav)} navigatielinks niet met Tab bereikt"
    assert sum(s["tile"] for s in stops) == tiles, "niet elke themategel met Tab bereikt"
    stuck = [s["name"] for a, s in zip(stops, stops[1:], strict=False) if a == s]
    assert len(stuck) <= 10, f"focus bleef hangen: {stuck[:5]}"  # a data grid moves through its cells first

    # screenshots for the eye: a focused navigation link and a focused tile (reached with the keyboard)
    for locator, name in ((page.locator(".st-key-bw_nav a").nth(2), "focus_navigatie"),
                          (page.locator("a.bw-tile").first, "focus_tegel")):
        locator.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        page.screenshot(path=str(screenshot_dir / f"{name}.png"))
    assert page.evaluate(JS_FOCUS)["tile"]
    assert watch.all_problems() == []


def test_dutch_language_and_current_page_survive_navigation(page: Any, dashboard_server: StreamlitServer) -> None:
    """After moving to another page through the navigation (no reload) and back, the document is still Dutch and
    the navigation marks the current page."""
    watch = _open(page, dashboard_server, "/twente", has_map=True)
    nav = page.get_by_role("navigation", name=document.NAV_LABEL)
    assert nav.get_by_role("link", name="Twente").get_attribute("aria-current") == "page"
    nav.get_by_role("link", name="Over").click()
    page.get_by_role("heading", name="Over dit dashboard", level=1).wait_for()
    wait_idle(page)
    assert _lang(page) == "nl"
    page.wait_for_function("""() => { const a = Array.from(document.querySelectorAll('.st-key-bw_nav a[aria-current="page"]'));
      return a.length === 1 && a[0].innerText.trim().endsWith('Over'); }""", timeout=10_000)
    page.go_back()
    page.get_by_role("heading", name="Twente", level=1).wait_for()
    wait_idle(page)
    assert _lang(page) == "nl"
    assert watch.all_problems() == []
