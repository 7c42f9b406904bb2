"""Your own region (issue 21): /gebied?gemeenten=… — any set of gemeenten, aggregated by the build's own route."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

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
