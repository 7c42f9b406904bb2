"""``deploy/nginx.conf`` in a real nginx on loopback: which paths reach Streamlit, which get the Dutch 404 page.

The upstream is a stand-in HTTP server that records every path it is asked for (the real Streamlit server behind
this config is exercised in ``tests/e2e/test_browser.py``).
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

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
