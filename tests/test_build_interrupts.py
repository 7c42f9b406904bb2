"""A build that is interrupted (Ctrl-C, SIGTERM, SIGKILL) or runs out of disk: one Dutch ``fout:`` line, no
traceback, the existing store unchanged, and no ``store.duckdb.*.tmp``/``.tmp.wal`` left after the next build."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data_loaders import __main__ as cli
from data_loaders import build
from data_loaders.bundle import BundleSource
from data_loaders.config import DUCKDB_OFFLINE, REPO_ROOT
from tests.conftest import CLI_TIMEOUT_S, cli_env, file_digest

pytestmark = pytest.mark.usefixtures("no_network")


def fout_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("fout:")]


def leftovers(store: Path) -> list[str]:
    return sorted(p.name for p in store.parent.iterdir() if p.name != store.name)


def start_build(store: Path, bundle: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "data_loaders", "build", "--bundle", str(bundle), "--store", str(store), "--quiet"],
        cwd=REPO_ROOT, env=cli_env(bundle), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_temp_file(proc: subprocess.Popen[str], store: Path, timeout: float = 90) -> None:
    """Block until the build has started writing its temp store (or fail)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.name.endswith(".tmp") for p in store.parent.iterdir()):
            return
        if proc.poll() is not None:
            pytest.fail(f"build ended before writing (rc={proc.returncode}): {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.005)
    proc.kill()
    pytest.fail("build did not start writing in time")


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
def test_signal_during_write(store_copy: Path, bundle_dir: Path, sig: signal.Signals, code: int) -> None:
    before = file_digest(store_copy)
    proc = start_build(store_copy, bundle_dir)
    wait_for_temp_file(proc, store_copy)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=CLI_TIMEOUT_S)
    assert proc.returncode == code, stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
    lines = fout_lines(stderr)
    assert len(lines) == 1 and ("afgebroken (Ctrl-C)" in lines[0] or "gestopt (SIGTERM)" in lines[0]), stderr[-2000:]
    assert "niet gewijzigd" in stderr
    assert leftovers(store_copy) == [], "temp files left behind"
    assert file_digest(store_copy) == before


def test_sigkill_leftovers_are_removed_by_the_next_build(store_copy: Path, bundle_dir: Path) -> None:
    proc = start_build(store_copy, bundle_dir)
    wait_for_temp_file(proc, store_copy)
    proc.kill()
    proc.communicate(timeout=CLI_TIMEOUT_S)
    stale = leftovers(store_copy)
    assert stale and all(".tmp" in name for name in stale), stale
    again = subprocess.run(
        [sys.executable, "-m", "data_loaders", "build", "--bundle", str(bundle_dir), "--store", str(store_copy), "--quiet"],
        cwd=REPO_ROOT, env=cli_env(bundle_dir), capture_output=True, text=True, timeout=CLI_TIMEOUT_S, check=False,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert leftovers(store_copy) == [], "the next build did not remove the stale temp files"


def test_temp_file_of_a_running_build_is_kept(store_copy: Path) -> None:
    """A temp file whose writer still runs (this process) is never removed; one of a dead pid is."""
    mine = store_copy.parent / (build._temp_prefix(store_copy) + "abc.tmp")
    dead_prefix = build._temp_prefix(store_copy).rsplit(".", 2)[0]
    dead = store_copy.parent / f"{dead_prefix}.999999999.abc.tmp"
    wal = Path(str(dead) + ".wal")
    for path in (mine, dead, wal):
        path.write_bytes(b"x")
    removed = build.remove_stale_temp_files(store_copy)
    assert sorted(removed) == sorted([dead, wal]) and mine.exists()


def test_ctrl_c_while_reading(store_copy: Path, bundle_dir: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(self: BundleSource, source: object) -> pd.DataFrame:
        raise KeyboardInterrupt

    monkeypatch.setattr(BundleSource, "raw_table", interrupted)
    monkeypatch.setenv("BW_DATA_DIR", str(bundle_dir))
    before = file_digest(store_copy)
    assert cli.main(["build", "--bundle", str(bundle_dir), "--store", str(store_copy), "--quiet"]) == 130
    err = capsys.readouterr().err
    assert fout_lines(err) == ["fout: bouwen afgebroken (Ctrl-C)"]
    assert file_digest(store_copy) == before and leftovers(store_copy) == []


@pytest.fixture(scope="module")
def store_frames(built_store: Path) -> dict[str, pd.DataFrame]:
    """The built store's tables, to feed ``build_store`` without reading the bundle."""
    con = duckdb.connect(str(built_store), read_only=True, config=DUCKDB_OFFLINE)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {n: con.execute(f"SELECT * FROM {n}").df() for n in names if n != "build_info"}
    finally:
        con.close()


def test_disk_full_simulated(store_copy: Path, store_frames: dict[str, pd.DataFrame], monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(build, "build_frames", lambda source, progress: store_frames)
    real_write = build.write_store

    def full_disk(frames: dict[str, pd.DataFrame], path: Path, info: dict[str, str]) -> None:
        real_write({"indicators": frames["indicators"]}, path, info)  # something is on disk already
        raise duckdb.IOException(f'IO Error: Could not write file "{path}": No space left on device')

    monkeypatch.setattr(build, "write_store", full_disk)
    before = file_digest(store_copy)
    assert cli.main(["build", "--store", str(store_copy), "--quiet"]) == 1
    err = capsys.readouterr().err
    lines = fout_lines(err)
    assert len(lines) == 1 and "schijf vol" in lines[0] and ".tmp" in lines[0], err
    assert file_digest(store_copy) == before and leftovers(store_copy) == []


@contextlib.contextmanager
def tiny_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"geen tmpfs te mounten (root nodig): {mounted.stderr.strip()[:200]}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def test_disk_full_for_real(tmp_path: Path, bundle_dir: Path) -> None:
    """The store folder on a 3 MB tmpfs: the 8 MB store does not fit."""
    with tiny_tmpfs(tmp_path / "vol", "3m") as vol:
        store = vol / "brede_welvaart.duckdb"
        proc = subprocess.run(
            [sys.executable, "-m", "data_loaders", "build", "--bundle", str(bundle_dir), "--store", str(store), "--quiet"],
            cwd=REPO_ROOT, env=cli_env(bundle_dir), capture_output=True, text=True, timeout=CLI_TIMEOUT_S, check=False,
        )
        assert proc.returncode == 1, proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr
        lines = fout_lines(proc.stderr)
        assert len(lines) == 1 and "schijf vol" in lines[0], proc.stderr[-2000:]
        assert "er is geen store gemaakt" in proc.stderr
        assert sorted(p.name for p in vol.iterdir()) == [], "temp files left on the full disk"
