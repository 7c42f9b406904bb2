"""A room opening one link at once: bursts of browser-like sessions against one server and through nginx + 2 replicas.

Each session does what a browser does, with its own cookie jar: GET the page (through the proxy this sets the
``bwsid`` cookie), then open the websocket ``/_stcore/stream`` with that cookie and run the page's script; a step
clicks a button of that page (``volgende regio ▶``) in the same session. Server CPU is read from ``/proc`` (psutil)
for the server processes and their children, before and after the burst.
"""

from __future__ import annotations

import contextlib
import http.cookies
import os
import re
import statistics
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import percentile
from tests.e2e.harness import HOST, NGINX_CONF, NginxProxy, StreamlitServer

PRESENTATION = "/noord-en-oost-groningen?presentatie=1"
REGION_PAGE = "/twente"
NEXT_REGION = "volgende regio ▶"
SESSIONS = 25
RAMP_S = 5.0
TIMEOUT_S = 120.0


class ReplicaProxy(NginxProxy):
    """``deploy/nginx.conf`` on loopback in front of several replicas (``NginxProxy`` takes one).

    ``app1``/``app2`` become the given loopback upstreams with the deploy's own ``max_fails``/``fail_timeout``;
    every proxied answer (websocket handshake included) says which replica served it in ``X-Upstream``.
    """

    def __init__(self, upstreams: Sequence[str], workdir: Path) -> None:
        super().__init__(upstreams[0], workdir)
        self.upstreams = list(upstreams)

    def config_text(self) -> str:
        """The deploy config with the replicas on loopback and an ``X-Upstream`` header."""
        text = NGINX_CONF.read_text(encoding="utf-8")
        servers = re.findall(r"^\s*server app\d:8501([^;]*);\n", text, re.M)
        params = servers[0] if servers else ""
        block = "".join(f"        server {u}{params};\n" for u in self.upstreams)
        text = re.sub(r"(?:^\s*server app\d:8501[^;]*;\n)+", block, text, count=1, flags=re.M)
        # Next to every X-Frame-Options: at server level and in each location that repeats the headers.
        text = re.sub(r"^(\s*)(add_header X-Frame-Options [^\n]*\n)", r"\1\2\1add_header X-Upstream $upstream_addr always;\n",
                      text, flags=re.M)
        text = text.replace("listen 80;", f"listen {HOST}:{self.port};")
        text = text.replace("/tmp/", f"{self.workdir}/")
        text = text.replace("access_log /dev/stdout;", f"access_log {self.workdir}/access.log;")
        text = text.replace("error_log /dev/stderr warn;", f"error_log {self.workdir}/error.log warn;")
        if os.geteuid() == 0:  # workers would run as nobody and could not use the temp dirs
            text = "user root;\n" + text
        return text


