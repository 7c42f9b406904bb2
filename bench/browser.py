"""Browser measurements against real servers: cold start, server RSS, and navigation → painted map / last chart.

The map timing compares, in the same run, the product (SVG maps, chromium with WebGL off) with today's plotly
MapLibre maps kept as the baseline (``BW_MAP_RENDERER=maplibre``, chromium with software WebGL): the two servers
and browsers alternate page by page, every time in a new page of a warm browser context. Times are measured inside
the page, from navigation start (``performance.timeOrigin``) to

* **painted map** — SVG: every area path of the map in the DOM (``path.f`` count = the SVG's ``data-n``), then one
  more ``requestAnimationFrame`` (the frame with the paths has been painted); MapLibre: ``map.loaded()`` and
  ``queryRenderedFeatures().length > 0``, then one ``requestAnimationFrame``;
* **last chart** — the painted map, every plotly chart of the page drawn (``_fullLayout``; MapLibre maps loaded and
  still) and the script run finished, then one ``requestAnimationFrame``.

All traffic goes to servers this module starts on 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR, BROWSER_PATHS, REGION_PAGE, median
from tests.e2e.harness import (
    APP,
    EXCEPTION,
    JS_CHARTS_DRAWN,
    JS_IDLE,
    JS_SVG_MAPS_PAINTED,
    TEN_REGIONS,
    StreamlitServer,
    launch_chromium,
)

NAIVE_APP = BENCH_DIR / "naive_app.py"
VIEWPORT = {"width": 1600, "height": 1000}
MAP_TIMEOUT_MS = 120_000
SESSIONS_TIMEOUT_MS = 240_000
MAP_BUDGET_S = 3.0
VARIANTS = ("svg", "maplibre")
PAINT_RULE = {
    "svg": "SVG: alle gebiedspaden van de kaart in de DOM (aantal = data-n) + requestAnimationFrame",
    "maplibre": "MapLibre: map.loaded() en queryRenderedFeatures().length > 0 + requestAnimationFrame",
}

# In-page predicates: each returns false until done, then the performance.now() (ms since navigation start) of the
# animation frame after the condition first held.
_STAMP = """
  if (window.__bwT_{name}) return window.__bwT_{name};
  if (!({cond})) return false;
  if (!window.__bwP_{name}) {{ window.__bwP_{name} = true; requestAnimationFrame(() => {{ window.__bwT_{name} = performance.now(); }}); }}
  return false;
"""
_SVG_PAINTED = f"({JS_SVG_MAPS_PAINTED})()"
_MAPLIBRE_PAINTED = """(() => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const sub = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    const map = sub && sub.map;
    if (map && map.loaded() && map.queryRenderedFeatures().length > 0) return true;
  }
  return false;
})()"""
_LAST_CHART = f"({JS_IDLE})() && ({JS_CHARTS_DRAWN})()"


def _stamp(name: str, cond: str) -> str:
    return "() => {" + _STAMP.format(name=name, cond=cond) + "}"


JS_PAINTED = {"svg": _stamp("map", _SVG_PAINTED), "maplibre": _stamp("map", _MAPLIBRE_PAINTED)}
JS_LAST = {v: _stamp("last", f"window.__bwT_map && {_LAST_CHART}") for v in VARIANTS}


class RssSampler:
    """Samples the server's RSS (process + children) every ``interval`` seconds in a background thread."""

    def __init__(self, read: Callable[[], float], interval: float = 0.2) -> None:
        self.read = read
        self.interval = interval
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self.read())
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.samples.append(self.read())

    @property
    def peak(self) -> float:
        """Highest sample (MB)."""
        return max(self.samples) if self.samples else 0.0


def _check_page(page: Any, url: str) -> None:
    if page.locator(EXCEPTION).count():
        raise RuntimeError(f"exception op {url}: {page.locator(EXCEPTION).first.inner_text()[:300]}")


def _wait_map(page: Any, timeout_ms: float = MAP_TIMEOUT_MS) -> None:
    page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=timeout_ms, polling=100)


def time_to_paint(context: Any, url: str, variant: str) -> dict[str, float]:
    """Seconds from navigation start to the painted map and to the page's last chart (measured in the page), and
    the largest websocket frame before the map painted (the map's payload)."""
    page = context.new_page()
    frames: list[tuple[float, int]] = []

    def on_ws(ws: Any) -> None:
        ws.on("framereceived", lambda payload: frames.append((time.perf_counter(), len(payload or b""))))

    page.on("websocket", on_ws)
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=MAP_TIMEOUT_MS)
        map_ms = page.wait_for_function(JS_PAINTED[variant], timeout=MAP_TIMEOUT_MS, polling="raf").json_value()
        map_wall = time.perf_counter() - start
        last_ms = page.wait_for_function(JS_LAST[variant], timeout=MAP_TIMEOUT_MS, polling="raf").json_value()
        _check_page(page, url)
        before = [f for f in frames if f[0] - start <= map_wall]
        biggest = max(before, key=lambda f: f[1]) if before else None
        return {"map_s": float(map_ms) / 1000, "last_chart_s": float(last_ms) / 1000,
                "frame_kb": (biggest[1] / 1024) if biggest else float("nan")}
    finally:
        page.close()


