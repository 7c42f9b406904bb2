"""The map of a region or area page with its pickers directly above it ("Indicator op de kaart", optionally
"Claims op de kaart"), meant to be called inside an ``st.fragment``: a change reruns only the map and what depends
on it, the layout above stays put and the map stays in view. While the map is rebuilt (longer than Streamlit's
spinner delay of 0.5 s) a Dutch status text stands next to the pickers, in the same row, so nothing shifts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import common
from dashboard.components import maps
from dashboard.params import set_params

STATUS_TEXT = "Kaart wordt bijgewerkt…"


def map_with_picker(options: list[str], initial: str, build: Callable[[str, bool], tuple[maps.MapSpec, Callable[[], str]]], *,
                    key: str, map_key: str, claims_key: str | None = None, default: str | None = None, height: int = 560,
                    on_painted: Any = None) -> tuple[str, bool]:
    """The picker above the map (the claims toggle and status text under it), then the map; returns the indicator and
    whether claims are shown.

    ``initial`` is the deep link's indicator (``?indicator=``, already checked), ``build(indicator, claims)`` gives the
    map's spec and a callable making its SVG. The indicator is written back into the URL (left out when it equals
    ``default``), also on a rerun of the fragment alone.
    """
    # the picker over the map's whole width (its long labels read whole), under it the toggle and the status text
    indicator = st.selectbox("Indicator op de kaart", options, index=options.index(initial),
                             format_func=common.indicator_label, key=key, placeholder="Kies een indicator")
    cols = st.columns([1, 1] if claims_key else [1], vertical_alignment="center")
    show_claims = False
    if claims_key:
        with cols[0]:
            show_claims = st.toggle("Claims op de kaart", value=True, key=claims_key)
    set_params(indicator=None if indicator == default else indicator)
    with cols[-1], st.spinner(STATUS_TEXT):
        spec, make_svg = build(indicator, show_claims)
        svg = make_svg() if maps.renderer() == "svg" else ""
    maps.show(spec, svg, key=map_key, height=height, on_painted=on_painted)
    return indicator, show_claims