@dataclass
class Session:
    """One browser-like visitor: a cookie jar, the replica that served its websocket, its timings."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    upstream: str | None = None
    load_s: float | None = None
    step_s: float | None = None
    errors: list[str] = field(default_factory=list)
    conn: websocket.WebSocket | None = None
    buttons: dict[str, str] = field(default_factory=dict)  # label → widget id, from the last run's deltas
    page: str = ""
    query: str = ""

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers: Any) -> None:
        for value in headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(value)
            self.cookies.update({k: m.value for k, m in jar.items()})

    def get(self, path: str, gzip: bool = False) -> tuple[int, bytes, Any]:
        """GET with this jar's cookies (keeps new ones); body as on the wire (not decompressed)."""
        req = urllib.request.Request(self.base_url + path)
        if self.cookies:
            req.add_header("Cookie", self._cookie_header())
        if gzip:
            req.add_header("Accept-Encoding", "gzip")
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            self._keep_cookies(resp.headers)
            return resp.status, resp.read(), resp.headers

    def connect(self) -> None:
        """Open the session websocket with the jar's cookies (a browser sends them on the upgrade)."""
        self.close()
        header = [f"Cookie: {self._cookie_header()}"] if self.cookies else []
        self.conn = websocket.create_connection(self.base_url.replace("http", "ws", 1) + "/_stcore/stream",
                                                subprotocols=["streamlit"], origin=self.base_url, header=header,
                                                timeout=TIMEOUT_S)
        tried = (self.conn.getheaders() or {}).get("x-upstream")
        if tried:  # "a, b" when nginx tried a first and it failed: b answered
            self.upstream = tried.split(",")[-1].strip()

    def run(self, path: str | None = None, click: str | None = None) -> float:
        """One script run (a page load, or ``click`` on a button of the current page); seconds to ``script_finished``.

        A click that makes the page navigate (``st.rerun``) is timed to the end of the run that follows."""
        assert self.conn is not None
        if path is not None:
            self.page, _, self.query = path.lstrip("/").partition("?")
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_name = self.page
        if click is not None:
            widget = msg.rerun_script.widget_states.widgets.add()
            widget.id = self.buttons[click]
            widget.trigger_value = True
        start = time.monotonic()
        self.conn.send_binary(msg.SerializeToString())
        self.buttons = {}
        while True:
            self.conn.settimeout(max(0.05, start + TIMEOUT_S - time.monotonic()))
            data = self.conn.recv()
            if isinstance(data, str) or not data:
                continue
            fwd = ForwardMsg.FromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                if element.WhichOneof("type") == "button":
                    self.buttons[element.button.label] = element.button.id
                elif element.WhichOneof("type") == "exception":
                    self.errors.append(f"exception: {element.exception.message[:160]}")
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "page_not_found":
                self.errors.append(f"page not found: {path}")
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    self.errors.append(f"script finished: {ForwardMsg.ScriptFinishedStatus.Name(status)}")
                return time.monotonic() - start

    def close(self) -> None:
        """Close the websocket (the server ends the session)."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None


def visit(base_url: str, path: str, step: str | None = None) -> Session:
    """GET the page, open the websocket, run it, optionally click ``step``; failures are counted, never raised."""
    session = Session(base_url)
    start = time.monotonic()
    try:
        session.get(path)
        session.connect()
        session.run(path)
        session.load_s = time.monotonic() - start
        if step is not None:
            if step not in session.buttons:
                session.errors.append(f"no button {step!r}")
            else:
                session.step_s = session.run(click=step)
    except Exception as err:  # noqa: BLE001 - every failure of a session is counted
        session.errors.append(f"{type(err).__name__}: {str(err)[:160]}")
    finally:
        session.close()
    return session


def cpu_seconds(servers: Sequence[StreamlitServer]) -> float:
    """User + system CPU seconds used so far by the server processes and their children (``/proc``)."""
    total = 0.0
    for server in servers:
        if server.proc is None:
            continue
        with contextlib.suppress(psutil.NoSuchProcess):
            root = psutil.Process(server.proc.pid)
            for proc in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    t = proc.cpu_times()
                    total += t.user + t.system + t.children_user + t.children_system
    return total


def burst(base_url: str, paths: Sequence[tuple[str, str | None]], sessions: int = SESSIONS, ramp_s: float = RAMP_S,
          servers: Sequence[StreamlitServer] = ()) -> dict[str, Any]:
    """``sessions`` visitors within ``ramp_s`` seconds, alternating over ``paths`` ((path, button to click or None))."""
    done: list[Session] = []
    cpu0 = cpu_seconds(servers)

    def one(i: int) -> None:
        time.sleep(ramp_s * i / max(1, sessions))
        path, step = paths[i % len(paths)]
        done.append(visit(base_url, path, step))

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(sessions)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=ramp_s + 3 * TIMEOUT_S)
    cpu = cpu_seconds(servers) - cpu0
    loads = [s.load_s for s in done if s.load_s is not None]
    steps = [s.step_s for s in done if s.step_s is not None]
    errors = sum(len(s.errors) for s in done) + (sessions - len(done))
    return {"sessions": sessions, "wall_s": _r(time.monotonic() - began), "load_p50_s": _r(percentile(loads, 50)),
            "load_p95_s": _r(percentile(loads, 95)), "step_p50_s": _r(percentile(steps, 50)),
            "step_p95_s": _r(percentile(steps, 95)), "errors": errors,
            "error_examples": sorted({e for s in done for e in s.errors})[:5],
            "cpu_s_per_session": _r(cpu / sessions) if servers else None,
            "sessions_per_replica": dict(Counter(s.upstream or "?" for s in done)),
            "loadavg": [round(x, 2) for x in os.getloadavg()]}


def transfer_bytes(base_url: str, path: str, gzip: bool) -> int:
    """Bytes over the wire for a first visit: the page HTML and every /static/ script and stylesheet it names."""
    session = Session(base_url)
    _, html, _ = session.get(path, gzip=gzip)
    total = len(html)
    page = html.decode("utf-8", "replace") if not html.startswith(b"\x1f\x8b") else _gunzip(html)
    for asset in sorted(set(re.findall(r'(?:src|href)="\.?(/?static/[^"]+)"', page))):
        total += len(session.get("/" + asset.lstrip("/"), gzip=gzip)[1])
    return total


def _gunzip(data: bytes) -> str:
    import gzip

    return gzip.decompress(data).decode("utf-8", "replace")


@contextlib.contextmanager
def replicas(store: Path, n: int, logdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[list[StreamlitServer]]:
    """``n`` dashboard servers on loopback, healthy; stopped (only these processes) on exit."""
    servers = [StreamlitServer(store, log_path=logdir / f"replica{i}.log", extra_env=extra_env) for i in range(n)]
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_healthy(timeout=120)
        yield servers
    finally:
        for server in servers:
            server.stop()


def timed(fn: Callable[[], float], runs: int) -> float:
    """Median of ``runs`` calls of ``fn`` (each returns seconds)."""
    return statistics.median(fn() for _ in range(runs))


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


BARE_APP = Path(__file__).resolve().parent / "bare_app.py"
# (name, product (first, second), bare app (first, second)): the second run of a session is the interaction.
INTERACTIONS: list[tuple[str, tuple[str, str | None], tuple[str, str | None]]] = [
    ("presentatie_volgende_regio", (PRESENTATION, NEXT_REGION), ("/", NEXT_REGION)),
    ("nederland_indicator", ("/?indicator=tevredenheid_leven", "/?indicator=werkloosheid"),
     ("/?kaart=nl&indicator=tevredenheid_leven", "/?kaart=nl&indicator=werkloosheid")),
    ("regio_indicator", ("/twente", "/twente?indicator=werkloosheid"),
     ("/?kaart=regio", "/?kaart=regio&indicator=werkloosheid")),
]


def interaction_s(base_url: str, first: str, second: str | None) -> float:
    """Seconds of the second step of one session: a button click (label) or a rerun with another query string."""
    session = Session(base_url)
    try:
        session.get(first)
        session.connect()
        session.run(first)
        if second is not None and second.startswith("/"):
            return session.run(second)
        return session.run(click=second)
    finally:
        session.close()
        if session.errors:
            raise RuntimeError(f"{first} → {second}: {session.errors[:2]}")


def _warm(base_url: str) -> None:
    for path, step in ((PRESENTATION, NEXT_REGION), (REGION_PAGE, None)):
        visit(base_url, path, step)
    for _, (first, second), _ in INTERACTIONS:
        with contextlib.suppress(Exception):
            interaction_s(base_url, first, second)


def measure(store: Path, workdir: Path, progress: Callable[[str], None], sessions: int = SESSIONS,
            runs: int = 5) -> dict[str, Any]:
    """The ``burst`` section of ``python -m bench`` (see the module docstring)."""
    paths = [(PRESENTATION, NEXT_REGION), (REGION_PAGE, None)]
    out: dict[str, Any] = {"sessions": sessions, "ramp_s": RAMP_S, "paths": [p for p, _ in paths],
                           "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    with replicas(store, 1, workdir) as (one,):
        _warm(one.base_url)
        singles = [visit(one.base_url, PRESENTATION) for _ in range(runs)]
        out["single_runs_s"] = [_r(s.load_s) for s in singles]
        out["single_p50_s"] = _r(statistics.median(s.load_s for s in singles if s.load_s is not None))
        progress(f"  één sessie tegelijk: laden p50 {out['single_p50_s']:.2f} s (load {os.getloadavg()[0]:.1f})")
        out["one_server"] = burst(one.base_url, paths, sessions, servers=[one])
        out["one_server"].pop("sessions_per_replica")
        progress("  " + _line("één server", out["one_server"]))
        bare = StreamlitServer(store, app=BARE_APP, log_path=workdir / "bare.log")
        with bare:
            _warm_bare(bare.base_url)
            ratios: dict[str, Any] = {}
            for name, product, baseline in INTERACTIONS:
                prod_s, bare_s = [], []
                for _ in range(runs):  # alternating, so both see the same machine load
                    prod_s.append(interaction_s(one.base_url, *product))
                    bare_s.append(interaction_s(bare.base_url, *baseline))
                p, b = statistics.median(prod_s), statistics.median(bare_s)
                ratios[name] = {"product_s": _r(p), "bare_s": _r(b), "ratio": _r(p / b if b else None, 2)}
            out["interaction_ratio"] = {k: v["ratio"] for k, v in ratios.items()}
            out["interaction_s"] = ratios
        progress("  interactie product ÷ kale app: " + ", ".join(f"{k} {v:.2f}×" for k, v in out["interaction_ratio"].items()))
    with replicas(store, 2, workdir) as servers:
        addresses = [s.base_url.removeprefix("http://") for s in servers]
        with ReplicaProxy(addresses, workdir) as nginx:
            for server in servers:
                _warm(server.base_url)
            out["proxy_2"] = burst(nginx.base_url, paths, sessions, servers=servers)
            progress("  " + _line("nginx + 2 replica's", out["proxy_2"]))
            out["first_visit_bytes"] = {"gzip": transfer_bytes(nginx.base_url, PRESENTATION, gzip=True),
                                        "plain": transfer_bytes(nginx.base_url, PRESENTATION, gzip=False)}
            fv = out["first_visit_bytes"]
            progress(f"  eerste bezoek over de lijn (pagina + /static/): {fv['gzip'] / 1e3:.0f} KB met gzip, "
                     f"{fv['plain'] / 1e3:.0f} KB zonder")
    out["p95_over_single"] = _r(out["proxy_2"]["load_p95_s"] / out["single_p50_s"], 2) if out["single_p50_s"] else None
    out["proxy_2_errors"] = out["proxy_2"]["errors"]
    out["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def _warm_bare(base_url: str) -> None:
    for _, _, (first, second) in INTERACTIONS:
        with contextlib.suppress(Exception):
            interaction_s(base_url, first, second)


def _line(name: str, r: dict[str, Any]) -> str:
    spread = f", per replica {sorted(r['sessions_per_replica'].values())}" if "sessions_per_replica" in r else ""
    return (f"{name}: {r['sessions']} sessies in {RAMP_S:.0f} s: laden p50 {r['load_p50_s']} s, p95 {r['load_p95_s']} s; "
            f"volgende regio p95 {r['step_p95_s']} s; fouten {r['errors']}; CPU {r['cpu_s_per_session']} s/sessie"
            f"{spread} (load {r['loadavg'][0]})")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.burst --store PAD``: only this section, printed as JSON."""
    import argparse
    import json
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bench.burst", description="Burst van sessies: één server en nginx + 2.")
    parser.add_argument("--store", type=Path, required=True, help="bestaande store")
    parser.add_argument("--sessions", type=int, default=SESSIONS, help=f"sessies per burst (standaard {SESSIONS})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bw_burst_") as tmp:
        result = measure(args.store, Path(tmp), lambda m: print(m, flush=True), args.sessions)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())


