"""Your own region (issue 21): /gebied?gemeenten=… — any set of gemeenten, aggregated by the build's own route."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_loaders.store import Store


def _same_figures(stored: pd.DataFrame, own: pd.DataFrame) -> None:
    key = ["indicator_id", "period"]
    stored = stored[stored["value"].notna()].set_index(key).sort_index()
    own = own[own["value"].notna()].set_index(key).sort_index()
    assert list(own.index) == list(stored.index)
    np.testing.assert_allclose(own["value"].astype(float), stored["value"].astype(float), rtol=1e-12)
    assert (own["method"] == stored["method"]).all()
    assert (own["source_table"] == stored["source_table"]).all()


@pytest.mark.parametrize(("region_id", "delineation"), [("twente", "corop"), ("achterhoek", "beleid"),
                                                          ("parkstad-limburg", "beleid")])
def test_own_region_of_a_regions_members_equals_its_stored_profile(store_env: Path, region_id: str,
                                                                  delineation: str) -> None:
    """Twente (= CR12, official CBS values) and two delineations derived from gemeenten: the same figures."""
    store = Store(store_env)
    members = store.region_members(region_id, delineation)
    own = store.own_region_values(members)
    _same_figures(store.region_values(region_id, delineation), own)
    assert len(own) > 500


def test_own_region_derived_values_use_the_stored_weights(store_env: Path) -> None:
    """Two gemeenten that are no CBS area: derived values, coverage between 0 and 1, population weights."""
    store = Store(store_env)
    own = store.own_region_values(["GM0014", "GM0037"])
    rows = own[own["value"].notna()]
    assert rows["method"].str.startswith("derived:").all()
    assert rows["coverage"].between(0, 1).all()
    pop = store.weights("population")
    assert len(pop) and set(store.weights("area")["region_code"]) >= {"GM0014", "GM0037"}
    # the population-weighted mean of the two gemeenten, by hand, for one indicator
    iid = "werkloosheid"
    obs = store.observations_of(["GM0014", "GM0037"])
    period = int(rows.loc[rows["indicator_id"] == iid, "period"].max())
    vals = obs[(obs["indicator_id"] == iid) & (obs["period"] == period)].set_index("region_code")["value"]
    w = pop[pop["period"] == period].set_index("region_code")["population"].reindex(vals.index)
    expected = float((vals * w).sum() / w.sum())
    got = float(rows.loc[(rows["indicator_id"] == iid) & (rows["period"] == period), "value"].iloc[0])
    assert got == pytest.approx(expected, rel=1e-12)


FIVE = "GM0014,GM0037,GM0047,GM0050,GM0059"
TIMEOUT = 90


def _area_page() -> None:
    from dashboard.views import gebied

    gebied.render()


def run_own(gemeenten: str) -> AppTest:
    at = AppTest.from_function(_area_page, default_timeout=TIMEOUT)
    at.query_params["gemeenten"] = gemeenten
    return at.run()


def test_own_region_of_five_gemeenten_shows_its_figures(store_env: Path) -> None:
    from dashboard.components.fmt import with_unit

    at = run_own(FIVE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Eigen regio"
    text = " ".join(m.value for m in at.markdown)
    assert "5 gemeenten:" in text and "Groningen" in text and "Zeewolde" in text
    assert f'href="/gebied?gemeenten={FIVE}"' in text  # its own shareable link
    store = Store(store_env)
    own = store.own_region_values(FIVE.split(","))
    rows = own[(own["indicator_id"] == "levensverwachting") & own["value"].notna()].sort_values("period")
    value = with_unit(float(rows["value"].iloc[-1]), store.indicator("levensverwachting")["unit"])
    assert f"Levensverwachting bij geboorte ({int(rows['period'].iloc[-1])})</div><div class='v'>{value}</div>" in text
    assert "van 41 COROP-gebieden" in text  # the set among the 40 COROP areas
    table = at.dataframe[0].value
    assert len(table) > 50 and {"Waarde", "Nederland", "Verschil", "Positie", "Dekking", "Methode"} <= set(table.columns)
    assert table["Methode"].str.startswith("afgeleid").all()  # five scattered gemeenten: every figure derived
    assert any("niet voor je eigen selectie" in c.value for c in at.caption)  # the claims' verdicts are the regions'
    assert at.query_params["gemeenten"] == FIVE


def test_bad_codes_give_a_dutch_notice_not_echoed_whole(store_env: Path) -> None:
    at = run_own("GM0014,XX99," + "<b>" + "A" * 500)
    assert not at.exception, at.exception
    notice = " ".join(i.value for i in at.info)
    assert "Onbekende gemeentecodes in de link genegeerd" in notice and "XX99" in notice
    assert "A" * 60 not in notice and "<b>" not in notice
    assert "1 gemeente:" in " ".join(m.value for m in at.markdown)


def test_picker_starts_from_a_corop_area(store_env: Path) -> None:
    at = run_own("")
    assert not at.exception, at.exception
    assert any("Kies hierboven gemeenten" in i.value for i in at.info)
    at.selectbox(key="own_start").select("COROP-gebied Twente").run()
    at.button(key="own_take").click().run()
    twente = sorted(Store(store_env).region_members("twente", "corop"))
    assert sorted(at.multiselect(key="own_gm").value) == twente
    assert at.query_params["gemeenten"] == ",".join(twente)
    text = " ".join(m.value for m in at.markdown)
    assert "14 gemeenten:" in text
    at.button(key="own_add").run()  # adding the same set again changes nothing
    assert sorted(at.multiselect(key="own_gm").value) == twente


def test_own_region_map_shows_exactly_its_gemeenten(store_env: Path) -> None:
    from dashboard import profile

    codes = tuple(FIVE.split(","))
    spec = profile.own_map(codes, profile.DEFAULT_MAP_INDICATOR)
    assert {f["id"] for f in spec.features} == set(codes)
    assert len(spec.outlines) == 1 and spec.outlines[0].name == "Eigen regio"
    assert spec.context and all(f["id"].startswith("CR") for f in spec.context)
    x0, y0, x1, y1 = spec.bbox  # the set's own outline lies inside the view
    ox0, oy0, ox1, oy1 = profile.maps.geometry_bbox([spec.outlines[0].geometry])
    assert x0 <= ox0 and y0 <= oy0 and ox1 <= x1 and oy1 <= y1
    svg = profile.own_svg(codes, profile.DEFAULT_MAP_INDICATOR)
    assert all(f'data-code="{c}"' in svg or f"'{c}'" in svg or f'"{c}"' in svg for c in codes)
