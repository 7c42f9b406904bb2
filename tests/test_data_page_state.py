"""Issue 22.13: the data page's period follows the selected indicators unless the visitor set it (AppTest)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_pages import run_page


def _span(con: duckdb.DuckDBPyConnection, *ids: str) -> tuple[int, int]:
    low, high = con.execute(f"SELECT min(period), max(period) FROM observations WHERE value IS NOT NULL "
                            f"AND indicator_id IN ({','.join('?' * len(ids))})", list(ids)).fetchone()
    return int(low), int(high)


def _period(at: AppTest) -> object:
    (slider,) = [s for s in at.select_slider if s.label == "Periode"]
    return slider


def _slider(at: AppTest) -> tuple[int, int]:
    return tuple(_period(at).value)  # type: ignore[return-value]


def test_period_widens_to_an_added_indicator(store_env: Path, con: duckdb.DuckDBPyConnection) -> None:
    at = run_page("data_export")
    defaults = ["tevredenheid_leven", "werkloosheid"]
    assert _slider(at) == _span(con, *defaults)
    wider = _span(con, *defaults, "mediaan_inkomen")
    assert wider[0] < _span(con, *defaults)[0], "mediaan inkomen starts earlier (2011)"
    at.multiselect(key="dl_ind").set_value([*defaults, "mediaan_inkomen"]).run()
    assert not at.exception and not at.info, [i.value for i in at.info]
    assert _slider(at) == wider
    assert (at.query_params["van"], at.query_params["tot"]) == (str(wider[0]), str(wider[1]))
    at.multiselect(key="dl_ind").set_value(["werkloosheid"]).run()  # and narrows again when it goes
    assert _slider(at) == _span(con, "werkloosheid")


def test_a_range_the_visitor_set_stays(store_env: Path, con: duckdb.DuckDBPyConnection) -> None:
    at = run_page("data_export")
    _period(at).set_range(2015, 2020).run()
    assert _slider(at) == (2015, 2020)
    at.multiselect(key="dl_ind").set_value(["tevredenheid_leven", "werkloosheid", "mediaan_inkomen"]).run()
    assert not at.exception and _slider(at) == (2015, 2020)
    at.multiselect(key="dl_lv").set_value(["NL"]).run()
    assert _slider(at) == (2015, 2020)


@pytest.mark.parametrize(("link", "expected"), [({"van": "2016", "tot": "2019"}, (2016, 2019)), ({}, None)])
def test_a_link_range_counts_as_set(store_env: Path, con: duckdb.DuckDBPyConnection, link: dict[str, str],
                                    expected: tuple[int, int] | None) -> None:
    at = run_page("data_export", {"indicatoren": "werkloosheid", **link})
    assert _slider(at) == (expected or _span(con, "werkloosheid"))
    at.multiselect(key="dl_ind").set_value(["werkloosheid", "mediaan_inkomen"]).run()
    assert _slider(at) == (expected or _span(con, "werkloosheid", "mediaan_inkomen"))