def _spread(values: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": [round(v, 3) for v in values]}


def compare_maps(store: Path, *, runs: int, log_dir: Path, progress: Callable[[str], None] = print) -> dict[str, Any]:
    """SVG (WebGL off) against the MapLibre baseline (software WebGL), alternating, ``runs`` runs per page type."""
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {"rule": PAINT_RULE, "runs": runs, "pages": {}}
    servers = {v: StreamlitServer(store, log_path=log_dir / f"server_map_{v}.log",
                                  extra_env={"BW_MAP_RENDERER": v}) for v in VARIANTS}
    with sync_playwright() as playwright:
        browsers = {v: launch_chromium(playwright, webgl=v == "maplibre") for v in VARIANTS}
        try:
            for server in servers.values():
                server.start()
            for server in servers.values():
                server.wait_healthy(timeout=120)
            contexts = {v: browsers[v].new_context(viewport=VIEWPORT) for v in VARIANTS}
            for path in BROWSER_PATHS.values():  # warm server caches and the browsers' HTTP caches
                for v in VARIANTS:
                    time_to_paint(contexts[v], servers[v].url(path), v)
            samples: dict[str, dict[str, list[dict[str, float]]]] = {k: {v: [] for v in VARIANTS} for k in BROWSER_PATHS}
            for i in range(runs):
                for kind, path in BROWSER_PATHS.items():
                    for v in VARIANTS if i % 2 == 0 else tuple(reversed(VARIANTS)):
                        samples[kind][v].append(time_to_paint(contexts[v], servers[v].url(path), v))
                progress(f"  kaartvergelijking: run {i + 1}/{runs}")
            for kind, by_variant in samples.items():
                entry: dict[str, Any] = {}
                for metric in ("map_s", "last_chart_s"):
                    entry[metric] = {v: _spread([s[metric] for s in by_variant[v]]) for v in VARIANTS}
                    ratios = [a[metric] / b[metric] for a, b in zip(by_variant["svg"], by_variant["maplibre"], strict=True)]
                    entry[metric]["ratio"] = _spread(ratios)  # svg / maplibre, pair by pair
                entry["frame_kb"] = {v: median(s["frame_kb"] for s in by_variant[v]) for v in VARIANTS}
                out["pages"][kind] = entry
            for ctx in contexts.values():
                ctx.close()
        finally:
            for server in servers.values():
                server.stop()
            for browser in browsers.values():
                browser.close()
    return out


def format_comparison(comparison: dict[str, Any]) -> str:
    """The paired comparison as a plain-text table."""
    lines = [f"kaart geschilderd — {comparison['rule']['svg']}; {comparison['rule']['maplibre']}.",
             f"{comparison['runs']} runs per paginatype en variant, afwisselend; mediaan (min–max); "
             "verhouding = SVG/MapLibre per paar.",
             f"{'pagina':<13} {'meting':<12} {'SVG (geen WebGL)':>22} {'MapLibre (WebGL)':>22} {'verhouding':>20}"]

    def cell(d: dict[str, Any], unit: str = "s") -> str:
        return f"{d['median']:.2f} ({d['min']:.2f}–{d['max']:.2f}){' ' + unit if unit else ''}"

    for kind, entry in comparison["pages"].items():
        for metric, label in (("map_s", "kaart"), ("last_chart_s", "laatste graf.")):
            m = entry[metric]
            lines.append(f"{kind:<13} {label:<12} {cell(m['svg']):>22} {cell(m['maplibre']):>22} "
                         f"{cell(m['ratio'], ''):>20}")
    return "\n".join(lines)


def cpu_profile(context: Any, url: str, top: int = 12) -> list[str]:
    """Sampled JS CPU profile (Chrome DevTools protocol) of the page's main thread from navigation to painted map:
    the ``top`` entries by self time. '(program)' is native work (parsing, style, layout, paint), '(idle)' waiting."""
    import collections
    from urllib.parse import urlsplit

    page = context.new_page()
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 1000})
        cdp.send("Profiler.start")
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=MAP_TIMEOUT_MS)
        _wait_map(page)
        elapsed = time.perf_counter() - start
        profile = cdp.send("Profiler.stop")["profile"]
    finally:
        page.close()
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    self_us: collections.Counter[tuple[str, str]] = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=False):
        frame = nodes[sample]
        script = urlsplit(frame["url"]).path.rsplit("/", 1)[-1] if frame["url"] else ""
        self_us[(frame["functionName"] or "(anonymous)", script)] += delta
    total_ms = sum(profile["timeDeltas"]) / 1000
    lines = [f"kaart geschilderd na {elapsed:.2f} s; {total_ms:.0f} ms bemonsterd op de hoofdthread van de pagina"]
    lines += [f"{us / 1000:8.0f} ms  {name}  {script}" for (name, script), us in self_us.most_common(top)]
    return lines


