"""Smoke variant of ``python -m bench.load``: 3 sessions (2 in the browser, 1 websocket client) for ~15 s."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import chromium_available

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> None:
    if not chromium_available():
        pytest.skip("/usr/bin/chromium ontbreekt: installeer Debian-chromium voor de browsertests")


def test_three_sessions_for_fifteen_seconds(chromium: None, built_store: Path, tmp_path: Path) -> None:
    from bench.load import LoadConfig, run_load

    out = tmp_path / "load_results.json"
    result = run_load(LoadConfig(sessions=3, browsers=2, duration_s=15, store=built_store, page_timeout_s=60,
                                 ramp_s=1.0, out=out, quiet=True, warmup=False))
    assert out.is_file()
    assert result["healthy_after"], result["server_log_tail"]
    assert result["errors"] == 0, result["error_examples"]
    assert result["loads_ok"] >= 3, result  # every session showed at least one page
    assert {ld["session"] for ld in result["loads_detail"]} == {0, 1, 2}
    assert set(result["per_client"]) == {"browser", "websocket"}
    assert result["content_p50_s"] is not None and result["content_p95_s"] >= result["content_p50_s"]
    assert result["rss_peak_mb"] > result["rss_idle_mb"] > 0
    assert result["wall_s"] < 15 + 1 + 60 + 30, "the run did not stop by itself in time"
