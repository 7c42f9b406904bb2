"""Build time and size of the region profile PDF (``dashboard.report``), in its own process (clean caches).

``python -m bench.report --store PATH [--out FILE.json] [--runs N]``

Per region (all 13, default delineation): ``cold_s`` = its first build in this process (the store and the shared
caches are warm after the first region, its own comparisons, map and claims are not), ``warm_s`` = median of
``runs`` further builds (what a second click on the button costs: data caches warm, Typst run and layout fitting
every time: ``render_pdf``, which bypasses the PDF cache of ``build_pdf``). ``first_build_s`` is the very first build,
including opening the store. ``cached_s`` = the slowest ``build_pdf`` of a region whose PDF is already cached.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any


def measure(runs: int = 5) -> dict[str, Any]:
    """Time every region's profile; sizes in KB (1024 B)."""
    import logging

    logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(
        lambda record: "No runtime found" not in record.getMessage())
    from dashboard.report import build_pdf, render_pdf, report_regions
    from dashboard.report.build import page_count

    cold: dict[str, float] = {}
    warm: dict[str, float] = {}
    size: dict[str, float] = {}
    pages: dict[str, int] = {}
    cached = 0.0
    for region_id in report_regions():
        began = time.perf_counter()
        pdf = build_pdf(region_id)
        cold[region_id] = round(time.perf_counter() - began, 3)
        began = time.perf_counter()
        build_pdf(region_id)
        cached = max(cached, time.perf_counter() - began)
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            render_pdf(region_id)
            times.append(time.perf_counter() - began)
        warm[region_id] = round(statistics.median(times), 3)
        size[region_id] = round(len(pdf) / 1024, 1)
        pages[region_id] = page_count(pdf)
    first = next(iter(cold))
    return {
        "warm_s": warm, "cold_s": cold, "size_kb": size, "pages": pages, "first_build_s": cold[first],
        "warm_max_s": max(warm.values()), "warm_median_s": round(statistics.median(warm.values()), 3),
        "cold_max_s": max(cold.values()), "cached_s": round(cached, 4), "runs": runs,
    }


def main(argv: list[str] | None = None) -> None:
    """Measure and write (or print) the JSON result."""
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument("--store", required=True, help="pad van de store")
    parser.add_argument("--out", type=Path, help="JSON-uitvoer (standaard: alleen op het scherm)")
    parser.add_argument("--runs", type=int, default=5, help="warme builds per regio (mediaan; standaard 5)")
    args = parser.parse_args(argv)
    os.environ["BW_STORE"] = args.store
    result = measure(args.runs)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
