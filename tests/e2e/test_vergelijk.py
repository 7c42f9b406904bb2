"""Vergelijk with ten areas and Nederland at 1366×768 in the real browser (issue 21.6): no column head is clipped,
every area's column can be scrolled into view between the pinned indicator column and the pinned Nederland column,
Nederland stays on screen whatever the scroll position; axe-core finds nothing serious or critical."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import AXE_JS, PageWatch, StreamlitServer, exception_texts, wait_idle
from tests.e2e.test_accessibility import AXE_TAGS, BLOCKING, JS_AXE, JS_AXE_CONTRAST_BELOW, _open_details

pytestmark = pytest.mark.browser

TEN = "GM0917,CR39,PV31,regio:achterhoek,GM0928,GM0363,CR01,PV20,regio:twente,GM1900"
PATH = f"/vergelijk?gebieden={TEN}"
# For the open theme's table: heads whose text is cut (scrollWidth > clientWidth); for each area head, whether it
# can be scrolled fully into view between the sticky indicator column and the sticky Nederland column; and whether
# the Nederland head is fully on screen at every scroll position.
JS_COLUMNS = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const table = document.querySelector('[data-testid="stMain"] details[open] table.bw-cmp');
  if (!table) return null;
  const wrap = table.closest('.bw-cmp-wrap');
  const heads = Array.from(table.querySelectorAll('thead th'));
  const ind = heads[0], nl = heads[heads.length - 1];
  const out = {n: heads.length, keys: heads.slice(1).map(h => h.dataset.key), clipped: [], hidden: [], nl_off: [],
               scrolls: wrap.scrollWidth > wrap.clientWidth, wrap_right: wrap.getBoundingClientRect().right,
               width: innerWidth, nl_text: nl.innerText.trim()};
  for (const th of heads) if (th.scrollWidth > th.clientWidth) out.clipped.push(th.innerText.trim());
  const nlOnScreen = () => { const b = nl.getBoundingClientRect();
    return b.left >= 0 && b.right <= innerWidth && b.width > 20; };
  for (const th of heads.slice(1, -1)) {
    wrap.scrollLeft = 0; await frame();
    wrap.scrollLeft = th.getBoundingClientRect().left - ind.getBoundingClientRect().right; await frame();
    const r = th.getBoundingClientRect(), a = ind.getBoundingClientRect(), b = nl.getBoundingClientRect();
    if (r.left < a.right - 1 || r.right > b.left + 1) out.hidden.push([th.innerText.trim(), r.left, r.right, a.right, b.left]);
    if (!nlOnScreen()) out.nl_off.push([wrap.scrollLeft, b.left, b.right]);
  }
  wrap.scrollLeft = wrap.scrollWidth; await frame();
  if (!nlOnScreen()) out.nl_off.push(['einde', nl.getBoundingClientRect().right]);
  wrap.scrollLeft = 0; await frame();
  return out;
}"""


def _open(page: Any, server: StreamlitServer) -> PageWatch:
    page.set_viewport_size({"width": 1366, "height": 768})
    watch = PageWatch(page)
    page.goto(server.url(PATH), wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_selector('[data-testid="stMain"] details[open] table.bw-cmp', timeout=60_000)
    return watch


def test_ten_areas_and_nederland_clip_no_column_at_1366(page: Any, dashboard_server: StreamlitServer,
                                                         screenshot_dir: Path) -> None:
    watch = _open(page, dashboard_server)
    assert exception_texts(page) == []
    found = page.evaluate(JS_COLUMNS)
    assert found is not None, "geen vergelijkingstabel in het open thema"
    assert found["n"] == 12 and found["keys"][-1] == "NL01" and found["nl_text"] == "Nederland"
    assert found["clipped"] == [], f"afgekapte kolomkoppen: {found['clipped']}"
    assert found["hidden"] == [], f"kolommen niet in beeld te schuiven: {found['hidden']}"
    assert found["nl_off"] == [], f"Nederland niet (helemaal) in beeld: {found['nl_off']}"
    assert found["wrap_right"] <= found["width"], "de tabel loopt buiten het venster"
    page.screenshot(path=str(screenshot_dir / "vergelijk_10_gebieden_1366.png"))
    page.evaluate("""() => { const w = document.querySelector('[data-testid="stMain"] details[open] .bw-cmp-wrap');
      w.scrollLeft = w.scrollWidth; }""")
    page.wait_for_timeout(200)
    page.screenshot(path=str(screenshot_dir / "vergelijk_10_gebieden_1366_geschoven.png"))
    assert watch.all_problems() == []


def test_vergelijk_with_ten_areas_passes_axe(page: Any, dashboard_server: StreamlitServer) -> None:
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core ontbreekt: {AXE_JS}", pytrace=False)
    _open(page, dashboard_server)
    _open_details(page)
    page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate(JS_AXE, AXE_TAGS)
    for _, more in page.evaluate(JS_AXE_CONTRAST_BELOW):
        found.extend(more)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert blocking == [], blocking
