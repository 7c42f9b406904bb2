"""Bare Streamlit app, the baseline of ``interaction_ratio`` (``streamlit run bench/bare_app.py``).

It swaps the same map SVGs the dashboard sends, from the same cached functions, and does nothing else: no
layout, no key figures, no claims. ``?kaart=nl|regio&indicator=…`` shows the national or Twente map; the default
is the presentation map of one of the ten regions, with a ``volgende regio ▶`` button.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import data, profile  # noqa: E402
from dashboard.views.nederland import DEFAULT_INDICATOR, national_svg  # noqa: E402
from tests.e2e.harness import TEN_REGIONS  # noqa: E402


def _delineation(region_id: str) -> str:
    """The region's first (default) delineation, as the region page and presentation use."""
    return next(iter(data.region_defs()[region_id].delineations))


mode = st.query_params.get("kaart", "presentatie")
indicator = st.query_params.get("indicator")
if mode == "nl":
    indicator = indicator or DEFAULT_INDICATOR
    svg = national_svg(indicator, "GM", max(data.periods(indicator, "GM")), True, False)
elif mode == "regio":
    svg = profile.region_svg("twente", _delineation("twente"), indicator or profile.DEFAULT_MAP_INDICATOR, True)
else:
    if st.button("volgende regio ▶", key="next"):
        st.session_state["i"] = st.session_state.get("i", 0) + 1
    region = TEN_REGIONS[st.session_state.get("i", 0) % len(TEN_REGIONS)]
    svg = profile.region_svg(region, _delineation(region), profile.DEFAULT_MAP_INDICATOR, True, presentation=True)
st.markdown(svg, unsafe_allow_html=True)
