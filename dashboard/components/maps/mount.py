"""Streamlit (lazy import): mount a map's SVG as a custom component, or the MapLibre baseline."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dashboard.components.maps.maplibre import renderer, to_maplibre
from dashboard.components.maps.script import COMPONENT_CSS, COMPONENT_JS, COMPONENT_NAME
from dashboard.components.maps.spec import MapSpec


@lru_cache(maxsize=1)
def _component() -> Any:
    import streamlit as st

    return st.components.v2.component(COMPONENT_NAME, js=COMPONENT_JS, css=COMPONENT_CSS, isolate_styles=False)


def mount_svg(svg: str, key: str, on_painted: Any = None) -> None:
    """Mount an SVG string in the page (Streamlit custom component v2, in the main document, no iframe); with
    ``on_painted`` the browser reports back (a rerun calling it) once the map is painted."""
    callbacks = {"on_painted_change": on_painted} if on_painted is not None else {}
    _component()(data={"svg": svg, "notify": on_painted is not None}, key=key, **callbacks)


def show(spec: MapSpec, payload: str | Any, *, key: str, height: int = 640, on_painted: Any = None) -> None:
    """Show a map: ``payload`` (from :func:`payload`, or a zero-argument callable making it) in the page, or with
    ``BW_MAP_RENDERER=maplibre`` the plotly MapLibre baseline of the same spec. ``on_painted``: see
    :func:`mount_svg` (the baseline never calls it)."""
    if renderer() == "maplibre":
        import streamlit as st

        st.plotly_chart(to_maplibre(spec, height=height), width="stretch", config={"displayModeBar": False},
                        key=key)
    else:
        mount_svg(payload() if callable(payload) else payload, key=key, on_painted=on_painted)
