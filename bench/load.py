"""Load test: N concurrent sessions against the real Streamlit server (``python -m bench.load``).

* builds a store into a temporary directory (``python -m data_loaders build``) unless ``--store`` is given;
* starts ``streamlit run dashboard/app.py`` on a free 127.0.0.1 port (``tests/e2e/harness.StreamlitServer``);
* launches ONE headless Debian chromium (WebGL off) and opens a browser context per session; each session
  loops over :data:`PATHS` (every session starts at a different page) until ``--duration`` seconds have passed,
  then finishes its current page and stops;
* per page load it measures the time from ``page.goto`` to the main content being visible (the map where
  the page has a map, else the ``h1``), then waits for the script run to finish and counts errors: Streamlit
  exception boxes, page errors (uncaught JS), HTTP >= 500 responses, navigation failures and timeouts;
* ``--browsers K`` (K < sessions) runs only K sessions in the browser and the others as Streamlit websocket
  clients (``/_stcore/stream``, one new session per page, exactly what a page load asks of the server: a script
  run and all its deltas). Their times run from connecting to the main element's delta (first map figure or
  ``h1``) and to ``script_finished``; errors are exception elements, ``page_not_found``, bad finishes, timeouts;
* before the load phase every page is loaded once over a websocket (not measured; ``--no-warmup`` skips it), so
  the numbers describe a warm server as visitors meet it after the first few page views;
* every second it samples the server's RSS (process + children), the CPU used by the server, by the browser and
  by the whole machine, so it is visible whether the client, the server or something else was the bottleneck.

Prints p50/p95 page times, the error count and peak RSS, and writes ``bench/load_results.json`` (git-ignored).
Everything is bounded: sessions stop at ``--duration``, every page load at ``--page-timeout``, and whatever is
still running ``--page-timeout`` + 30 s after the end is cancelled.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil
import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, EXCEPTION, JS_IDLE, MAP_ELEMENT, REPO_ROOT, StreamlitServer

RESULTS = REPO_ROOT / "bench" / "load_results.json"
H1 = '[data-testid="stMain"] h1'
# (path, selector of the main content): the map where the page has a map, else the page title.
PATHS: list[tuple[str, str]] = [
    ("/", MAP_ELEMENT),
    ("/twente", MAP_ELEMENT),
    ("/zuid-limburg?presentatie=1", MAP_ELEMENT),
    ("/data", H1),
    ("/vergelijk", H1),
    ("/claims", MAP_ELEMENT),
    ("/achterhoek?afbakening=beleid", MAP_ELEMENT),
    ("/over", H1),
]
VIEWPORT = {"width": 1440, "height": 900}
BUILD_TIMEOUT_S = 180


@dataclass
class LoadConfig:
    """What to run."""

    sessions: int = 20
    duration_s: float = 120.0
    store: Path | None = None
    page_timeout_s: float = 60.0
    ramp_s: float = 5.0
    out: Path | None = RESULTS
    paths: Sequence[tuple[str, str]] = field(default_factory=lambda: list(PATHS))
    quiet: bool = False
    browsers: int | None = None  # sessions in the browser; the rest are websocket clients (None: all browser)
    warmup: bool = True  # run every page once (websocket, not measured) so the caches are warm, as in production

    @property
    def n_browsers(self) -> int:
        """How many sessions run in the browser."""
        return self.sessions if self.browsers is None else max(0, min(self.browsers, self.sessions))


@dataclass
class Load:
    """One page load by one session."""

    session: int
    path: str
    started_s: float  # since the start of the load phase
    client: str = "browser"  # or "websocket"
    content_s: float | None = None  # goto → main content visible (websocket: its delta received)
    idle_s: float | None = None  # goto → script run finished, no spinner left (websocket: script_finished)
    errors: list[str] = field(default_factory=list)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100, linear interpolation), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def build_store(folder: Path) -> Path:
    """Build a fresh store from the bundle into ``folder`` with the project's CLI."""
    store = folder / "brede_welvaart.duckdb"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env.pop("BW_STORE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "data_loaders", "build", "--store", str(store), "--quiet"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
    )
    if proc.returncode != 0 or not store.is_file():
        raise RuntimeError(f"store bouwen mislukt (rc={proc.returncode}):\n{proc.stderr[-3000:]}")
    return store


