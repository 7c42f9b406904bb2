"""Issue 24 point 2: one script run reads one store version from start to end, also when the file is swapped mid-run.

Two builds that differ in one headline figure (the NL value of tevredenheid met het leven, 2022) and in their build
time: the file is atomically replaced (``os.replace``, as the loader does) in the middle of a run of the home page,
after the headline was drawn and before the footer reads the build time.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import common, data
from data_loaders.config import DUCKDB_OFFLINE, REPO_ROOT

APP = REPO_ROOT / "dashboard" / "app.py"
NEW_BUILT_AT = "2099-01-01T00:00:00"
NEW_VALUE = 12.5  # shown as "12,5 %"


def _built_at(store: Path) -> str:
    con = duckdb.connect(str(store), read_only=True, config=DUCKDB_OFFLINE)
    try:
        return str(con.execute("SELECT value FROM build_info WHERE key = 'built_at'").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def two_builds(built_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """(live store path, a second build beside it with another headline value and build time); BW_STORE -> live."""
    live = tmp_path / "store" / "brede_welvaart.duckdb"
    live.parent.mkdir()
    shutil.copyfile(built_store, live)
    other = tmp_path / "store" / "nieuw.duckdb"
    shutil.copyfile(built_store, other)
    con = duckdb.connect(str(other), config=DUCKDB_OFFLINE)
    con.execute("UPDATE build_info SET value = ? WHERE key = 'built_at'", [NEW_BUILT_AT])
    con.execute("UPDATE observations SET value = ? WHERE indicator_id = 'tevredenheid_leven' AND region_code = 'NL01' "
                "AND period = 2022", [NEW_VALUE])
    con.close()
    monkeypatch.setenv("BW_STORE", str(live))
    yield live, other


def headline(at: AppTest) -> str:
    return str(at.metric[0].value)


def footer(at: AppTest) -> str:
    return " ".join(str(c.value) for c in at.caption if "Datastore gebouwd op" in str(c.value))


def test_swap_mid_run_shows_one_build_everywhere(two_builds: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    live, other = two_builds
    old_built_at = _built_at(live)
    original_footer: Callable[[], None] = common.footer
    swapped: list[bool] = []

    def swap_then_footer() -> None:
        if not swapped:  # between the headline and the footer of the first run
            os.replace(other, live)
            swapped.append(True)
        original_footer()

    monkeypatch.setattr(common, "footer", swap_then_footer)
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    assert not at.exception, [e.message for e in at.exception]
    assert swapped
    assert headline(at).startswith("83,2"), headline(at)  # the old build's figure …
    assert old_built_at in footer(at) and NEW_BUILT_AT not in footer(at), footer(at)  # … and the old build's time

    again = at.run()  # the next run: the new build, everywhere
    assert headline(again).startswith("12,5"), headline(again)
    assert NEW_BUILT_AT in footer(again), footer(again)


def test_swap_waits_for_runs_on_the_old_store(two_builds: tuple[Path, Path]) -> None:
    """A new reader after the swap gets the new store only once the run pinned to the old one has finished."""
    live, other = two_builds
    pinned = threading.Event()
    release = threading.Event()
    seen: dict[str, object] = {}

    def old_run() -> None:
        with data.run_scope():
            seen["old"] = data.get_store().info["built_at"]
            pinned.set()
            release.wait(10)
            seen["old_at_end"] = data.get_store().info["built_at"]
            seen["released_at"] = time.monotonic()

    thread = threading.Thread(target=old_run)
    thread.start()
    assert pinned.wait(30)
    os.replace(other, live)
    threading.Timer(0.5, release.set).start()
    new = data.get_store()  # waits until old_run left its scope, then opens the new file
    got_at = time.monotonic()
    thread.join(10)
    assert seen["old"] == seen["old_at_end"] != NEW_BUILT_AT
    assert new.info["built_at"] == NEW_BUILT_AT
    assert got_at >= float(seen["released_at"])  # type: ignore[arg-type]


def test_download_offered_before_a_swap_says_the_data_changed(two_builds: tuple[Path, Path]) -> None:
    live, other = two_builds
    with data.run_scope():
        token = data.run_token()
    with data.reading(token):  # unchanged: fine
        assert data.get_store().info["built_at"] != NEW_BUILT_AT
    os.replace(other, live)
    with pytest.raises(data.StoreChanged) as err, data.reading(token):
        pass
    assert "bijgewerkt" in str(err.value) and "Herlaad de pagina" in str(err.value)
