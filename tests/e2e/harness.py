"""Shared helpers for the browser tests and the benchmark: a real Streamlit server, headless Chromium, page checks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "dashboard" / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
# No WebGL anywhere: the product's maps are SVG and must work where the GPU is off (virtual desktops).
CHROMIUM_ARGS = ["--disable-3d-apis", "--disable-gpu", "--no-sandbox", "--disable-background-networking"]
# Software WebGL (SwiftShader), only for the benchmark's plotly MapLibre baseline (BW_MAP_RENDERER=maplibre).
WEBGL_ARGS = [
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
    "--no-sandbox",
    "--disable-background-networking",
]
HOST = "127.0.0.1"
# axe-core for the accessibility tests: installed by the README's test command (npm, into a git-ignored folder).
AXE_VERSION = "4.14.1"
AXE_PREFIX = ".cache/npm"
AXE_INSTALL = f"npm install --no-save --no-audit --no-fund --prefix {AXE_PREFIX} axe-core@{AXE_VERSION}"
AXE_JS = REPO_ROOT / AXE_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
PROBES = ("/_stcore/health", "/_stcore/host-config")

TEN_REGIONS = [
    "noord-en-oost-groningen", "zuid-en-oost-drenthe", "zuid-limburg", "midden-limburg", "noord-limburg",
    "zeeuws-vlaanderen", "kop-van-noord-holland", "achterhoek", "zuidoost-en-noord-fryslan", "twente",
]
OTHER_REGIONS = ["veenkolonien", "parkstad-limburg", "noord-nederland"]
REGIONS = TEN_REGIONS + OTHER_REGIONS

MAP_SVG = ".bw-map svg[data-n]"  # a map of dashboard/components/maps.py (data-n = number of area paths)
MAP_CANVAS = '[data-testid="stPlotlyChart"] canvas.maplibregl-canvas'  # the MapLibre baseline
MAP_ELEMENT = f"{MAP_SVG}, {MAP_CANVAS}"
EXCEPTION = '[data-testid="stException"]'

# True when there is an SVG map and every SVG map has all its area paths in the DOM.
JS_SVG_MAPS_PAINTED = """() => {
  const maps = Array.from(document.querySelectorAll('.bw-map svg[data-n]'));
  return maps.length > 0 && maps.every(svg => svg.querySelectorAll('path.f').length >= +svg.dataset.n);
}"""

# True once Streamlit finished the script run and every skeleton/spinner is gone.
JS_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  return !document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"], [data-testid="stSpinner"]');
}"""
# True when no chart is still waiting for the map, every plotly chart has drawn, every MapLibre map has loaded its
# sources and stopped moving, and every SVG map has all its area paths.
JS_CHARTS_DRAWN = """() => {
  if (document.querySelector('.bw-charts-pending')) return false;  // charts wait for the painted map (region page)
  for (const svg of document.querySelectorAll('.bw-map svg[data-n]')) {
    if (svg.querySelectorAll('path.f').length < +svg.dataset.n) return false;
  }
  const boxes = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
  for (const box of boxes) {
    const gd = box.querySelector('.js-plotly-plot');
    if (!gd || !gd._fullLayout) return false;
    for (const key of Object.keys(gd._fullLayout).filter(k => /^map\\d*$/.test(k))) {
      const map = gd._fullLayout[key]._subplot && gd._fullLayout[key]._subplot.map;
      if (!map || !map.loaded() || map.isMoving()) return false;
    }
  }
  return true;
}"""


