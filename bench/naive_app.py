"""Naive variant of the dashboard, the benchmark's baseline server (``streamlit run bench/naive_app.py``).

Identical pages, but without what makes the real app fast: every script run starts by clearing
``st.cache_data`` and ``st.cache_resource`` (so every run queries the store and rebuilds everything), and the
GM/CR/PV boundaries are read from the bundle's unsimplified 6-decimal GeoJSON instead of the store's
simplified, rounded shapes.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from bench.common import RAW_GEO  # noqa: E402
from dashboard import data  # noqa: E402
from data_loaders.config import data_dir  # noqa: E402

st.cache_data.clear()
st.cache_resource.clear()

if not getattr(data, "_bench_naive", False):
    _store_shape = data.shape

    def _raw_shape(key: str) -> dict[str, Any]:
        """GM/CR/PV from the raw bundle file on every call; outlines still from the store."""
        if key in RAW_GEO:
            with open(data_dir() / "geo" / RAW_GEO[key], encoding="utf-8") as fh:
                return json.load(fh)
        return _store_shape(key)

    data.shape = _raw_shape
    data._bench_naive = True  # type: ignore[attr-defined]

runpy.run_path(str(ROOT / "dashboard" / "app.py"), run_name="__main__")
