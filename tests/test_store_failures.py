"""A missing, corrupt or incomplete store gives a Dutch notice (never a traceback, never a server path); a failed
rebuild keeps serving; a rebuilt store is picked up on the next run.

These run the whole app (``dashboard/app.py``, with its navigation) through AppTest with ``BW_STORE`` pointing
at the file under test. ``dashboard/data.get_store`` reopens the store whenever the path or the file's identity
changes and never remembers a failure, so every test can point at its own file; the environment is restored after.
The detail (path, cause, rebuild command) goes to the server log, captured here with ``caplog``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data_loaders.config import DUCKDB_OFFLINE, REPO_ROOT
from tests.conftest import CORRUPTIONS, cli_env, corrupt_store, file_digest

APP = REPO_ROOT / "dashboard" / "app.py"
TIMEOUT = 90
REBUILD_HINT = "python -m data_loaders build"
NOTICE = "De gegevens zijn op dit moment niet beschikbaar."


@pytest.fixture
def point_store(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> Callable[[Path], None]:
    """Set ``BW_STORE`` for one test (monkeypatch restores the previous value, also when it was unset)."""
    caplog.set_level(logging.INFO, logger="dashboard.store")

    def point(path: Path) -> None:
        monkeypatch.setenv("BW_STORE", str(path))

    return point


def run_app() -> AppTest:
    """One run of the full app at its default page."""
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


def page_text(at: AppTest) -> str:
    return " ".join(str(el.value) for kind in ("title", "markdown", "error", "info", "caption") for el in at.get(kind))


def assert_rebuild_page(at: AppTest, store: Path, caplog: pytest.LogCaptureFixture | None = None) -> None:
    """The notice page: no exception, a Dutch notice without the path or the command; the detail is in the log."""
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    assert NOTICE in text, text[:1000]
    assert [t.value for t in at.title] == ["Brede Welvaart Regiodashboard"]
    assert str(store.parent) not in text and ".duckdb" not in text and REBUILD_HINT not in text, text[:1000]
    rendered = [e for e in at.get("bidi_component") if e.proto.component_name != "bw_document"]  # the lang helper
    assert not rendered, "a page with data was rendered from a broken store"
    if caplog is not None:
        logged = " ".join(r.getMessage() for r in caplog.records if r.name == "dashboard.store")
        assert str(store) in logged and REBUILD_HINT in logged, logged[:2000]


def test_missing_store(tmp_path: Path, point_store: Callable[[Path], None], caplog: pytest.LogCaptureFixture) -> None:
    store = tmp_path / "nergens" / "brede_welvaart.duckdb"
    point_store(store)
    at = run_app()
    assert_rebuild_page(at, store, caplog)
    assert "nog niet gebouwd" in " ".join(e.value for e in at.error)
    assert not store.exists() and not store.parent.exists(), "the app must not create a store"


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x00" * 4096, os.urandom(64 * 1024), b"SQLite format 3\x00" + b"\x01" * 8192, b"DUCK" * 1024],
    ids=["empty", "zeros", "random", "sqlite-header", "fake-duck"],
)
def test_corrupt_store(tmp_path: Path, point_store: Callable[[Path], None], caplog: pytest.LogCaptureFixture,
                       garbage: bytes) -> None:
    store = tmp_path / "brede_welvaart.duckdb"
    store.write_bytes(garbage)
    point_store(store)
    assert_rebuild_page(run_app(), store, caplog)
    assert store.read_bytes() == garbage, "the app must not touch a corrupt store"


def test_truncated_store(tmp_path: Path, built_store: Path, point_store: Callable[[Path], None]) -> None:
    store = tmp_path / "brede_welvaart.duckdb"
    store.write_bytes(built_store.read_bytes()[: 256 * 1024])  # a copy cut off halfway (e.g. disk full)
    point_store(store)
    assert_rebuild_page(run_app(), store)


def test_store_without_tables(tmp_path: Path, point_store: Callable[[Path], None],
                              caplog: pytest.LogCaptureFixture) -> None:
    store = tmp_path / "brede_welvaart.duckdb"
    con = duckdb.connect(str(store), config=DUCKDB_OFFLINE)
    con.execute("CREATE TABLE something_else (x INTEGER)")
    con.close()
    point_store(store)
    at = run_app()
    assert_rebuild_page(at, store, caplog)
    assert "onvolledig" in " ".join(e.value for e in at.error)


def test_store_with_some_tables_missing(tmp_path: Path, built_store: Path, point_store: Callable[[Path], None],
                                        caplog: pytest.LogCaptureFixture) -> None:
    store = tmp_path / "brede_welvaart.duckdb"
    shutil.copyfile(built_store, store)
    con = duckdb.connect(str(store), config=DUCKDB_OFFLINE)
    con.execute("DROP TABLE region_observations")
    con.close()
    point_store(store)
    at = run_app()
    assert_rebuild_page(at, store, caplog)
    assert "region_observations" in " ".join(r.getMessage() for r in caplog.records)


@pytest.fixture
def serving(store_copy: Path, point_store: Callable[[Path], None]) -> Iterator[AppTest]:
    """The app serving a private copy of the good store (its home page already rendered once)."""
    point_store(store_copy)
    at = run_app()
    assert not at.exception, [e.message for e in at.exception]
    assert at.get("bidi_component"), "the good store did not render a map"
    yield at


def test_failed_rebuild_keeps_serving(serving: AppTest, store_copy: Path, tmp_path: Path) -> None:
    before = file_digest(store_copy)
    title = [t.value for t in serving.title]
    empty_bundle = tmp_path / "lege_bundel"
    empty_bundle.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "data_loaders", "build", "--bundle", str(empty_bundle), "--store", str(store_copy),
         "--quiet"],
        cwd=REPO_ROOT, env=cli_env(empty_bundle), capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "niet gewijzigd" in proc.stderr, proc.stderr[-2000:]
    assert file_digest(store_copy) == before, "a failed build changed the store"
    assert sorted(p.name for p in store_copy.parent.iterdir()) == [store_copy.name], "the failed build left files"

    again = serving.run()  # the session that was open during the build
    assert not again.exception, [e.message for e in again.exception]
    assert [t.value for t in again.title] == title and again.get("bidi_component")
    fresh = run_app()  # and a new visitor
    assert not fresh.exception and [t.value for t in fresh.title] == title and fresh.get("bidi_component")


def test_failed_rebuild_from_broken_bundle_keeps_serving(serving: AppTest, store_copy: Path, bundle_dir: Path,
                                                         tmp_path: Path) -> None:
    """A bundle whose CBS files are present but garbage fails in the middle of the build, not at the start."""
    before = file_digest(store_copy)
    broken = tmp_path / "kapotte_bundel"
    shutil.copytree(bundle_dir, broken)
    for csv in sorted((broken / "cbs").rglob("*"))[:3]:
        if csv.is_file():
            csv.write_bytes(b"\xff\xfe garbage ;;; \x00\n" * 10)
    proc = subprocess.run(
        [sys.executable, "-m", "data_loaders", "build", "--bundle", str(broken), "--store", str(store_copy), "--quiet"],
        cwd=REPO_ROOT, env=cli_env(broken), capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode != 0, (proc.stdout, proc.stderr[-2000:])
    assert file_digest(store_copy) == before, "a failed build changed the store"
    again = serving.run()
    assert not again.exception and again.get("bidi_component")


# --- issue 16: damaged copies of a real store, a store that breaks while serving, a rebuild while serving ---------
@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_damaged_store_gives_dutch_notice(tmp_path: Path, built_store: Path, point_store: Callable[[Path], None],
                                         caplog: pytest.LogCaptureFixture, kind: str) -> None:
    store = corrupt_store(built_store, tmp_path / "brede_welvaart.duckdb", kind)
    point_store(store)
    at = run_app()
    assert_rebuild_page(at, store, caplog)
    assert "beschadigd" in " ".join(e.value for e in at.error)


def test_store_failing_on_use_gives_notice(serving: AppTest, monkeypatch: pytest.MonkeyPatch,
                                           caplog: pytest.LogCaptureFixture) -> None:
    """A DuckDB error after a good open (e.g. a damaged index block) still ends in the notice, with navigation."""
    import streamlit as st

    from data_loaders.store import Store

    def broken(self: Store) -> duckdb.DuckDBPyConnection:
        raise duckdb.IOException("IO Error: kunstmatige leesfout")

    monkeypatch.setattr(Store, "_cursor", broken)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = serving.run()
    assert not at.exception, [e.message for e in at.exception]
    assert NOTICE in page_text(at) and "kunstmatige" not in page_text(at)
    assert "kunstmatige leesfout" in " ".join(r.getMessage() for r in caplog.records)


def footer_text(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption if "Datastore gebouwd op" in c.value)


def test_rebuilt_store_is_used_on_the_next_run(serving: AppTest, store_copy: Path, bundle_dir: Path) -> None:
    """No restart: the next run of an open session and a new visitor both see the new file."""
    before = footer_text(serving)
    assert before
    proc = subprocess.run(
        [sys.executable, "-m", "data_loaders", "build", "--bundle", str(bundle_dir), "--store", str(store_copy),
         "--quiet"],
        cwd=REPO_ROOT, env=cli_env(bundle_dir), capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    con = duckdb.connect(str(store_copy), read_only=True, config=DUCKDB_OFFLINE)
    built_at = con.execute("SELECT value FROM build_info WHERE key = 'built_at'").fetchone()[0]
    con.close()
    assert built_at not in before
    again = serving.run()
    assert not again.exception and again.get("bidi_component")
    assert built_at in footer_text(again)
    fresh = run_app()
    assert built_at in footer_text(fresh)
