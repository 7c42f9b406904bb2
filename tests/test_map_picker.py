"""Issue 22.3/22.4 (AppTest): on the region and area pages "Indicator op de kaart" sits next to the map, not in the
sidebar, inside a fragment; changing it updates the map and ``?indicator=``. "Presentatiemodus" and the PDF button
sit under the page title, not at the bottom of the sidebar."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.views import gebied, regio

TIMEOUT = 90
LABEL = "Indicator op de kaart"


def _region(region_id: str) -> None:
    from dashboard.views.regio import render

    render(region_id)


def _area() -> None:
    from dashboard.views.gebied import render

    render()


def _maps(at: AppTest) -> list[str]:
    return [json.loads(e.proto.json)["svg"] for e in at.get("bidi_component") if e.proto.component_name == "bw_svg_map"]


def _picker(at: AppTest):  # noqa: ANN202 - Streamlit's testing element type
    (picker,) = [s for s in at.selectbox if s.label == LABEL]
    return picker


def _indicator_name(indicator_id: str) -> str:
    from dashboard import data

    return str(data.indicators().loc[indicator_id, "name_nl"])


def test_region_picker_is_next_to_the_map_and_updates_map_and_link(store_env: Path) -> None:
    at = AppTest.from_function(_region, args=("zuid-limburg",), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [s for s in at.sidebar.selectbox if s.label == LABEL] == []
    assert [t for t in at.sidebar.toggle if t.label == "Claims op de kaart"] == []
    assert _picker(at).value == regio.DEFAULT_MAP_INDICATOR
    (before,) = _maps(at)
    assert _indicator_name(regio.DEFAULT_MAP_INDICATOR) in before
    _picker(at).select("werkloosheid").run()
    assert not at.exception
    (after,) = _maps(at)
    assert after != before and _indicator_name("werkloosheid") in after
    assert at.query_params["indicator"] == "werkloosheid"
    assert any(_indicator_name("werkloosheid") in c.value and "per gemeente" in c.value for c in at.caption)


def test_region_deep_link_indicator_and_claims_toggle(store_env: Path) -> None:
    at = AppTest.from_function(_region, args=("twente",), default_timeout=TIMEOUT)
    at.query_params["indicator"] = "werkloosheid"
    at.run()
    assert not at.exception and _picker(at).value == "werkloosheid"
    (with_claims,) = _maps(at)
    (toggle,) = [t for t in at.toggle if t.label == "Claims op de kaart"]
    toggle.set_value(False).run()
    (without,) = _maps(at)
    assert without != with_claims and at.query_params["indicator"] == "werkloosheid"


def test_region_actions_are_under_the_title_not_in_the_sidebar(store_env: Path) -> None:
    at = AppTest.from_function(_region, args=("zuid-limburg",), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [b for b in at.sidebar.button if b.label == "Presentatiemodus"] == []
    assert [b for b in at.sidebar.get("download_button") if b.proto.label == "Download regioprofiel (PDF)"] == []
    assert [b for b in at.button if b.label == "Presentatiemodus"]
    assert [b for b in at.get("download_button") if b.proto.label == "Download regioprofiel (PDF)"]


def test_area_picker_is_next_to_the_map_and_updates_map_and_link(store_env: Path) -> None:
    at = AppTest.from_function(_area, default_timeout=TIMEOUT)
    at.query_params["code"] = "GM0917"
    at.run()
    assert not at.exception
    assert [s for s in at.sidebar.selectbox if s.label == LABEL] == []
    (before,) = _maps(at)
    _picker(at).select("werkloosheid").run()
    assert not at.exception
    (after,) = _maps(at)
    assert after != before and _indicator_name("werkloosheid") in after
    assert at.query_params["indicator"] == "werkloosheid" and at.query_params["code"] == "GM0917"
    _picker(at).select(gebied.profile.DEFAULT_MAP_INDICATOR).run()
    assert "indicator" not in at.query_params  # the default stays out of the link, as before
