"""Shared fixtures for the data tests: the bundle, one store built once per session, CLI runner, no network."""

from __future__ import annotations

import hashlib
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from data_loaders.config import DUCKDB_OFFLINE, REPO_ROOT, data_dir

CLI_TIMEOUT_S = 120


def _bundle_or_none() -> Path | None:
    path = data_dir()
    return path if (path / "cbs").is_dir() and (path / "geo").is_dir() else None


@pytest.fixture(scope="session")
def bundle_dir() -> Path:
    """The read-only data bundle (``BW_DATA_DIR`` or ``../shared/data``); skips when it is absent."""
    path = _bundle_or_none()
    if path is None:
        pytest.skip(f"databundel ontbreekt: geen cbs/ en geo/ in {data_dir()} (zet BW_DATA_DIR)")
    return path


def cli_env(bundle: Path | None = None) -> dict[str, str]:
    """Environment for a ``python -m data_loaders`` subprocess (repo importable, bundle explicit)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    if bundle is not None:
        env["BW_DATA_DIR"] = str(bundle)
    env.pop("BW_STORE", None)
    return env


@pytest.fixture(scope="session")
def run_cli(bundle_dir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m data_loaders <args>`` from the repo root; returns the completed process."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "data_loaders", *args],
            cwd=REPO_ROOT,
            env=env or cli_env(bundle_dir),
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_S,
            check=False,
        )

    return run


@pytest.fixture(scope="session")
def built_store(
    bundle_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> Path:
    """Path of a store built ONCE per session from the real bundle with ``python -m data_loaders build``.

    Treat it as read-only; tests that write copy it first (see ``store_copy``).
    """
    store = tmp_path_factory.mktemp("built_store") / "brede_welvaart.duckdb"
    proc = run_cli("build", "--bundle", str(bundle_dir), "--store", str(store), "--quiet")
    if proc.returncode != 0 or not store.is_file():
        pytest.fail(f"store bouwen mislukt (rc={proc.returncode}):\n{proc.stderr[-3000:]}")
    leftovers = sorted(p.name for p in store.parent.iterdir() if p != store)
    assert leftovers == [], f"build liet bestanden achter naast de store: {leftovers}"
    return store


@pytest.fixture(scope="module")
def store_env(built_store: Path) -> Iterator[Path]:
    """Point the dashboard at the session's store for this module; restore the environment afterwards."""
    old = os.environ.get("BW_STORE")
    os.environ["BW_STORE"] = str(built_store)
    yield built_store
    if old is None:
        os.environ.pop("BW_STORE", None)
    else:
        os.environ["BW_STORE"] = old


@pytest.fixture(scope="module")
def con(store_env: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to that store."""
    c = duckdb.connect(str(store_env), read_only=True, config=DUCKDB_OFFLINE)
    yield c
    c.close()


@pytest.fixture
def store_copy(built_store: Path, tmp_path: Path) -> Path:
    """A private, byte-identical copy of ``built_store`` in its own empty directory."""
    folder = tmp_path / "store"
    folder.mkdir()
    target = folder / built_store.name
    shutil.copyfile(built_store, target)
    return target


def file_digest(path: Path) -> tuple[str, int]:
    """(sha256, mtime_ns) of a file: equal before and after means untouched."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like
        return True
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse every socket connection that is not to the loopback interface (tests must stay offline)."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if not _is_loopback(address):
            raise OSError(f"netwerk uit in tests: verbinding naar {address!r} geweigerd")
        original(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


# The corruptions of issue 16: a copy of a good store, damaged the way a bad disk, a cut-off copy or a stray
# write would damage it. Every one of them must give the Dutch notice and a red health check.
CORRUPTIONS = ("overwrite_64k_at_75pct", "truncate_half", "block_observations", "block_shapes")
_FILE_HEADER = 3 * 4096  # DuckDB: three 4 KiB headers, then the blocks


def _block_offset(store: Path, table: str, pick: float) -> int:
    """File offset of one data block of ``table`` (``pick`` 0..1 chooses among its blocks)."""
    import duckdb

    from data_loaders.config import DUCKDB_OFFLINE

    con = duckdb.connect(str(store), read_only=True, config=DUCKDB_OFFLINE)
    try:
        blocks = [r[0] for r in con.execute(
            f"SELECT DISTINCT block_id FROM pragma_storage_info('{table}') WHERE block_id >= 0 ORDER BY 1").fetchall()]
        size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    finally:
        con.close()
    return _FILE_HEADER + blocks[int(pick * (len(blocks) - 1))] * int(size)


def corrupt_store(good: Path, target: Path, kind: str) -> Path:
    """Write a damaged copy of ``good`` to ``target``: one of :data:`CORRUPTIONS`."""
    data = bytearray(good.read_bytes())
    if kind == "overwrite_64k_at_75pct":
        at = len(data) * 3 // 4
        data[at:at + 64 * 1024] = os.urandom(64 * 1024)
    elif kind == "truncate_half":
        del data[len(data) // 2:]
    elif kind in ("block_observations", "block_shapes"):
        at = _block_offset(good, kind.split("_", 1)[1], 0.5) + 8192
        data[at:at + 4096] = os.urandom(4096)
    else:
        raise ValueError(kind)
    target.write_bytes(bytes(data))
    return target
