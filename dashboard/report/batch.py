"""Every profile PDF in one process: ``python -m dashboard.report --alle MAP``.

The regions (default delineation) and every CBS area (342 gemeenten, 40 COROP areas, 12 provinces, Nederland),
built one after the other with the single profile's Typst path (:func:`.build.render_pdf`,
:func:`.area.render_area_pdf`), each PDF written to disk (atomically) and dropped before the next: memory stays
bounded by the read model's own bounded caches, not by the number of PDFs. One area's failure is reported and
skipped; the summary counts it.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

LEVELS = ("regio", "GM", "CR", "PV", "NL")  # --niveau values
LEVEL_NL = {"regio": "regio", "GM": "gemeente", "CR": "COROP-gebied", "PV": "provincie", "NL": "land"}
BAR_WIDTH = 24
FORGET_EVERY = 25  # PDFs after which the read model's per-area caches are emptied (memory stays flat)
# Per-area caches of the read model (bounded, but at hundreds of entries each): emptied every FORGET_EVERY PDFs.
# Looked up by name, so a cache that is renamed or removed is simply skipped; the shared tables stay cached.
AREA_CACHES = {"dashboard.profile": ("members", "values", "comparisons", "_headline_frame", "theme_overview",
                                     "profile_frame", "facilities_frame", "trend_series", "peers", "regions_of",
                                     "claims", "load", "_area_outline", "region_map", "region_svg"),
               "dashboard.data": ("area_values", "comparisons", "similar_areas", "theme_overview", "peers")}


class BatchError(RuntimeError):
    """The output folder cannot be used (message in Dutch)."""


@dataclass(frozen=True)
class Job:
    """One PDF to write: a region id or a CBS code, its name and file name."""

    level: str
    key: str
    name: str
    file: str


@dataclass
class Result:
    """What a batch run did."""

    written: int = 0
    failed: list[tuple[Job, str]] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


def jobs(levels: tuple[str, ...] = LEVELS, limit: int | None = None) -> list[Job]:
    """The PDFs of ``levels`` (regions first, then gemeenten, COROP areas, provinces, NL), at most ``limit`` per level."""
    from dashboard import data
    from dashboard.report.area import area_codes, area_file_name
    from dashboard.report.build import file_name

    out: list[Job] = []
    if "regio" in levels:
        defs = data.region_defs()
        rids = [rid for rid in defs if rid != "nederland"][:limit]
        out.extend(Job("regio", rid, defs[rid].name, file_name(rid)) for rid in rids)
    names = data.regions_table().set_index("region_code")["name"]
    for level in ("GM", "CR", "PV", "NL"):
        if level in levels:
            out.extend(Job(level, c, str(names.get(c, c)), area_file_name(c)) for c in area_codes((level,))[:limit])
    return out


def check_folder(folder: Path) -> None:
    """Create ``folder`` if needed and make sure a file can be written in it; :class:`BatchError` otherwise."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".schrijftest-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise BatchError(f"kan niet schrijven in de map {folder} ({reason}).") from err


def render(job: Job) -> bytes:
    """The PDF of one job (always built: the batch does not fill the page's in-memory cache)."""
    if job.level == "regio":
        from dashboard.report.build import render_pdf

        return render_pdf(job.key)
    from dashboard.report.area import render_area_pdf

    return render_area_pdf(job.key)


def seconds_nl(value: float) -> str:
    """'0,9 s'; from a minute on '3 min 12 s'."""
    if value >= 60:
        return f"{int(value // 60)} min {int(value % 60)} s"
    return f"{value:.1f}".replace(".", ",") + " s"


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux: ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def forget_area_caches() -> int:
    """Empty the per-area caches of :data:`AREA_CACHES`; the number emptied."""
    import importlib

    emptied = 0
    for module, names in AREA_CACHES.items():
        loaded = sys.modules.get(module) or importlib.import_module(module)
        for name in names:
            clear = getattr(getattr(loaded, name, None), "clear", None)
            if callable(clear):
                clear()
                emptied += 1
    return emptied


def _error_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    first = text[0] if text else type(err).__name__
    return first[:200]


def _write(folder: Path, job: Job, build: Callable[[Job], bytes]) -> None:
    """Build one PDF and write it atomically (``.deel`` first); the bytes are dropped when this returns."""
    target = folder / job.file
    part = target.with_name(target.name + ".deel")
    part.write_bytes(build(job))
    os.replace(part, target)


def run(folder: Path, todo: list[Job], stream: TextIO = sys.stderr,
        build: Callable[[Job], bytes] = render) -> Result:
    """Write every job's PDF into ``folder`` with a progress line per PDF on ``stream``; failures are skipped."""
    check_folder(folder)
    result = Result()
    tty = stream.isatty()
    began = time.perf_counter()
    total = len(todo)
    for i, job in enumerate(todo, start=1):
        start = time.perf_counter()
        try:
            _write(folder, job, build)
            result.written += 1
            status = seconds_nl(time.perf_counter() - start)
        except Exception as err:  # noqa: BLE001 - one area's failure (layout, Typst, disk) must not stop the batch
            result.failed.append((job, _error_line(err)))
            status = f"mislukt: {_error_line(err)}"
        name = job.name if job.level == "GM" else f"{job.name} ({LEVEL_NL[job.level]})"
        line = f"PDF {i}/{total} · {name} · {status}"
        if tty:
            done = round(BAR_WIDTH * i / total)
            stream.write(f"\r[{'█' * done}{'░' * (BAR_WIDTH - done)}] {line}"[:160].ljust(120))
            if i == total or status.startswith("mislukt"):
                stream.write("\n")
        else:
            stream.write(line + "\n")
        stream.flush()
        if i % FORGET_EVERY == 0:
            forget_area_caches()
    result.seconds = time.perf_counter() - began
    result.peak_rss_mb = peak_rss_mb()
    return result


def summary(result: Result, folder: Path) -> str:
    """'klaar: 408 PDF's in MAP in 3 min 12 s (0,47 s per PDF, piekgeheugen 412 MB); 0 mislukt'."""
    done = result.written + len(result.failed)
    per = seconds_nl(result.seconds / done) if done else "–"
    return (f"klaar: {result.written} PDF's in {folder} in {seconds_nl(result.seconds)} ({per} per PDF, piekgeheugen "
            f"{result.peak_rss_mb:.0f} MB); {len(result.failed)} mislukt")