def chromium_available() -> bool:
    """True when Debian's chromium binary is installed."""
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(store: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a dashboard server reading ``store``."""
    env = dict(os.environ)
    env["BW_STORE"] = str(store)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env.update(extra or {})
    return env


class StreamlitServer:
    """``streamlit run <app>`` on a free loopback port; use as a context manager."""

    def __init__(self, store: Path, app: Path = APP, log_path: Path | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.store = store
        self.app = app
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> StreamlitServer:
        """Start the process (does not wait for it)."""
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(self.app),
            "--server.port", str(self.port), "--server.address", HOST, "--server.headless", "true",
            "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
        ]
        self._log = open(self.log_path, "wb") if self.log_path else None  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=server_env(self.store, self.extra_env),
            stdout=self._log or subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )
        return self

    def wait_healthy(self, timeout: float = 60.0) -> None:
        """Poll ``/_stcore/health`` until it answers ``ok``; raise with the log tail on failure or exit."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"streamlit stopte met code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200 and resp.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"streamlit niet gezond binnen {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        """The last part of the server log (when logging to a file)."""
        if self._log is not None:
            self._log.flush()
        if self.log_path and self.log_path.is_file():
            return self.log_path.read_text(errors="replace")[-chars:]
        return "(geen log)"

    def url(self, path: str = "/") -> str:
        """Absolute URL of an app path such as ``/twente?presentatie=1``."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def rss_mb(self) -> float:
        """Resident memory of the server and all its children, in MB."""
        import psutil

        if self.proc is None:
            return 0.0
        try:
            root = psutil.Process(self.proc.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0
        for proc in procs:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                total += proc.memory_info().rss
        return total / 1e6

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 10 s); only this process."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> StreamlitServer:
        self.start()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def launch_chromium(playwright: Any, webgl: bool = False) -> Any:
    """Headless Debian chromium, WebGL off (``webgl=True``: software WebGL, for the MapLibre baseline only)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=WEBGL_ARGS if webgl else CHROMIUM_ARGS,
                                      headless=True)


@dataclass
class PageWatch:
    """Collects console errors, page errors, failed requests and HTTP errors of one page.

    The only tolerated noise: at a sub-path (``/twente``) Streamlit's frontend first probes
    ``/twente/_stcore/health`` and ``/twente/_stcore/host-config``, which answer 404.
    """

    page: Any
    problems: list[str] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)
    tolerated: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda err: self.problems.append(f"page error: {err}"))
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)

    @staticmethod
    def is_probe(url: str) -> bool:
        """A sub-path health/host-config probe (never the root ones, which must answer)."""
        path = urlsplit(url).path
        return any(path.endswith(p) and path != p for p in PROBES)

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error":
            location = (msg.location or {}).get("url", "")
            self.console_errors.append((msg.text, location))

    def _on_request_failed(self, request: Any) -> None:
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _on_response(self, response: Any) -> None:
        if response.status < 400:
            return
        if response.status == 404 and self.is_probe(response.url):
            self.tolerated.add(response.url)
            return
        self.problems.append(f"HTTP {response.status}: {response.url}")

    def all_problems(self) -> list[str]:
        """Every problem seen so far; console 'Failed to load resource' lines of tolerated probes are dropped."""
        out = list(self.problems)
        for text, location in self.console_errors:
            if location in self.tolerated and "404" in text:
                continue
            out.append(f"console error: {text} @ {location}")
        return out


def wait_idle(page: Any, timeout_ms: float = 60_000) -> None:
    """Wait until the script run finished and no spinner or skeleton is left."""
    page.wait_for_function(JS_IDLE, timeout=timeout_ms, polling=100)


def wait_charts_drawn(page: Any, timeout_ms: float = 60_000) -> None:
    """Wait until every plotly chart is drawn and every map (SVG or MapLibre) has finished loading."""
    page.wait_for_function(JS_CHARTS_DRAWN, timeout=timeout_ms, polling=100)


def exception_texts(page: Any) -> list[str]:
    """Texts of Streamlit exception boxes on the page."""
    return [t[:500] for t in page.locator(EXCEPTION).all_inner_texts()]


NGINX = Path("/usr/sbin/nginx")
NGINX_CONF = REPO_ROOT / "deploy" / "nginx.conf"


def nginx_available() -> bool:
    """True when Debian's nginx (nginx-light) and its mime.types are installed."""
    return NGINX.is_file() and Path("/etc/nginx/mime.types").is_file()


class NginxProxy:
    """``deploy/nginx.conf`` run by a real nginx on a free loopback port, in front of ``upstream`` (host:port).

    Only what cannot work outside compose is rewritten: the listen address, the two upstream servers, and
    the pid, log and temp paths (into ``workdir``). Use as a context manager.
    """

    def __init__(self, upstream: str, workdir: Path) -> None:
        self.upstream = upstream
        self.workdir = workdir
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.conf = workdir / "nginx.conf"
        self.proc: subprocess.Popen[bytes] | None = None

    def config_text(self) -> str:
        """The deploy config, pointed at loopback."""
        import re

        text = NGINX_CONF.read_text(encoding="utf-8")
        text = re.sub(r"server app1:8501[^;]*;", f"server {self.upstream};", text)
        text = re.sub(r"\s*server app2:8501[^;]*;", "", text)
        text = text.replace("listen 80;", f"listen {HOST}:{self.port};")
        text = text.replace("/tmp/", f"{self.workdir}/")
        text = text.replace("access_log /dev/stdout;", f"access_log {self.workdir}/access.log;")
        text = text.replace("error_log /dev/stderr warn;", f"error_log {self.workdir}/error.log warn;")
        if os.geteuid() == 0:  # workers would run as nobody and could not use the temp dirs
            text = "user root;\n" + text
        return text

    def __enter__(self) -> NginxProxy:
        self.conf.write_text(self.config_text(), encoding="utf-8")
        self.proc = subprocess.Popen(
            [str(NGINX), "-c", str(self.conf), "-p", str(self.workdir), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=open(self.workdir / "stderr.log", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx stopte: " + (self.workdir / "stderr.log").read_text(errors="replace")[-2000:])
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), timeout=0.5):
                return self
            time.sleep(0.05)
        self.__exit__()
        raise TimeoutError("nginx luistert niet binnen 20 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
