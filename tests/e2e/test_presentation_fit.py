"""Presentation mode on a beamer: every region, four screen sizes, all three views, in one browser page (issue 22.9,
22.10)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from data_loaders.config import DUCKDB_OFFLINE
from tests.e2e.harness import MAP_SVG, StreamlitServer
from tests.e2e.test_browser import JS_OVERFLOW, JS_TEXT_SIZES, MIN_TEXT_PX, TEN_AND_MORE, Visit

pytestmark = pytest.mark.browser

SIZES = [{"width": 1024, "height": 768}, {"width": 1280, "height": 720}, {"width": 1280, "height": 800},
         {"width": 1920, "height": 1080}]
SHOTS = {("noord-en-oost-groningen", 1024), ("noord-en-oost-groningen", 1920), ("zuid-limburg", 1024),
         ("noord-nederland", 1920), ("noord-nederland", 1024), ("zuidoost-en-noord-fryslan", 1280), ("twente", 1280)}
VIEWS = ("kerncijfers", "themas", "gemeenten")
SECTIONS = {"kerncijfers": "Wat de documenten zeggen", "themas": "Per thema", "gemeenten": "genummerd op de kaart"}
# Whether the source note is inside the viewport, and which tiles/cards a visible tooltip covers.
JS_PLACES = """() => {
  const inside = (r) => r.width > 0 && r.top >= 0 && r.bottom <= innerHeight + 0.5 && r.left >= 0 && r.right <= innerWidth + 0.5;
  const note = document.querySelector('.bw-note');
  const tip = document.querySelector('[data-testid="stTooltipContent"]');
  const covered = [];
  if (tip) {
    const t = tip.getBoundingClientRect();
    for (const el of document.querySelectorAll('.bw-ptile, .bw-card, .bw-claim')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top) covered.push(el.innerText.slice(0, 40));
    }
  }
  return {note: !!note && inside(note.getBoundingClientRect()), tip: !!tip, covered};
}"""
# Buttons whose label is cut anywhere inside them (Streamlit ellipsises a wrapper, not only the <p> JS_OVERFLOW checks).
JS_CUT = """() => Array.from(document.querySelectorAll('button')).filter(b => b.offsetParent).filter(b =>
  [b, ...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'))
  .map(b => b.innerText)"""
JS_MAP_NAMES = f"""() => Array.from(document.querySelectorAll('{MAP_SVG} .labels text, {MAP_SVG} .gkey text.kn'))
  .map(t => t.textContent.trim())"""
# The key's last line when the slide has no room for every name: "+ 12 gemeenten: zie knop Gemeenten".
JS_KEY_REST = f"""() => (document.querySelector('{MAP_SVG} .gkey text.kmore') || {{}}).textContent || ''"""
PARTIAL: dict[str, int] = {}  # region → names the kerncijfers slide leaves to the Gemeenten view (see the issue note)
# The Gemeenten view: the key's names, the discs' numbers on the map, and whether the key ends above the bottom row.
JS_MEMBER_KEY = f"""() => {{ const items = Array.from(document.querySelectorAll('.bw-glist li'));
  const last = items.length ? items[items.length - 1].getBoundingClientRect().bottom : 0;
  const row = Math.min(...Array.from(document.querySelectorAll('.bw-note, .st-key-exit_presentation'))
    .map(e => e.getBoundingClientRect().top));
  return {{names: items.map(li => li.querySelector('span').textContent.trim()),
          numbers: Array.from(document.querySelectorAll('{MAP_SVG} .gnum text')).map(t => +t.textContent),
          clear: items.every(li => {{ const r = li.getBoundingClientRect(); return r.right <= innerWidth + 0.5 && r.width > 0; }})
            && last <= row + 0.5}}; }}"""


def _members(store: Path) -> dict[str, set[str]]:
    """Region id → names of its member gemeenten (default delineation), from the store the server reads."""
    con = duckdb.connect(str(store), read_only=True, config=DUCKDB_OFFLINE)
    try:
        rows = con.execute(
            """SELECT DISTINCT m.region_id, r.name FROM region_members m
               JOIN region_defs d ON d.region_id = m.region_id AND d.default_delineation = m.delineation
               JOIN regions r ON r.region_code = m.gemeente_code""").fetchall()
    finally:
        con.close()
    out: dict[str, set[str]] = {}
    for region_id, name in rows:
        out.setdefault(region_id, set()).add(name)
    return out


def _problems(visit: Visit, label: str, members: set[str], view: str) -> list[str]:
    page = visit.page
    out = []
    overflow = page.evaluate(JS_OVERFLOW)
    if overflow["doc"] > 0 or overflow["main"] > 0:
        out.append(f"{label}: scrolt {overflow['doc']}/{overflow['main']} px")
    cut = sorted(set(overflow["cut"]) | set(page.evaluate(JS_CUT)))
    if cut:
        out.append(f"{label}: afgekapte knoppen {cut}")
    sizes = page.evaluate(JS_TEXT_SIZES)
    small = [(t, s) for t, s in sizes if s < MIN_TEXT_PX]
    if small:
        out.append(f"{label}: tekst < {MIN_TEXT_PX} px {small[:6]}")
    texts = " ".join(t for t, _ in sizes)
    missing = [n for n in ("Presentatiemodus verlaten", "vorige regio", "volgende regio", "Bron: CBS", SECTIONS[view])
               if n not in texts]
    if missing:
        out.append(f"{label}: niet zichtbaar {missing}")
    if view == "themas" and page.locator(".bw-ptile:visible").count() != 13:
        out.append(f"{label}: thema-overzicht niet compleet")
    if view == "themas" and page.evaluate("() => document.querySelector('.bw-h2').getBoundingClientRect().bottom > "
                                          "document.querySelector('.bw-ptiles').getBoundingClientRect().top + 0.5"):
        out.append(f"{label}: de kop overlapt de tegels")
    places = page.evaluate(JS_PLACES)
    if not places["note"]:
        out.append(f"{label}: bronvermelding niet in beeld")
    if view == "gemeenten":  # every member in the key beside the map, each number once on the map
        key = page.evaluate(JS_MEMBER_KEY)
        if sorted(key["names"]) != sorted(members) or key["numbers"] != list(range(1, len(members) + 1)):
            out.append(f"{label}: sleutel {sorted(set(key['names']) ^ members)}, nummers {key['numbers']}")
        if not key["clear"]:
            out.append(f"{label}: de lijst met gemeenten loopt in de onderste rij of buiten beeld")
        return out
    names = page.evaluate(JS_MAP_NAMES)
    rest = re.fullmatch(r"\+ (\d+) gemeenten: zie knop Gemeenten", page.evaluate(JS_KEY_REST).strip())
    left = int(rest.group(1)) if rest else 0
    if left:
        PARTIAL[label.split()[0]] = left
    if not set(names) <= members or len(set(names)) != len(names) or len(names) + left != len(members):
        out.append(f"{label}: kaartnamen {sorted(set(names) ^ members)} (+{left} naar Gemeenten) wijken af van de gemeenten")
    return out


def test_presentation_fits_every_beamer(browser_context: Any, dashboard_server: StreamlitServer, built_store: Path,
                                        screenshot_dir: Path) -> None:
    """13 regions × 4 sizes × 3 views: no scrolling, visible text ≥ 20 px (map text in screen px), whole button
    labels, the source note in view, every member gemeente named (kerncijfers: on the map or counted in the key's
    last line; Gemeenten: all of them, numbered); the PDF tooltip covers no tile."""
    members = _members(built_store)
    visit = Visit(browser_context, dashboard_server)
    problems: list[str] = []
    try:
        for size in SIZES:
            visit.page.set_viewport_size(size)
            for region_id in TEN_AND_MORE:
                for view in VIEWS:
                    label = f"{region_id} {size['width']}x{size['height']} {view}"
                    visit.open(f"/{region_id}?presentatie=1" + (f"&weergave={view}" if view != "kerncijfers" else ""),
                               has_map=True)
                    visit.page.wait_for_timeout(150)  # the fit helper hides claims that do not fit
                    problems += _problems(visit, label, members[region_id], view)
                    if (region_id, size["width"]) in SHOTS:
                        visit.screenshot(screenshot_dir, f"presentatie_fit_{region_id}_{size['width']}x{size['height']}_{view}")
                    if region_id == TEN_AND_MORE[0] and view != "gemeenten":  # the PDF button's tooltip covers nothing
                        visit.page.get_by_role("button", name="Download regioprofiel (PDF)").hover()
                        visit.page.wait_for_timeout(900)  # Streamlit shows a tooltip after a short delay
                        places = visit.page.evaluate(JS_PLACES)
                        if places["covered"]:
                            problems.append(f"PDF-tooltip {label} bedekt {places['covered']}")
                        visit.page.mouse.move(0, 0)
        visit.assert_clean()
    finally:
        visit.page.close()
    assert problems == [], "\n".join(problems)


JS_BOXES = f"""() => Object.fromEntries([['kaart', '{MAP_SVG}'], ['kerncijfers', '.bw-cards'], ['titel', '.bw-title'],
  ['bron', '.bw-note']].map(([k, s]) => {{ const r = document.querySelector(s)?.getBoundingClientRect();
  return [k, r ? [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)] : null]; }}))"""


JS_FITTED = """() => { const m = document.querySelector('[data-testid="stMain"]');
  return document.documentElement.scrollHeight <= innerHeight && (!m || m.scrollHeight <= m.clientHeight); }"""


def test_next_region_keeps_the_slide_in_place(browser_context: Any, dashboard_server: StreamlitServer) -> None:
    """22.3: "volgende regio" (→) on a beamer: the map, the key figures, the title and the source note keep their
    place and size (± 2 px), from a region with a long key to one without, at 4:3 and 16:9."""
    visit = Visit(browser_context, dashboard_server)
    try:
        for size in ({"width": 1024, "height": 768}, {"width": 1280, "height": 720}):
            visit.page.set_viewport_size(size)
            for region_id in ("kop-van-noord-holland", "twente", "zuid-limburg"):
                visit.open(f"/{region_id}?presentatie=1", has_map=True)
                visit.page.wait_for_function(JS_FITTED, timeout=10_000)
                before = visit.page.evaluate(JS_BOXES)
                title = visit.page.locator(".bw-title").inner_text()
                visit.page.keyboard.press("ArrowRight")
                visit.page.wait_for_function("(t) => document.querySelector('.bw-title')?.textContent !== t", arg=title,
                                             timeout=30_000)
                visit.settle(has_map=True)
                visit.page.wait_for_function(JS_FITTED, timeout=10_000)  # the fit helper has hidden what does not fit
                after = visit.page.evaluate(JS_BOXES)
                moved = {k: (before[k], after[k]) for k in before
                         if before[k] is None or after[k] is None or max(abs(a - b) for a, b in zip(before[k], after[k], strict=True)) > 2}
                assert moved == {}, (region_id, size, moved)
        visit.assert_clean()
    finally:
        visit.page.close()