class Sampler:
    """Samples server RSS and server/browser CPU once per interval on a background thread."""

    def __init__(self, server: StreamlitServer, interval_s: float = 1.0) -> None:
        self.server = server
        self.interval_s = interval_s
        self.samples: list[dict[str, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._cpu: dict[int, float] = {}
        self._t0 = self._last = time.monotonic()

    def _server_procs(self) -> list[psutil.Process]:
        if self.server.proc is None:
            return []
        try:
            root = psutil.Process(self.server.proc.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def _browser_procs(self, server_pids: set[int]) -> list[psutil.Process]:
        """Our own child processes that are not the server: the playwright driver and chromium."""
        return [p for p in psutil.Process().children(recursive=True) if p.pid not in server_pids]

    @staticmethod
    def _rss(procs: list[psutil.Process]) -> float:
        total = 0
        for proc in procs:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                total += proc.memory_info().rss
        return total / 1e6

    def _cpu_delta(self, procs: list[psutil.Process]) -> float:
        """CPU seconds used by ``procs`` since the previous sample (new processes count from zero)."""
        used = 0.0
        for proc in procs:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                times = proc.cpu_times()
                total = times.user + times.system
                used += max(0.0, total - self._cpu.get(proc.pid, 0.0))
                self._cpu[proc.pid] = total
        return used

    def server_rss_mb(self) -> float:
        """Server RSS (process + children) right now, in MB."""
        return self._rss(self._server_procs())

    def sample(self) -> dict[str, float]:
        """One sample: time, server RSS (MB), server and browser CPU (cores busy since the last sample)."""
        now = time.monotonic()
        dt, self._last = max(1e-3, now - self._last), now
        server = self._server_procs()
        browser = self._browser_procs({p.pid for p in server})
        row = {"t": now - self._t0, "rss_mb": self._rss(server), "server_cpu": self._cpu_delta(server) / dt,
               "browser_cpu": self._cpu_delta(browser) / dt, "browser_rss_mb": self._rss(browser),
               "system_cpu": psutil.cpu_percent(interval=None) / 100 * (os.cpu_count() or 1),
               "load1": os.getloadavg()[0]}
        self.samples.append(row)
        return row

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()

    def start(self) -> Sampler:
        """Start sampling (the first sample only primes the CPU counters)."""
        self._t0 = time.monotonic()
        psutil.cpu_percent(interval=None)
        self.sample()
        self.samples.clear()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(timeout=5)


def _error_kind(err: BaseException) -> str:
    name = type(err).__name__
    return "timeout" if "Timeout" in name else f"navigation ({name})"


async def _one_load(page: Any, base_url: str, session: int, path: str, selector: str, t0: float,
                    timeout_ms: float) -> Load:
    """Navigate, wait for the main content, then for the run to finish; collect errors of this load only."""
    load = Load(session=session, path=path, started_s=time.monotonic() - t0)
    page_errors: list[str] = []

    def on_error(err: Any) -> None:
        page_errors.append(f"page error: {str(err)[:200]}")

    def on_response(resp: Any) -> None:
        if resp.status >= 500:
            page_errors.append(f"HTTP {resp.status}: {resp.url}")

    page.on("pageerror", on_error)
    page.on("response", on_response)
    start = time.monotonic()
    try:
        await page.goto(base_url + path, wait_until="commit", timeout=timeout_ms)
        await page.wait_for_selector(selector, state="visible", timeout=timeout_ms)
        load.content_s = time.monotonic() - start
        left = max(1_000.0, timeout_ms - load.content_s * 1000)
        await page.wait_for_function(JS_IDLE, timeout=left, polling=100)
        load.idle_s = time.monotonic() - start
        n_exc = await page.locator(EXCEPTION).count()
        if n_exc:
            text = (await page.locator(EXCEPTION).first.inner_text())[:200].replace("\n", " ")
            load.errors.append(f"exception box ×{n_exc}: {text}")
    except Exception as err:  # noqa: BLE001 - every failure of a load is counted, never raised
        load.errors.append(f"{_error_kind(err)}: {str(err).splitlines()[0][:160] if str(err) else ''}")
    finally:
        page.remove_listener("pageerror", on_error)
        page.remove_listener("response", on_response)
    load.errors += page_errors
    return load


async def _browser_session(browser: Any, cfg: LoadConfig, base_url: str, index: int, t0: float, deadline: float,
                           loads: list[Load]) -> None:
    """One visitor: its own browser context, looping over the pages until the deadline."""
    await asyncio.sleep(cfg.ramp_s * index / max(1, cfg.sessions))
    context = await browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    try:
        page = await context.new_page()
        step = index
        while time.monotonic() < deadline:
            path, selector = cfg.paths[step % len(cfg.paths)]
            loads.append(await _one_load(page, base_url, index, path, selector, t0, cfg.page_timeout_s * 1000))
            step += 1
    finally:
        with contextlib.suppress(Exception):
            await context.close()


def _is_main_element(msg: ForwardMsg, selector: str) -> bool:
    """Whether a ForwardMsg carries the page's main content (first map figure, or the h1 title)."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return False
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if selector == MAP_ELEMENT:
        return kind in ("bidi_component", "plotly_chart")
    return kind == "heading" and element.heading.tag == "h1"


def ws_load(base_url: str, session: int, path: str, selector: str, t0: float, timeout_s: float) -> Load:
    """One page load as the server sees it: a new websocket session that runs the page's script once."""
    load = Load(session=session, path=path, started_s=time.monotonic() - t0, client="websocket")
    page_name, _, query = path.lstrip("/").partition("?")
    start = time.monotonic()
    deadline = start + timeout_s
    conn: websocket.WebSocket | None = None
    try:
        conn = websocket.create_connection(base_url.replace("http", "ws", 1) + "/_stcore/stream",
                                           subprotocols=["streamlit"], origin=base_url, timeout=timeout_s)
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page_name
        conn.send_binary(msg.SerializeToString())
        while True:
            conn.settimeout(max(0.05, deadline - time.monotonic()))
            data = conn.recv()
            if isinstance(data, str) or not data:
                continue
            fwd = ForwardMsg.FromString(data)
            kind = fwd.WhichOneof("type")
            if load.content_s is None and _is_main_element(fwd, selector):
                load.content_s = time.monotonic() - start
            if kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "exception":
                load.errors.append(f"exception box ×1: {fwd.delta.new_element.exception.message[:160]}")
            elif kind == "page_not_found":
                load.errors.append(f"page not found: {path}")
            elif kind == "script_finished":
                load.idle_s = time.monotonic() - start
                if fwd.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    load.errors.append(f"script finished badly: {ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)}")
                break
        if load.content_s is None:
            load.errors.append(f"no main content: {path}")
    except Exception as err:  # noqa: BLE001 - every failure of a load is counted, never raised
        load.errors.append(f"{_error_kind(err)}: {str(err).splitlines()[0][:160] if str(err) else ''}")
    finally:
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
    return load


def warm_up(cfg: LoadConfig, base_url: str) -> dict[str, float | None]:
    """Load every page once over a websocket so the server's caches are warm; seconds per page (None: failed)."""
    out: dict[str, float | None] = {}
    for path, selector in cfg.paths:
        load = ws_load(base_url, -1, path, selector, time.monotonic(), cfg.page_timeout_s)
        out[path] = None if load.errors else _r(load.idle_s, 2)
    return out


def _ws_session(cfg: LoadConfig, base_url: str, index: int, t0: float, deadline: float, loads: list[Load]) -> None:
    """One websocket visitor (runs in its own thread), looping over the pages until the deadline."""
    time.sleep(cfg.ramp_s * index / max(1, cfg.sessions))
    step = index
    while time.monotonic() < deadline:
        path, selector = cfg.paths[step % len(cfg.paths)]
        loads.append(ws_load(base_url, index, path, selector, t0, cfg.page_timeout_s))
        step += 1


async def _drive_browsers(cfg: LoadConfig, base_url: str, t0: float, deadline: float, loads: list[Load]) -> None:
    """The browser sessions, all in one chromium."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            tasks = [asyncio.create_task(_browser_session(browser, cfg, base_url, i, t0, deadline, loads))
                     for i in range(cfg.n_browsers)]
            done, pending = await asyncio.wait(tasks, timeout=deadline - time.monotonic() + cfg.page_timeout_s + 30)
            for task in pending:
                task.cancel()
                loads.append(Load(session=-1, path="(sessie)", started_s=time.monotonic() - t0,
                                  errors=["timeout: session did not stop in time"]))
            for task in done:
                if task.exception() is not None:
                    loads.append(Load(session=-1, path="(sessie)", started_s=time.monotonic() - t0,
                                      errors=[f"session crashed: {task.exception()!r}"[:200]]))
        finally:
            await browser.close()


def drive(cfg: LoadConfig, base_url: str) -> tuple[list[Load], float]:
    """Run every session until the deadline; returns the loads and the wall time of the load phase."""
    loads: list[Load] = []
    t0 = time.monotonic()
    deadline = t0 + cfg.duration_s
    threads = [threading.Thread(target=_ws_session, args=(cfg, base_url, i, t0, deadline, loads), daemon=True,
                                name=f"ws-session-{i}") for i in range(cfg.n_browsers, cfg.sessions)]
    for thread in threads:
        thread.start()
    if cfg.n_browsers:
        asyncio.run(_drive_browsers(cfg, base_url, t0, deadline, loads))
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + cfg.page_timeout_s + 30))
    wall = time.monotonic() - t0
    return list(loads), wall


def _times(loads: Sequence[Load]) -> dict[str, Any]:
    ok = [ld.content_s for ld in loads if ld.content_s is not None]
    idle = [ld.idle_s for ld in loads if ld.idle_s is not None]
    return {"loads": len(loads), "loads_ok": len(ok), "content_p50_s": _r(percentile(ok, 50)),
            "content_p95_s": _r(percentile(ok, 95)), "content_max_s": _r(max(ok) if ok else None),
            "idle_p50_s": _r(percentile(idle, 50)), "idle_p95_s": _r(percentile(idle, 95)),
            "errors": sum(len(ld.errors) for ld in loads)}


def summarise(cfg: LoadConfig, loads: list[Load], wall_s: float, samples: list[dict[str, float]],
              rss_idle_mb: float, healthy_after: bool, load_before: float | None = None) -> dict[str, Any]:
    """The result document (also what is written to ``load_results.json``)."""
    errors = [e for ld in loads for e in ld.errors]
    kinds = Counter(e.split(":", 1)[0].split(" ×")[0] for e in errors)
    per_client = {c: _times([ld for ld in loads if ld.client == c]) for c in ("browser", "websocket")
                  if any(ld.client == c for ld in loads)}
    per_path = {path: _times([ld for ld in loads if ld.path == path]) for path, _ in cfg.paths}

    def mean(key: str) -> float:
        return statistics.fmean(s[key] for s in samples) if samples else 0.0

    return {
        "sessions": cfg.sessions, "browser_sessions": cfg.n_browsers, "websocket_sessions": cfg.sessions - cfg.n_browsers,
        "duration_s": cfg.duration_s, "wall_s": _r(wall_s), "page_timeout_s": cfg.page_timeout_s,
        **_times(loads),
        "loads_per_min": _r(len(loads) / wall_s * 60) if wall_s else None,
        "errors": len(errors), "error_kinds": dict(kinds), "error_examples": sorted(set(errors))[:10],
        "rss_idle_mb": _r(rss_idle_mb), "rss_peak_mb": _r(max((s["rss_mb"] for s in samples), default=None)),
        "rss_end_mb": _r(samples[-1]["rss_mb"] if samples else None),
        "server_cpu_mean_cores": _r(mean("server_cpu")), "browser_cpu_mean_cores": _r(mean("browser_cpu")),
        "system_cpu_mean_cores": _r(mean("system_cpu")),
        "other_cpu_mean_cores": _r(max(0.0, mean("system_cpu") - mean("server_cpu") - mean("browser_cpu"))),
        "load1_before": _r(load_before), "load1_mean": _r(mean("load1")),
        "browser_rss_peak_mb": _r(max((s["browser_rss_mb"] for s in samples), default=None)),
        "cpu_count": os.cpu_count(), "healthy_after": healthy_after, "per_client": per_client, "per_path": per_path,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
                   f"{psutil.virtual_memory().total / 1e9:.0f} GB",
        "rss_samples_mb": [_r(s["rss_mb"], 1) for s in samples],
        "loads_detail": [asdict(ld) for ld in loads],
    }


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


@contextlib.contextmanager
def _store_for(cfg: LoadConfig) -> Iterator[Path]:
    if cfg.store is not None:
        yield cfg.store
        return
    with tempfile.TemporaryDirectory(prefix="bw_load_") as tmp:
        yield build_store(Path(tmp))


def run_load(cfg: LoadConfig) -> dict[str, Any]:
    """Run the whole load test and return (and optionally write) the results."""
    say = (lambda *_: None) if cfg.quiet else (lambda msg: print(msg, flush=True))
    with _store_for(cfg) as store, tempfile.TemporaryDirectory(prefix="bw_load_log_") as logs:
        say(f"store: {store}")
        with StreamlitServer(store, log_path=Path(logs) / "server.log") as server:
            say(f"server: {server.base_url} (pid {server.proc.pid if server.proc else '?'})")
            sampler = Sampler(server)
            rss_start = sampler.server_rss_mb()
            warm = warm_up(cfg, server.base_url) if cfg.warmup else {}
            if warm:
                say("opwarmen (elke pagina één keer, niet meegeteld): "
                    + ", ".join(f"{path} {_s(sec)}" for path, sec in warm.items()))
            rss_idle = sampler.server_rss_mb()
            load_before = os.getloadavg()[0]
            if load_before > 1.0:
                say(f"let op: de machine is al belast (load {load_before:.1f}); andere processen meten mee")
            sampler.start()
            say(f"{cfg.sessions} sessies ({cfg.n_browsers} browser, {cfg.sessions - cfg.n_browsers} websocket) × "
                f"{cfg.duration_s:.0f} s over {len(cfg.paths)} pagina's …")
            try:
                loads, wall = drive(cfg, server.base_url)
            finally:
                sampler.stop()
            healthy = server.proc is not None and server.proc.poll() is None
            if healthy:
                try:
                    server.wait_healthy(timeout=10)
                except (TimeoutError, RuntimeError):
                    healthy = False
            result = summarise(cfg, loads, wall, sampler.samples, rss_idle, healthy, load_before)
            log = server.log_tail(10_000_000)
            result.update(warmup_s=warm, rss_start_mb=_r(rss_start), server_tracebacks=log.count("Traceback"),
                          server_log_tail=log[-2000:])
    if cfg.out is not None:
        cfg.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    say(report(result))
    return result


def report(result: dict[str, Any]) -> str:
    """Human-readable summary."""
    lines = [
        f"sessies {result['sessions']} ({result['browser_sessions']} browser, {result['websocket_sessions']} websocket), "
        f"duur {result['wall_s']:.0f} s, {result['loads']} paginaladingen ({result['loads_per_min']:.0f}/min), "
        f"{result['loads_ok']} met inhoud",
        f"navigatie → inhoud zichtbaar: p50 {_s(result['content_p50_s'])}, p95 {_s(result['content_p95_s'])}, "
        f"max {_s(result['content_max_s'])}; → run klaar: p50 {_s(result['idle_p50_s'])}, p95 {_s(result['idle_p95_s'])}",
        f"fouten: {result['errors']} {result['error_kinds'] or ''}; tracebacks in het serverlog: "
        f"{result['server_tracebacks']}",
        f"server-RSS: bij start {result['rss_start_mb']:.0f} MB, voor de belasting {result['rss_idle_mb']:.0f} MB, "
        f"piek {result['rss_peak_mb']:.0f} MB, eind "
        f"{result['rss_end_mb']:.0f} MB; CPU gemiddeld server {result['server_cpu_mean_cores']} / browser "
        f"{result['browser_cpu_mean_cores']} / andere processen {result['other_cpu_mean_cores']} cores "
        f"(van {result['cpu_count']}; load vooraf {result['load1_before']}, gemiddeld {result['load1_mean']})",
        f"browser-RSS piek {result['browser_rss_peak_mb']:.0f} MB; server gezond na afloop: {result['healthy_after']}",
    ]
    for name, rows in (("client", result["per_client"]), ("pagina", result["per_path"])):
        for key, row in rows.items():
            lines.append(f"  {name} {key:30} {row['loads']:4} × inhoud p50 {_s(row['content_p50_s'])} "
                         f"p95 {_s(row['content_p95_s'])} · run klaar p50 {_s(row['idle_p50_s'])} · fouten {row['errors']}")
    for example in result["error_examples"]:
        lines.append(f"  ! {example}")
    browser = result["per_client"].get("browser")
    if browser and browser["loads"] and browser["loads_ok"] < 0.8 * browser["loads"] and (
            result["server_cpu_mean_cores"] or 0) < 0.5:
        lines.append(f"  let op: de browser is de bottleneck (server gebruikte {result['server_cpu_mean_cores']} cores, "
                     f"{browser['loads'] - browser['loads_ok']} van {browser['loads']} ladingen zonder inhoud); "
                     "deze tijden zeggen weinig over de server; probeer --browsers 5 (de rest als websocket-client)")
    return "\n".join(lines)


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="gelijktijdige sessies (standaard 20)")
    parser.add_argument("--browsers", type=int, help="waarvan in de browser (standaard: alle); de rest als websocket-client")
    parser.add_argument("--duration", type=float, default=120.0, help="duur van de belasting in s (standaard 120)")
    parser.add_argument("--store", type=Path, help="bestaande store (anders wordt er een gebouwd in een tijdelijke map)")
    parser.add_argument("--page-timeout", type=float, default=60.0, help="maximale tijd per paginalading in s")
    parser.add_argument("--ramp", type=float, default=5.0, help="sessies starten verspreid over zoveel s")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"resultaten (standaard {RESULTS})")
    parser.add_argument("--no-warmup", action="store_true", help="niet eerst elke pagina één keer laden (koude caches)")
    args = parser.parse_args(argv)
    if (args.browsers is None or args.browsers > 0) and not CHROMIUM.is_file():
        print(f"fout: {CHROMIUM} ontbreekt (apt-get install chromium)", file=sys.stderr)
        return 2
    cfg = LoadConfig(sessions=args.sessions, duration_s=args.duration, store=args.store,
                     page_timeout_s=args.page_timeout, ramp_s=args.ramp, out=args.out, browsers=args.browsers,
                     warmup=not args.no_warmup)
    result = run_load(cfg)
    return 0 if result["healthy_after"] else 1


if __name__ == "__main__":
    sys.exit(main())
