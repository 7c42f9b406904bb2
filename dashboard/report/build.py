"""Compile the region profile with Typst: a tagged PDF/UA-1, fonts embedded, exactly two A4 pages.

The data go to the template as one JSON string (``sys.inputs``), so names and claim texts with quotes, ``#``,
``*``, ``_``, ``@``, ``<`` or ``$`` are set as text and never read as Typst markup. The variable parts (claims,
sentences) are written with less detail until the profile fits on two pages.

:func:`build_pdf` (the page's download button and the CLI) is cached: one PDF per (region, delineation, store
version, public URL), built once however many visitors ask at the same moment (the others wait for that build),
at most :data:`CACHE_ENTRIES` PDFs / :data:`CACHE_BYTES` bytes in memory (least recently used goes first). A store
swap changes the version (``dashboard.data.store_version``), so the next request builds from the new store; a PDF
whose build straddled a swap is returned but not cached. :func:`render_pdf` always builds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from dashboard import data
from dashboard.report.content import PUBLIC_URL_ENV, Detail, built_at, collect, resolve, with_detail

TEMPLATE = Path(__file__).with_name("regioprofiel.typ")
PAGES = 2
PDF_STANDARDS = ["ua-1"]
# Tried in order, each page on its own; the first that fits one page is used (then the next font size).
PAGE_ONE = tuple(Detail(part=1, map_mm=m, figure_sentences=n)
                 for m, n in ((94, 4), (94, 3), (94, 2), (88, 2), (80, 2), (80, 1), (74, 1)))
PAGE_TWO = tuple(Detail(part=2, lines_per_claim=k, untested_full=full) for k, full in ((2, True), (2, False),
                                                                                        (1, False)))
SIZES_PT = (9.5, 9.0, 8.5)
_PAGE_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)")
CACHE_ENTRIES = 64
CACHE_BYTES = 32 * 1024 * 1024
_CACHE: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
_BUILDING: dict[tuple[str, ...], threading.Lock] = {}  # one lock per key being built: latecomers wait on it
_CACHE_LOCK = threading.Lock()


class LayoutError(RuntimeError):
    """The profile does not fit on two pages even with the least detail."""


@lru_cache(maxsize=1)
def template() -> bytes:
    """The Typst source (read once)."""
    return TEMPLATE.read_bytes()


def page_count(pdf: bytes) -> int:
    """Pages of a Typst PDF (the page tree root's ``/Count``)."""
    match = _PAGE_COUNT.search(pdf)
    if match is None:
        raise ValueError("geen paginaboom in de PDF")
    return int(match.group(1))


def compile_pdf(content: dict, svg: str, timestamp: dt.datetime | None = None, final: bool = True) -> bytes:
    """One Typst run: the template with ``content`` (JSON) and the map ``svg``, embedded fonts only; PDF/UA-1 and
    tagged when ``final`` (a trial run of one page only measures the layout, which tags do not change)."""
    import typst

    return typst.compile(
        template(), sys_inputs={"data": json.dumps(content, ensure_ascii=False), "map": svg},
        pdf_standards=PDF_STANDARDS if final else [], pdf_tags=final, ignore_system_fonts=True, timestamp=timestamp,
    )


def _first_fit(content: dict, svg: str, options: tuple[Detail, ...], size: float) -> Detail | None:
    for option in options:
        detail = replace(option, size_pt=size)
        if page_count(compile_pdf(with_detail(content, detail), svg, final=False)) == 1:
            return detail
    return None


def fit(content: dict, svg: str) -> Detail:
    """The most detailed layout whose page 1 and page 2 each fit on one page (largest font first)."""
    for size in SIZES_PT:
        one = _first_fit(content, svg, PAGE_ONE, size)
        two = _first_fit(content, svg, PAGE_TWO, size) if one else None
        if one and two:
            return Detail(part=0, map_mm=one.map_mm, figure_sentences=one.figure_sentences,
                          lines_per_claim=two.lines_per_claim, untested_full=two.untested_full, size_pt=size)
    raise LayoutError("Het regioprofiel past niet op twee pagina's, ook niet met de kleinste letter.")


def render_pdf(region_id: str, delineation: str | None = None) -> bytes:
    """The region profile as PDF bytes, always built (``delineation`` None = the region's default)."""
    _, delineation = resolve(region_id, delineation)
    content, svg = collect(region_id, delineation)
    when = built_at()
    stamp = when.astimezone() if when else None  # reproducible: the store's build time, not the clock
    pdf = compile_pdf(with_detail(content, fit(content, svg)), svg, stamp)
    if page_count(pdf) != PAGES:
        raise LayoutError(f"Het regioprofiel van {region_id} ({delineation}) heeft geen {PAGES} pagina's.")
    return pdf


def _cached(key: tuple[str, ...]) -> bytes | None:
    with _CACHE_LOCK:
        pdf = _CACHE.get(key)
        if pdf is not None:
            _CACHE.move_to_end(key)
        return pdf


def _remember(key: tuple[str, ...], pdf: bytes) -> None:
    with _CACHE_LOCK:
        _CACHE[key] = pdf
        _CACHE.move_to_end(key)
        while len(_CACHE) > CACHE_ENTRIES or (len(_CACHE) > 1 and sum(map(len, _CACHE.values())) > CACHE_BYTES):
            _CACHE.popitem(last=False)


def clear_cache() -> None:
    """Forget every cached PDF (tests, benchmarks)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def cached_pdf(key: tuple[str, ...], render: Callable[[], bytes]) -> bytes:
    """``render()`` once per ``key`` + store version + public URL, however many ask at once (the others wait for
    that build); a PDF whose build straddled a store swap is returned but not cached."""
    version = data.store_version()
    key = (*key, version, os.environ.get(PUBLIC_URL_ENV, ""))
    pdf = _cached(key)
    if pdf is not None:
        return pdf
    with _CACHE_LOCK:
        building = _BUILDING.setdefault(key, threading.Lock())
    with building:
        pdf = _cached(key)  # built while this request waited
        if pdf is not None:
            return pdf
        try:
            pdf = render()
            if data.store_version() == version:  # not a mix of two stores
                _remember(key, pdf)
        finally:
            with _CACHE_LOCK:
                if _BUILDING.get(key) is building:
                    del _BUILDING[key]
    return pdf


def build_pdf(region_id: str, delineation: str | None = None) -> bytes:
    """The region profile as PDF bytes, from the cache when this store version already has it (see the module)."""
    _, delineation = resolve(region_id, delineation)
    return cached_pdf(("regio", region_id, delineation), lambda: render_pdf(region_id, delineation))


def build_area_pdf(code: str) -> bytes:
    """The profile of a CBS area (``GM0928``, ``CR39``, ``PV31``, ``NL01``), cached like :func:`build_pdf`."""
    from dashboard.report.area import render_area_pdf, resolve_area

    key = resolve_area(code).key
    return cached_pdf(("gebied", key), lambda: render_area_pdf(key))


def build_own_pdf(codes: tuple[str, ...]) -> bytes:
    """The profile of an own region (a set of gemeenten), cached like :func:`build_pdf`."""
    from dashboard.report.area import render_own_pdf

    codes = tuple(sorted(set(codes)))
    return cached_pdf(("eigen", ",".join(codes)), lambda: render_own_pdf(codes))


def file_name(region_id: str, delineation: str | None = None) -> str:
    """'regioprofiel_twente.pdf'; a non-default delineation is added ('regioprofiel_veenkolonien_corop.pdf')."""
    region, delineation = resolve(region_id, delineation)
    suffix = "" if delineation == region.default_delineation else f"_{delineation}"
    return f"regioprofiel_{region_id}{suffix}.pdf"
