"""``deploy/nginx.conf`` in a real nginx on loopback: which paths reach Streamlit, which get the Dutch 404 page;
stickiness per browser over two real dashboard replicas, failover, gzip and the cache lifetime of static files.

The path tests use a stand-in HTTP server that records every path it is asked for; the replica tests run two real
dashboard servers on loopback behind the deploy config (``bench.burst.ReplicaProxy``, which adds ``X-Upstream``).
"""

from __future__ import annotations

import gzip
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bench.burst import ReplicaProxy, Session, replicas
from tests.e2e.harness import NginxProxy, nginx_available

pytestmark = [pytest.mark.usefixtures("no_network"),
              pytest.mark.skipif(not nginx_available(), reason="nginx ontbreekt (apt-get install nginx-light)")]

PROXIED = ["/", "/twente", "/bestaat-niet", "/favicon.png", "/_stcore/health", "/_stcore/host-config",
           "/_stcore/stream", "/_stcore/upload_file/abc/def", "/static/js/index.abc123.js", "/static/css/x.css",
           "/app/static/logo.png", "/media/0123abcd.csv", "/component/st_x.y/index.html",
           "/twente/_stcore/health", "/twente/_stcore/host-config", "/data?indicatoren=a,b&niveaus=NL"]
NOT_FOUND = ["/twente/extra", "/etc/passwd", "/twente/", "/a/b/c", "/twente/static/js/index.js", "/twente/_stcore/stream",
             "/staticx/y"]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Upstream(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            seen.append(self.path)
            body = f"upstream:{self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    workdir = tmp_path_factory.mktemp("nginx")
    try:
        with NginxProxy(f"127.0.0.1:{httpd.server_address[1]}", workdir) as nginx:
            yield nginx.base_url, seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8"), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8"), dict(err.headers)


@pytest.mark.parametrize("path", PROXIED)
def test_streamlit_paths_reach_the_app(proxy: tuple[str, list[str]], path: str) -> None:
    base, seen = proxy
    status, body, _ = fetch(base + path)
    assert status == 200 and body == f"upstream:{path}"
    assert path in seen


@pytest.mark.parametrize("path", NOT_FOUND)
def test_other_multi_segment_paths_get_the_dutch_404(proxy: tuple[str, list[str]], path: str) -> None:
    base, seen = proxy
    status, body, headers = fetch(base + path)
    assert status == 404
    assert '<html lang="nl">' in body and "Pagina niet gevonden" in body and 'href="/"' in body
    assert headers.get("Content-Type", "").startswith("text/html") and headers.get("X-Content-Type-Options") == "nosniff"
    assert path not in seen


def test_metrics_are_not_public(proxy: tuple[str, list[str]]) -> None:
    base, seen = proxy
    assert fetch(base + "/_stcore/metrics")[0] == 404
    assert "/_stcore/metrics" not in seen


def test_nginx_config_passes_nginx_t(tmp_path: Path) -> None:
    import subprocess

    proxy = NginxProxy("127.0.0.1:9", tmp_path)
    proxy.conf.write_text(proxy.config_text(), encoding="utf-8")
    result = subprocess.run(["/usr/sbin/nginx", "-t", "-c", str(proxy.conf), "-p", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


# --- two real replicas ------------------------------------------------------------------------------------------

STICKY_SESSIONS = 20
STICKY_PAGE = "/over"


@pytest.fixture(scope="module")
def two_replicas(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Any]]]:
    workdir = tmp_path_factory.mktemp("replicas")
    with replicas(built_store, 2, workdir) as servers:
        addresses = [s.base_url.removeprefix("http://") for s in servers]
        with ReplicaProxy(addresses, workdir) as nginx:
            yield nginx.base_url, servers


def _browser_session(base: str) -> tuple[Session, str | None]:
    """A fresh cookie jar doing what a browser does: GET the page, then the websocket with the cookie, one run."""
    session = Session(base)
    _, _, headers = session.get(STICKY_PAGE)
    session.connect()
    session.run(STICKY_PAGE)
    session.close()
    assert session.errors == []
    return session, headers.get("X-Upstream")


def test_sessions_from_one_address_spread_over_both_replicas_and_stay(two_replicas: tuple[str, list[Any]]) -> None:
    base, servers = two_replicas
    sessions = [_browser_session(base) for _ in range(STICKY_SESSIONS)]
    assert all("bwsid" in s.cookies for s, _ in sessions)
    assert len({s.cookies["bwsid"] for s, _ in sessions}) == STICKY_SESSIONS
    per_replica = Counter(s.upstream for s, _ in sessions)
    assert set(per_replica) == {s.base_url.removeprefix("http://") for s in servers}
    assert min(per_replica.values()) >= 5, per_replica
    for session, page_upstream in sessions:
        assert page_upstream == session.upstream  # the page load that set the cookie went where the websocket goes
        first = session.upstream
        _, _, headers = session.get("/_stcore/host-config")
        assert headers.get("X-Upstream") == first and headers.get("Set-Cookie") is None  # no new cookie
        session.connect()
        assert session.upstream == first
        session.close()


def test_a_killed_replicas_sessions_reconnect_to_the_other(two_replicas: tuple[str, list[Any]]) -> None:
    base, servers = two_replicas
    sessions = [_browser_session(base)[0] for _ in range(STICKY_SESSIONS)]
    victim, survivor = (s.base_url.removeprefix("http://") for s in servers)
    orphans = [s for s in sessions if s.upstream == victim]
    assert orphans
    servers[0].proc.kill()
    servers[0].proc.wait(timeout=10)
    for session in orphans:
        cookie = session.cookies["bwsid"]
        session.connect()  # the frontend reconnects with the same cookie
        assert session.upstream == survivor
        session.run(STICKY_PAGE)
        session.close()
        assert session.errors == [] and session.cookies["bwsid"] == cookie
    for session in sessions:
        if session.upstream == survivor and session not in orphans:
            session.connect()
            assert session.upstream == survivor  # the others do not move
            session.close()


def test_static_files_gzipped_and_cached_long_html_not(two_replicas: tuple[str, list[Any]]) -> None:
    import re

    base, _ = two_replicas
    session = Session(base)
    _, html, page_headers = session.get("/")
    assert "immutable" not in page_headers.get("Cache-Control", "")
    script = re.search(r'src="\.?/?(static/js/index\.[^"]+\.js)"', html.decode()).group(1)
    _, raw, raw_headers = Session(base).get("/" + script)
    _, packed, headers = Session(base).get("/" + script, gzip=True)
    assert raw_headers.get("Content-Encoding") is None and len(raw) > 400_000
    assert headers.get("Content-Encoding") == "gzip" and "Accept-Encoding" in headers.get("Vary", "")
    assert len(packed) < len(raw) / 3, (len(packed), len(raw))
    assert gzip.decompress(packed) == raw
    cache = headers.get("Cache-Control", "")
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache and "no-cache" not in cache
    assert headers.get("Set-Cookie") is None and headers.get("X-Content-Type-Options") == "nosniff"
    _, _, health = session.get("/_stcore/health")
    assert "immutable" not in health.get("Cache-Control", "")
