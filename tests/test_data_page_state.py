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


@pytest.fixture
def file_names(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Label → file name of every download button offered (the proto of a deferred download has no file name)."""
    import streamlit

    names: dict[str, str] = {}
    original = streamlit.download_button

    def recording(label: str, *args: object, **kwargs: object) -> object:
        names[label] = str(kwargs.get("file_name"))
        return original(label, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return names


def test_only_the_ten_regions(store_env: Path, con: duckdb.DuckDBPyConnection, file_names: dict[str, str]) -> None:
    """Issue 22.14: "Alleen de tien regio's" keeps the ten regions and the areas inside them, plus NL."""
    from dashboard.views import data_export

    at = run_page("data_export", {"indicatoren": "werkloosheid", "niveaus": "RG,CR,NL"})
    at.checkbox(key="dl_ten").check().run()
    assert not at.exception and at.query_params["tien"] == "1"
    ten = [r[0] for r in con.execute("SELECT region_id FROM region_defs WHERE list_contains(string_split(groups, ','), "
                                     "'tien') ORDER BY sort_order").fetchall()]
    assert len(ten) == 10 and data_export.ten_regions() == ten
    preview = at.dataframe[0].value
    regions = set(preview.loc[preview["niveau"] == "Regio", "regio"])
    assert regions == set(ten), regions
    corops = set(preview.loc[preview["niveau"] == "COROP-gebied", "gebiedscode"])
    assert "CR17" not in corops and 0 < len(corops) < 40, corops  # Groot-Amsterdam is in none of the ten
    assert set(preview.loc[preview["niveau"] == "Nederland", "gebiedscode"]) == {"NL01"}
    xlsx = next(name for label, name in file_names.items() if label.startswith("Excel-werkmap"))
    first, last = _span(con, "werkloosheid")
    assert xlsx == f"brede-welvaart_werkloosheid_regios-corop-nederland_tien-regios_{first}-{last}.xlsx"


def test_file_names_say_what_is_in_them(store_env: Path, con: duckdb.DuckDBPyConnection,
                                        file_names: dict[str, str]) -> None:
    at = run_page("data_export", {"indicatoren": "werkloosheid,levensverwachting", "niveaus": "RG"})
    assert not at.exception
    first, last = _span(con, "werkloosheid", "levensverwachting")
    names = sorted(name for label, name in file_names.items() if not label.startswith("Claims"))
    stem = f"brede-welvaart_werkloosheid-levensverwachting_regios_{first}-{last}"
    assert names == sorted([f"{stem}.csv", f"{stem}_excel.csv", f"{stem}.xlsx", f"{stem}_bron-en-methode.csv"])


def test_unknown_indicator_in_a_data_link_is_not_echoed(store_env: Path) -> None:
    """22.6 on the data page: an unknown id in the link is counted, not shown (it reads as an internal code)."""
    at = run_page("data_export", {"indicatoren": "werkloosheid,bestaat_niet_xyz,ook_niet"})
    assert not at.exception
    messages = " ".join(i.value for i in at.info)
    assert "Onbekende indicatoren in de link genegeerd (2)." in messages, messages
    assert "bestaat_niet_xyz" not in messages and "ook_niet" not in messages
    assert at.multiselect(key="dl_ind").value == ["werkloosheid"]
