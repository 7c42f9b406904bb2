"""``python -m dashboard.healthcheck``: red on every damaged store of issue 16 and on a silent server, green otherwise."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dashboard import healthcheck
from tests.conftest import CORRUPTIONS, cli_env, corrupt_store

pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture
def health_server() -> Iterator[tuple[str, list[bytes]]]:
    """A stand-in for Streamlit's ``/_stcore/health`` on loopback; the list holds the body it answers."""
    body = [b"ok"]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            ok = self.path == healthcheck.HEALTH_PATH
            self.send_response(200 if ok else 404)
            self.end_headers()
            self.wfile.write(body[0] if ok else b"nee")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", body
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_healthy_store_and_server(built_store: Path, health_server: tuple[str, list[bytes]],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = health_server
    assert healthcheck.main(["--store", str(built_store), "--url", url]) == 0
    assert capsys.readouterr().out.count("gezond:") == 2


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_damaged_store_is_unhealthy(built_store: Path, tmp_path: Path, health_server: tuple[str, list[bytes]],
                                    capsys: pytest.CaptureFixture[str], kind: str) -> None:
    url, _ = health_server
    store = corrupt_store(built_store, tmp_path / "brede_welvaart.duckdb", kind)
    assert healthcheck.main(["--store", str(store), "--url", url]) == 1
    err = capsys.readouterr().err
    assert "niet gezond: store" in err and str(store) in err


def test_missing_store_and_silent_server(tmp_path: Path, built_store: Path, health_server: tuple[str, list[bytes]],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    url, body = health_server
    assert healthcheck.main(["--store", str(tmp_path / "nergens.duckdb"), "--alleen-store"]) == 1
    body[0] = b"bezig"
    assert healthcheck.main(["--store", str(built_store), "--url", url]) == 1
    assert healthcheck.main(["--store", str(built_store), "--url", "http://127.0.0.1:9", "--timeout", "1"]) == 1
    assert capsys.readouterr().err.count("niet gezond: server") == 2


def test_cli_exit_code_without_traceback(built_store: Path, tmp_path: Path) -> None:
    store = corrupt_store(built_store, tmp_path / "brede_welvaart.duckdb", "truncate_half")
    proc = subprocess.run([sys.executable, "-m", "dashboard.healthcheck", "--store", str(store), "--alleen-store"],
                          env=cli_env(), capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stderr.startswith("niet gezond:")


def test_every_block_of_the_store_is_checked(built_store: Path, tmp_path: Path) -> None:
    """A stray write anywhere in the file is caught: the store has no index blocks (DuckDB reads those only on a
    lookup, so verify would miss them) and verify reads every other block, whose checksum DuckDB checks."""
    import os

    import duckdb

    from data_loaders.config import DUCKDB_OFFLINE
    from data_loaders.store import Store, StoreUnavailable

    con = duckdb.connect(str(built_store), read_only=True, config=DUCKDB_OFFLINE)
    try:
        assert con.execute("SELECT count(*) FROM duckdb_indexes()").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type IN "
                           "('PRIMARY KEY', 'UNIQUE')").fetchone()[0] == 0
        block_size, total = con.execute("SELECT block_size, total_blocks FROM pragma_database_size()").fetchone()
    finally:
        con.close()
    good = built_store.read_bytes()
    assert len(good) >= 3 * 4096 + total * block_size
    missed = []
    for block in range(total):
        for at_fraction in (0.0, 0.6):
            damaged = bytearray(good)
            at = 3 * 4096 + block * block_size + 8 + int(at_fraction * (block_size - 4104))  # past the checksum
            damaged[at:at + 4096] = os.urandom(4096)
            target = tmp_path / "brede_welvaart.duckdb"
            target.write_bytes(bytes(damaged))
            try:
                Store(target).close()
                missed.append((block, at_fraction))
            except StoreUnavailable:
                pass
    assert not missed, f"{len(missed)} beschadigde blokken niet opgemerkt: {missed[:10]}"
