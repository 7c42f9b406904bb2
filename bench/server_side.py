"""Server-side timings and figure sizes under ``streamlit.testing.v1.AppTest`` (run in its own process).

``python -m bench.server_side --store PATH --out FILE.json [--runs N] [--profile-over MS]``

* page timings: one warm-up, then ``runs`` reruns of the same AppTest (caches warm); the naive baseline clears
  ``st.cache_data`` and ``st.cache_resource`` at the start of every run. Reported: the script's own render time
  (``page_server_ms``) and the wall time of ``AppTest.run()`` (``page_apptest_ms``).
* map payload sizes: the JSON data of the map component (SVG + table, what the page sends) of the national map per
  level (``GM_claims``: gemeenten with the claims layer) and of every region map; the baseline builds them from the
  bundle's unsimplified 6-decimal GeoJSON.
* when the region page is slower than ``--profile-over`` ms, the top 15 cumulative cProfile entries of one warm run.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import RAW_GEO, REGION_PAGE, SERVER_PAGES, median

TIMEOUT_S = 180


def _page_script(target: str, naive: bool, timing_path: str, profile_path: str) -> None:
    """AppTest script: render one page, append the render time (s) to ``timing_path``."""
    import cProfile
    import importlib
    import time

    import streamlit as st

    if naive:
        st.cache_data.clear()
        st.cache_resource.clear()
    profiler = cProfile.Profile() if profile_path else None
    start = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    if target.startswith("regio:"):
        from dashboard.views import regio

        regio.render(target.split(":", 1)[1])
    else:
        importlib.import_module(f"dashboard.views.{target.split('?', 1)[0]}").render()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile_path)
    elapsed = time.perf_counter() - start
    with open(timing_path, "a", encoding="utf-8") as fh:
        fh.write(f"{elapsed}\n")


def _figure_script(out_path: str, raw_dir: str, naive: bool, raw_files: dict) -> None:
    """AppTest script: payload size (bytes) of the national map per level and of every region map."""
    import json

    import streamlit as st

    from dashboard import data, profile
    from dashboard.views import nederland, regio

    original = data.shape
    if naive:  # no caching at all (figures may be cached themselves), and the raw boundaries
        st.cache_data.clear()
        st.cache_resource.clear()
        def raw_shape(key: str) -> dict:
            if key in raw_files:
                with open(f"{raw_dir}/{raw_files[key]}", encoding="utf-8") as fh:
                    return json.load(fh)
            return original(key)

        data.shape = raw_shape
    sizes: dict[str, int] = {}
    try:
        indicator = nederland.DEFAULT_INDICATOR
        for level in ("GM", "CR", "PV"):
            period = data.periods(indicator, level)[-1]
            sizes[level] = len(json.dumps(nederland.national_svg(indicator, level, period, True, False)).encode())
        period = data.periods(indicator, "GM")[-1]
        sizes["GM_claims"] = len(json.dumps(nederland.national_svg(indicator, "GM", period, True, True)).encode())
        for region_id, region in data.region_defs().items():
            if region_id == "nederland":
                continue
            svg = profile.region_svg(region_id, region.default_delineation, regio.DEFAULT_MAP_INDICATOR, True)
            sizes[region_id] = len(json.dumps(svg).encode())
    finally:
        data.shape = original
        if naive:  # nothing built from the raw boundaries may outlive this run
            st.cache_data.clear()
            st.cache_resource.clear()
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(sizes, fh)


def _exception_text(at: Any) -> str | None:
    exc = at.exception
    return "; ".join(str(e.value)[:300] for e in exc) if exc else None


def time_page(target: str, naive: bool, runs: int, workdir: Path) -> dict[str, Any]:
    """Median render and AppTest wall time (ms) of ``runs`` runs; after one warm-up unless ``naive`` (its caches
    are emptied at every run anyway, and the page modules are already imported)."""
    from streamlit.testing.v1 import AppTest

    timing = workdir / f"timing_{target.replace(':', '_').partition('?')[0]}_{abs(hash(target))}_{int(naive)}.txt"
    timing.unlink(missing_ok=True)
    at = AppTest.from_function(_page_script, args=(target, naive, str(timing), ""), default_timeout=TIMEOUT_S)
    for pair in target.partition("?")[2].split("&"):  # "gebied?code=GM0928": the page's query parameters
        if pair:
            key, _, value = pair.partition("=")
            at.query_params[key] = value
    walls = []
    for _ in range(runs + (0 if naive else 1)):
        start = time.perf_counter()
        at.run()
        walls.append(time.perf_counter() - start)
        if (error := _exception_text(at)) is not None:
            raise RuntimeError(f"{target}: exception in de pagina: {error}")
    skip = 0 if naive else 1
    walls = walls[skip:]
    renders = [float(x) for x in timing.read_text().split()][skip:]
    return {"render_ms": median(renders) * 1000, "apptest_ms": median(walls) * 1000,
            "runs_ms": [round(r * 1000, 1) for r in renders]}


def profile_region(workdir: Path, top: int = 15) -> list[str]:
    """cProfile of one warm run of the region page: the ``top`` entries by cumulative time."""
    import io
    import pstats

    from streamlit.testing.v1 import AppTest

    timing = workdir / "timing_profile.txt"
    stats_path = workdir / "region.prof"
    target = f"regio:{REGION_PAGE}"
    at = AppTest.from_function(_page_script, args=(target, False, str(timing), ""), default_timeout=TIMEOUT_S)
    at.run()  # warm the caches
    at = AppTest.from_function(_page_script, args=(target, False, str(timing), str(stats_path)),
                               default_timeout=TIMEOUT_S)
    at.run()
    buf = io.StringIO()
    stats = pstats.Stats(str(stats_path), stream=buf)
    stats.sort_stats("cumulative").print_stats(top)
    lines = buf.getvalue().splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip().startswith("ncalls")), 0)
    summary = [ln for ln in lines[:start] if "function calls" in ln]
    return [ln.strip() for ln in summary] + [ln.rstrip() for ln in lines[start:] if ln.strip()]


def figure_sizes(naive: bool, workdir: Path) -> dict[str, float]:
    """Figure JSON sizes in KB (1 KB = 1024 bytes)."""
    from streamlit.testing.v1 import AppTest

    from data_loaders.config import data_dir

    out = workdir / f"figures_{int(naive)}.json"
    at = AppTest.from_function(_figure_script, args=(str(out), str(data_dir() / "geo"), naive, RAW_GEO),
                               default_timeout=TIMEOUT_S)
    at.run()
    if (error := _exception_text(at)) is not None:
        raise RuntimeError(f"figuren: {error}")
    return {k: round(v / 1024, 1) for k, v in json.loads(out.read_text()).items()}


def main(argv: list[str] | None = None) -> None:
    """Measure and write the JSON result file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--profile-over", type=float, default=250.0)
    args = parser.parse_args(argv)
    os.environ["BW_STORE"] = args.store

    result: dict[str, Any] = {"current": {}, "baseline": {}}
    with tempfile.TemporaryDirectory(prefix="bw_bench_") as tmp:
        workdir = Path(tmp)
        for variant, naive, runs in (("current", False, args.runs), ("baseline", True, args.baseline_runs)):
            out = result[variant]
            out["figure_kb"] = figure_sizes(naive, workdir)
            out["page_server_ms"], out["page_apptest_ms"], out["page_runs_ms"] = {}, {}, {}
            for name, target in SERVER_PAGES.items():
                timing = time_page(target, naive, runs, workdir)
                out["page_server_ms"][name] = round(timing["render_ms"], 1)
                out["page_apptest_ms"][name] = round(timing["apptest_ms"], 1)
                out["page_runs_ms"][name] = timing["runs_ms"]
        region_ms = result["current"]["page_server_ms"][REGION_PAGE]
        if region_ms > args.profile_over:
            result["profile_region_top15"] = profile_region(workdir)
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
