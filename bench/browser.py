"""Browser measurements against a real server: cold start, navigation-to-map per page type, server RSS.

All traffic goes to the server this module starts on 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR, BROWSER_PATHS, REGION_PAGE, median
from tests.e2e.harness import APP, EXCEPTION, MAP_CANVAS, TEN_REGIONS, StreamlitServer, launch_chromium

NAIVE_APP = BENCH_DIR / "naive_app.py"
VIEWPORT = {"width": 1600, "height": 1000}
MAP_TIMEOUT_MS = 120_000
SESSIONS_TIMEOUT_MS = 240_000
MAP_BUDGET_S = 3.0


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


def time_to_map(context: Any, url: str) -> dict[str, float]:
    """Seconds from navigation start to a visible map canvas, and to the largest websocket frame (the figure)."""
    page = context.new_page()
    frames: list[tuple[float, int]] = []

    def on_ws(ws: Any) -> None:
        ws.on("framereceived", lambda payload: frames.append((time.perf_counter(), len(payload or b""))))

    page.on("websocket", on_ws)
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=MAP_TIMEOUT_MS)
        page.wait_for_selector(MAP_CANVAS, state="visible", timeout=MAP_TIMEOUT_MS)
        elapsed = time.perf_counter() - start
        _check_page(page, url)
        before = [f for f in frames if f[0] - start <= elapsed]
        biggest = max(before, key=lambda f: f[1]) if before else None
        return {"map_s": elapsed, "figure_frame_s": (biggest[0] - start) if biggest else float("nan"),
                "figure_frame_kb": (biggest[1] / 1024) if biggest else float("nan")}
    finally:
        page.close()


def cpu_profile(context: Any, url: str, top: int = 12) -> list[str]:
    """Sampled JS CPU profile (Chrome DevTools protocol) of the page's main thread from navigation to map:
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
        page.wait_for_selector(MAP_CANVAS, state="visible", timeout=MAP_TIMEOUT_MS)
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
    lines = [f"kaart zichtbaar na {elapsed:.2f} s; {total_ms:.0f} ms bemonsterd op de hoofdthread van de pagina"]
    lines += [f"{us / 1000:8.0f} ms  {name}  {script}" for (name, script), us in self_us.most_common(top)]
    return lines


def sessions_rss(browser: Any, server: StreamlitServer, paths: list[str]) -> dict[str, float]:
    """Open one context per path at once, wait for every map; peak server RSS meanwhile (MB)."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in paths]
    try:
        with RssSampler(server.rss_mb) as sampler:
            start = time.perf_counter()
            pages = [ctx.new_page() for ctx in contexts]
            for page, path in zip(pages, paths, strict=True):
                page.goto(server.url(path), wait_until="commit", timeout=MAP_TIMEOUT_MS)
            for page in pages:
                page.wait_for_selector(MAP_CANVAS, state="visible", timeout=SESSIONS_TIMEOUT_MS)
            all_maps = time.perf_counter() - start
            time.sleep(1.0)
        for page, path in zip(pages, paths, strict=True):
            _check_page(page, path)
        return {"peak_mb": sampler.peak, "settled_mb": sampler.samples[-1], "all_maps_s": all_maps}
    finally:
        for ctx in contexts:
            ctx.close()


def measure(store: Path, *, naive: bool, runs: int, sessions: int, log_dir: Path,
            progress: Callable[[str], None] = print) -> dict[str, Any]:
    """Cold start, RSS with 1 and ``sessions`` sessions, and navigation-to-map per page type."""
    from playwright.sync_api import sync_playwright

    label = "naïef" if naive else "huidig"
    out: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            warm = browser.new_page()  # start chromium's GPU/renderer processes before the clock runs
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
                page.wait_for_selector(MAP_CANVAS, state="visible", timeout=MAP_TIMEOUT_MS)
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

                out["browser_map_s"], out["browser_breakdown"] = {}, {}
                for kind, path in BROWSER_PATHS.items():  # the start and RSS phases warmed server and browser caches
                    samples = [time_to_map(context, server.url(path)) for _ in range(runs)]
                    out["browser_map_s"][kind] = median(s["map_s"] for s in samples)
                    out["browser_breakdown"][kind] = {
                        "runs_s": [round(s["map_s"], 2) for s in samples],
                        "figure_frame_s": median(s["figure_frame_s"] for s in samples),
                        "figure_frame_kb": median(s["figure_frame_kb"] for s in samples),
                    }
                    progress(f"  [{label}] {kind}: mediaan {out['browser_map_s'][kind]:.2f} s over {runs} runs")
                slow = {k: v for k, v in out["browser_map_s"].items() if v is not None and v > MAP_BUDGET_S}
                if slow and not naive:  # explain the slowest page type: where does the browser spend its time?
                    kind = max(slow, key=slow.get)
                    out["browser_cpu_profile"] = {"page": kind, "top": cpu_profile(context, server.url(BROWSER_PATHS[kind]))}
                context.close()
            finally:
                server.stop()
        finally:
            browser.close()
    return out