def format_burst(r: dict[str, Any]) -> str:
    """The ``burst`` section as a plain-text table."""
    rows = [("burst (25 sessies in 5 s)", "laden p50", "laden p95", "stap p95", "fouten", "CPU-s/sessie", "per replica")]
    for name, key in (("één server", "one_server"), ("nginx + 2 replica's", "proxy_2")):
        b = r[key]
        rows.append((name, f"{b['load_p50_s']} s", f"{b['load_p95_s']} s", f"{b['step_p95_s']} s", str(b["errors"]),
                     str(b["cpu_s_per_session"]), str(sorted(b.get("sessions_per_replica", {}).values()) or "–")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    fv = r["first_visit_bytes"]
    lines += [f"één sessie laden p50 {r['single_p50_s']} s; nginx-p95 / enkele p50 = {r['p95_over_single']}× (doel ≤ 3×)",
              "interactie product ÷ kale app: " + ", ".join(
                  f"{k} {v['product_s']} / {v['bare_s']} s = {v['ratio']}×" for k, v in r["interaction_s"].items()),
              f"eerste bezoek (pagina + /static/) via nginx: {fv['gzip'] / 1e3:.0f} KB met gzip, {fv['plain'] / 1e3:.0f} KB zonder",
              f"load average voor {r['loadavg_before']} · na {r['loadavg_after']}"]
    return "\n".join(lines)
