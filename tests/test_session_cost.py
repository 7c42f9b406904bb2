"""Issue 23 point 2: less server work per session. A second session on the same store version reuses what the first
built (the map SVG, the gemeenten table, the claims' verdicts); a store swap builds them anew from the new file; no
full garbage collection after every script run."""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import data, safety
from dashboard.components import glance
from dashboard.components.maps import svg as svg_module
from data_loaders.config import DUCKDB_OFFLINE, REPO_ROOT

TIMEOUT = 90
REGION = "noord-en-oost-groningen"
CHANGED_VALUE = 12.3  # the first gemeente's ervaren gezondheid in the second build (shown as 12,3)


def _region(region_id: str) -> None:
    from dashboard.views.regio import render

    render(region_id)


def run_region(region_id: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(_region, args=(region_id,), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def map_svgs(at: AppTest) -> list[str]:
    import json

    return [json.loads(e.proto.json)["svg"] for e in at.get("bidi_component") if e.proto.component_name == "bw_svg_map"]


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Replace ``owner.name`` by a wrapper that counts its calls; returns the one-element counter."""
    calls = [0]
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


@pytest.fixture
def two_builds(built_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path, str]]:
    """(live store, a second build with another value for one gemeente of the region on the presentation map, that
    gemeente's code); BW_STORE → live; every cache starts empty."""
    live = tmp_path / "store" / "brede_welvaart.duckdb"
    live.parent.mkdir()
    shutil.copyfile(built_store, live)
    other = tmp_path / "store" / "nieuw.duckdb"
    shutil.copyfile(built_store, other)
    con = duckdb.connect(str(other), config=DUCKDB_OFFLINE)
    delin = con.execute("SELECT default_delineation FROM region_defs WHERE region_id = ?", [REGION]).fetchone()[0]
    code = con.execute("SELECT min(gemeente_code) FROM region_members WHERE region_id = ? AND delineation = ?",
                       [REGION, delin]).fetchone()[0]
    period = con.execute("SELECT max(period) FROM observations WHERE indicator_id = 'ervaren_gezondheid' AND "
                         "region_level = 'GM' AND value IS NOT NULL").fetchone()[0]
    con.execute("UPDATE observations SET value = ? WHERE indicator_id = 'ervaren_gezondheid' AND region_code = ? "
                "AND period = ?", [CHANGED_VALUE, code, period])
    con.execute("UPDATE build_info SET value = '2099-01-01T00:00:00' WHERE key = 'built_at'")
    con.close()
    monkeypatch.setenv("BW_STORE", str(live))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield live, other, code
    st.cache_resource.clear()
    st.cache_data.clear()


def _value_of(svg: str, code: str) -> str:
    """The value an area's path carries in the SVG (data-v)."""
    match = re.search(rf'<path class="f[^"]*"[^>]*data-k="{code}"[^>]*>', svg)
    assert match, code
    found = re.search(r'data-v="([^"]*)"', match.group(0))
    return found.group(1) if found else ""


def test_presentation_map_is_drawn_once_per_store_version(two_builds: tuple[Path, Path, str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    live, other, code = two_builds
    drawn = counting(monkeypatch, svg_module, "render_svg")
    first = run_region(REGION, {"presentatie": "1"})
    assert not first.exception, first.exception
    (svg1,) = map_svgs(first)
    assert drawn[0] >= 1
    after_first = drawn[0]
    second = run_region(REGION, {"presentatie": "1"})  # another session, same store version
    assert not second.exception, second.exception
    assert map_svgs(second) == [svg1]
    assert drawn[0] == after_first, "the second session drew the same map again"
    os.replace(other, live)  # a new build is swapped in (as the loader does)
    third = run_region(REGION, {"presentatie": "1"})
    assert not third.exception, third.exception
    (svg3,) = map_svgs(third)
    assert drawn[0] > after_first, "after a store swap the map must be drawn from the new file"
    assert svg3 != svg1 and _value_of(svg3, code).startswith("12,3") and not _value_of(svg1, code).startswith("12,3")


def test_second_region_page_session_rebuilds_nothing_the_first_built(two_builds: tuple[Path, Path, str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    first = run_region("twente")
    assert not first.exception, first.exception
    tables = counting(monkeypatch, glance, "text_table")
    csvs = counting(monkeypatch, safety, "neutralise_frame")
    verdict_frames = counting(monkeypatch, data, "region_claim_verdicts")
    drawn = counting(monkeypatch, svg_module, "render_svg")
    second = run_region("twente")  # another session on the same store version
    assert not second.exception, second.exception
    assert drawn[0] == 0, "map SVG drawn again"
    assert tables[0] == 0, "gemeenten table HTML built again"
    assert csvs[0] == 0, "gemeenten CSV built again"
    assert verdict_frames[0] == 0, "claims' verdicts filtered from the stored frame again, per claim"
    assert map_svgs(second) == map_svgs(first)
    assert [m.value for m in second.markdown] == [m.value for m in first.markdown]


def test_no_full_garbage_collection_after_every_run() -> None:
    """Streamlit's post-run ``gc.collect(2)`` walked every cached shape and frame after each run (half of a session's
    server CPU); the server's config turns it off."""
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
