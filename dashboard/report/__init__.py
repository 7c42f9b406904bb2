"""The printable region profile: two A4 pages per region, Typst → tagged PDF/UA-1, the numbers of the region page.

``python -m dashboard.report REGIO [--afbakening corop|beleid] [--out PAD]`` writes one; the region page offers the
same file as "Download regioprofiel (PDF)". Content: :mod:`.content` (store → strings, through the page's own
functions), :mod:`.sentences` (templated sentences), :mod:`.build` (Typst, fit to two pages). The names below are
imported on first use, so ``python -m dashboard.report --help`` does not load the store code.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {"LayoutError": "build", "build_pdf": "build", "file_name": "build", "render_pdf": "build",
            "ReportError": "content", "permalink": "content", "report_regions": "content", "resolve": "content"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"dashboard.report.{_EXPORTS[name]}"), name)
    raise AttributeError(name)