def sessions_rss(browser: Any, server: StreamlitServer, paths: list[str]) -> dict[str, float]:
    """Open one context per path at once, wait for every painted map; peak server RSS meanwhile (MB)."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in paths]
    try:
        with RssSampler(server.rss_mb) as sampler:
            start = time.perf_counter()
            pages = [ctx.new_page() for ctx in contexts]
            for page, path in zip(pages, paths, strict=True):
                page.goto(server.url(path), wait_until="commit", timeout=MAP_TIMEOUT_MS)
            for page in pages:
                _wait_map(page, SESSIONS_TIMEOUT_MS)
            all_maps = time.perf_counter() - start
            time.sleep(1.0)
        for page, path in zip(pages, paths, strict=True):
            _check_page(page, path)
        return {"peak_mb": sampler.peak, "settled_mb": sampler.samples[-1], "all_maps_s": all_maps}
    finally:
        for ctx in contexts:
            ctx.close()


def measure(store: Path, *, naive: bool, sessions: int, log_dir: Path, progress: Callable[[str], None] = print,
            runs: int | None = None) -> dict[str, Any]:
    """Cold start (until the home page's map is painted) and RSS with 1 and ``sessions`` sessions; for the current
    variant, a CPU profile when a painted map takes longer than the budget. (Map timings: :func:`compare_maps`.)"""
    from playwright.sync_api import sync_playwright

    del runs  # kept for callers of the old signature
    label = "naïef" if naive else "huidig"
    out: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            warm = browser.new_page()  # start chromium's renderer processes before the clock runs
            warm.goto("about:blank")
            warm.close()
            server = StreamlitServer(store, app=NAIVE_APP if naive else APP,
                                     log_path=log_dir / f"server_{'naive' if naive else 'current'}.log")
            try:
                start = time.perf_counter()
                server.start()
                server.wait_healthy(timeout=120)
                healthy = time.perf_counter() - start
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                page.goto(server.url("/"), wait_until="commit", timeout=MAP_TIMEOUT_MS)
                _wait_map(page)
                out["cold_start_s"] = time.perf_counter() - start
                out["health_s"] = healthy
                _check_page(page, "/")
                page.close()
                progress(f"  [{label}] koude start {out['cold_start_s']:.1f} s (health {healthy:.1f} s)")

                one = sessions_rss(browser, server, [f"/{REGION_PAGE}"])
                out["rss_mb_1"] = one["peak_mb"]
                many_paths = [f"/{TEN_REGIONS[i % len(TEN_REGIONS)]}" for i in range(sessions)]
                many = sessions_rss(browser, server, many_paths)
                out["rss_mb_10"] = many["peak_mb"]
                out["rss_mb_10_settled"] = many["settled_mb"]
                out["sessions_all_maps_s"] = many["all_maps_s"]
                progress(f"  [{label}] RSS 1 sessie {one['peak_mb']:.0f} MB, {sessions} sessies {many['peak_mb']:.0f} MB "
                         f"(alle kaarten na {many['all_maps_s']:.1f} s)")
                context.close()
            finally:
                server.stop()
        finally:
            browser.close()
    return out


def profile_slowest(store: Path, comparison: dict[str, Any], log_dir: Path) -> dict[str, Any] | None:
    """A CPU profile of the page type whose SVG map paints slowest, when that is over the budget."""
    from playwright.sync_api import sync_playwright

    painted = {k: e["map_s"]["svg"]["median"] for k, e in comparison.get("pages", {}).items()}
    slow = {k: v for k, v in painted.items() if v > MAP_BUDGET_S}
    if not slow:
        return None
    kind = max(slow, key=slow.get)
    with sync_playwright() as playwright, StreamlitServer(store, log_path=log_dir / "server_profile.log") as server:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            time_to_paint(context, server.url(BROWSER_PATHS[kind]), "svg")  # warm
            return {"page": kind, "top": cpu_profile(context, server.url(BROWSER_PATHS[kind]))}
        finally:
            browser.close()
