"""AppTest runs of every page, asserting real content against the store."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components.fmt import fmt_num, with_unit
from data_loaders.config import DUCKDB_OFFLINE

TIMEOUT = 90
TEN_REGIONS = [
    "noord-en-oost-groningen", "zuid-en-oost-drenthe", "zuid-limburg", "midden-limburg", "noord-limburg",
    "zeeuws-vlaanderen", "kop-van-noord-holland", "achterhoek", "zuidoost-en-noord-fryslan", "twente",
]


def _page(module: str) -> None:
    import importlib

    importlib.import_module(f"dashboard.views.{module}").render()


def _region(region_id: str) -> None:
    from dashboard.views.regio import render

    render(region_id)


def run_page(module: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(_page, args=(module,), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def run_region(region_id: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(_region, args=(region_id,), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def plotly_charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def vega_charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def page_html(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def map_payloads(at: AppTest) -> list[str]:
    """The SVG maps of a page (a Streamlit v2 component is an UnknownElement whose proto carries the data)."""
    return [json.loads(e.proto.json)["svg"] for e in at.get("bidi_component") if e.proto.component_name == "bw_svg_map"]


def feature_paths(svg: str) -> list[str]:
    return re.findall(r'<path class="f[ "][^>]*>', svg)


def test_national_page_map_and_ranking(store_env: Path) -> None:
    at = run_page("nederland", {"indicator": "werkloosheid", "niveau": "CR", "jaar": "2022"})
    assert not at.exception
    (svg,) = map_payloads(at)
    assert not plotly_charts(at), "the national page draws no plotly chart (plotly.js is not loaded for a map)"
    assert len(feature_paths(svg)) == 40 and 'data-n="40"' in svg
    con = duckdb.connect(str(store_env), read_only=True, config=DUCKDB_OFFLINE)
    n = con.execute("SELECT count(*) FROM observations WHERE indicator_id='werkloosheid' AND region_level='CR' "
                    "AND period=2022").fetchone()[0]
    nl = con.execute("SELECT value FROM observations WHERE indicator_id='werkloosheid' AND region_code='NL01' "
                     "AND period=2022").fetchone()[0]
    assert n == 40
    table = at.dataframe[0].value
    assert len(table) == n
    assert table["Positie"].str.strip("\u2007 ").head(1).tolist() == ["1"]
    numbers = [int(r.strip("\u2007")) for r in table["Positie"] if r != "–"]
    assert numbers == sorted(numbers)  # the grid's 'smart' sort reads these texts as numbers
    assert at.metric[0].value.startswith(fmt_num(nl))


def test_national_page_gemeente_level_has_missing_marked(store_env: Path) -> None:
    at = run_page("nederland", {"indicator": "tevredenheid_leven", "niveau": "GM"})
    assert not at.exception
    (svg,) = map_payloads(at)
    paths = feature_paths(svg)
    missing = [p for p in paths if 'class="f m"' in p]
    assert len(paths) == 342 and missing  # hatched 'geen data' gemeenten without a survey value
    assert all('fill="url(#' in p for p in missing) and "geen data" in svg  # pattern + legend entry
    assert len(svg.encode()) <= 250 * 1024


@pytest.mark.parametrize("region_id", TEN_REGIONS)
def test_region_page_headlines_equal_store(store_env: Path, region_id: str) -> None:
    at = run_region(region_id)
    assert not at.exception, at.exception
    (svg,) = map_payloads(at)
    con0 = duckdb.connect(str(store_env), read_only=True, config=DUCKDB_OFFLINE)
    delin = con0.execute("SELECT default_delineation FROM region_defs WHERE region_id=?", [region_id]).fetchone()[0]
    n_members = con0.execute("SELECT count(*) FROM region_members WHERE region_id=? AND delineation=?",
                             [region_id, delin]).fetchone()[0]
    con0.close()
    assert len(feature_paths(svg)) == n_members, "one coloured path per gemeente of the region"
    assert 'class="ctx"' in svg and 'class="outl"' in svg and "<table" in svg  # context, outline, text alternative
    assert not plotly_charts(at), "the region page loads no plotly.js (charts are Vega-Lite or HTML)"
    # The charts wait for the map: placeholders and a map that reports 'painted'; the report draws them.
    assert not vega_charts(at) and "bw-charts-pending" in page_html(at)
    assert [c for c in at.get("bidi_component") if c.proto.component_name.endswith("bw_svg_map")], "no map component"
    at.session_state[f"_bw_painted_{region_id}"] = True  # what the map's on_painted callback sets
    at.run()
    assert not at.exception, at.exception
    assert len(vega_charts(at)) >= 2 and "bw-charts-pending" not in page_html(at), "strip, facilities, trends"
    con = duckdb.connect(str(store_env), read_only=True, config=DUCKDB_OFFLINE)
    default = con.execute("SELECT default_delineation FROM region_defs WHERE region_id=?", [region_id]).fetchone()[0]
    expected = con.execute(
        """SELECT indicator_id, value, period FROM region_observations
           WHERE region_id=? AND delineation=? AND value IS NOT NULL
           QUALIFY period = max(period) OVER (PARTITION BY indicator_id)""",
        [region_id, default],
    ).df().set_index("indicator_id")
    cards = [m.value for m in at.markdown if "class='bw-kpis'" in m.value][0]
    checked = 0
    for iid in ("mediaan_inkomen", "werkloosheid", "levensverwachting"):
        if iid not in expected.index:
            continue
        name, unit = con.execute("SELECT name_nl, unit FROM indicators WHERE indicator_id=?", [iid]).fetchone()
        period = int(expected.loc[iid, "period"])
        label = f"{name} ({period})"
        assert label in cards, (label, cards[:300])
        assert with_unit(float(expected.loc[iid, "value"]), unit) in cards, label
        checked += 1
    assert checked >= 2


def test_region_page_delineation_switch_via_url(store_env: Path) -> None:
    at = run_region("achterhoek", {"afbakening": "beleid"})
    assert not at.exception
    assert any("Beleidsregio" in i.value for i in at.info)


def test_voorbeeld_and_context_regions_render(store_env: Path) -> None:
    for region_id in ("veenkolonien", "parkstad-limburg", "noord-nederland", "nederland"):
        at = run_region(region_id)
        assert not at.exception, (region_id, at.exception)
        assert map_payloads(at)


def test_presentation_mode(store_env: Path) -> None:
    at = run_region("twente", {"presentatie": "1"})
    assert not at.exception
    html = " ".join(m.value for m in at.markdown)
    assert "bw-title" in html and "Twente" in html
    assert sum(m.value.count("<div class='bw-card ") for m in at.markdown) == 6
    assert [b.label for b in at.button][:2] == ["◀ vorige regio", "volgende regio ▶"]
    (svg,) = map_payloads(at)
    assert "data-interactive" not in svg and '<g class="labels"' in svg  # static, gemeente names on the map
    assert "Ervaren gezondheid" in svg and "<table" not in svg
    assert any(e.proto.component_name == "bw_presentation_keys" for e in at.get("bidi_component"))


def test_presentation_gemeenten_view(store_env: Path) -> None:
    """Issue 22.10: the Gemeenten view lists every member (Noord-Nederland: 40) under the numbers on its map; the
    other two views are one button away, and the next region keeps the view."""
    from dashboard import data, profile

    at = run_region("noord-nederland", {"presentatie": "1"})
    views = [b.label for b in at.button if b.key.startswith("pview_")]
    assert views == ["Thema's", "Gemeenten"], views
    svg = map_payloads(at)[0]
    assert "+ 32 gemeenten: zie knop Gemeenten" in svg  # the slide's key points at the view that names them
    next(b for b in at.button if b.key == "pview_gemeenten").click().run()
    assert at.query_params["weergave"] == "gemeenten" and not at.exception
    names = re.findall(r"<li><b>(\d+)</b><span>([^<]+)</span></li>", page_html(at))
    delin = data.region_defs()["noord-nederland"].default_delineation
    members = sorted(data.regions_table().set_index("region_code").loc[list(profile.members("noord-nederland", delin)), "name"])
    assert sorted(n for _, n in names) == members and [int(i) for i, _ in names] == list(range(1, 41))
    assert "De 40 gemeenten, genummerd op de kaart" in page_html(at) and "<div class='bw-card " not in page_html(at)
    (svg,) = map_payloads(at)
    assert svg.count('fill="#fff" stroke="#333"') == 40 and '<g class="labels"' not in svg
    assert [b.label for b in at.button if b.key.startswith("pview_")] == ["Kerncijfers", "Thema's"]
    assert not [b for b in at.get("download_button")]  # no PDF button: the list takes the column
    next(b for b in at.button if b.key == "next").click().run()
    assert at.query_params["weergave"] == "gemeenten" and "genummerd op de kaart" in page_html(at)
    next(b for b in at.button if b.key == "pview_kerncijfers").click().run()
    assert "weergave" not in at.query_params and "<div class='bw-card " in page_html(at)


def test_compare_page(store_env: Path) -> None:
    at = run_page("vergelijk", {"gebieden": "regio:twente,CR39,PV20", "thema": "arbeid_vrije_tijd", "weergave": "sd"})
    assert not at.exception
    assert vega_charts(at)
    html = page_html(at)
    heads = re.findall(r"<th scope='col'[^>]*data-key='[^']+'>.*?</span>([^<]+)</th>", html[:html.index("</thead>")])
    assert heads == ["Twente (regio)", "Zuid-Limburg (COROP)", "Groningen (provincie)", "Nederland"]


def test_data_page_rows_and_csv(store_env: Path) -> None:
    params = {"indicatoren": "werkloosheid,mediaan_inkomen", "niveaus": "CR,NL", "van": "2015", "tot": "2020"}
    at = run_page("data_export", params)
    assert not at.exception
    from dashboard.views import data_export

    con = duckdb.connect(str(store_env), read_only=True, config=DUCKDB_OFFLINE)
    n = con.execute("SELECT count(*) FROM observations WHERE indicator_id IN ('werkloosheid','mediaan_inkomen') "
                    "AND region_level IN ('CR','NL') AND period BETWEEN 2015 AND 2020").fetchone()[0]
    assert n == 2 * 41 * 6
    assert any(f"**{n:,} rijen**".replace(",", ".") in m.value for m in at.markdown)
    con.close()
    assert len(at.dataframe[0].value) == min(n, 500), "the preview is capped at 500 rows"
    assert list(at.dataframe[0].value.columns) == data_export.EXPORT_COLUMNS
    labels = [b.proto.label for b in at.get("download_button")]
    data_labels = [label for label in labels if not label.startswith("Claims:")]
    assert len(data_labels) == 4 and any(".xlsx" in label for label in data_labels), labels
    assert sum(label.startswith("Claims:") for label in labels) == 3  # the claims with verdicts: CSV, Excel NL, xlsx


def test_over_and_claims_pages(store_env: Path) -> None:
    at = run_page("over")
    assert not at.exception
    assert len(at.dataframe[0].value) >= 14  # every source table
    at = run_page("claims")
    assert not at.exception
    (svg,) = map_payloads(at)
    assert not plotly_charts(at)
    assert '<g class="cmark"' in svg and '<g class="cline"' in svg


def test_missing_store_explains_rebuild(tmp_path: Path) -> None:
    def script() -> None:
        import os

        os.environ["BW_STORE"] = os.environ["_MISSING_STORE"]
        from dashboard.common import require_store

        require_store()

    os.environ["_MISSING_STORE"] = str(tmp_path / "nope.duckdb")
    old = os.environ.get("BW_STORE")
    try:
        at = AppTest.from_function(script, default_timeout=TIMEOUT).run()
    finally:
        if old:
            os.environ["BW_STORE"] = old
    assert not at.exception
    assert "niet beschikbaar" in " ".join(e.value for e in at.error)
    shown = " ".join(m.value for m in [*at.markdown, *at.error])
    assert "python -m data_loaders build" not in shown and str(tmp_path) not in shown, "no command or path for visitors"


def test_unknown_params_give_friendly_message(store_env: Path) -> None:
    at = run_page("nederland", {"indicator": "<script>alert(1)</script>", "niveau": "XX", "jaar": "abc"})
    assert not at.exception
    messages = " ".join(i.value for i in at.info)
    assert "Onbekende indicator" in messages and "<script>" not in messages


def test_worst_export_link_renders_small(store_env: Path) -> None:
    """The issue-16 link (every indicator, every level): a count, a 500-row preview, no xlsx beyond its limit."""
    from dashboard.views import data_export

    con = duckdb.connect(str(store_env), read_only=True, config=DUCKDB_OFFLINE)
    ids = [r[0] for r in con.execute("SELECT indicator_id FROM indicators").fetchall()]
    con.close()
    at = run_page("data_export", {"indicatoren": ",".join(ids), "niveaus": "NL,LD,PV,CR,GM,RG"})
    assert not at.exception
    assert len(at.dataframe[0].value) == 500
    xlsx = [b for b in at.get("download_button") if ".xlsx" in b.proto.label]
    assert xlsx and xlsx[0].proto.disabled, "the workbook is offered only up to XLSX_MAX_ROWS"
    assert any(f"{data_export.XLSX_MAX_ROWS:,}".replace(",", ".") in c.value for c in at.caption)


def test_region_expanders_run_their_content_only_when_open(store_env: Path) -> None:
    """Closed expanders send nothing (Streamlit's lazy expander); opening one reruns the page with its content."""
    at = run_region("twente")
    assert not at.exception
    assert not at.dataframe, "no table is sent while every expander is closed"
    labels = [e.label for e in at.expander]
    assert "Als tabel" in labels and any(label.startswith("ondersteund") for label in labels)
    at.session_state["bw_x_fac_twente_corop"] = True  # what opening 'Als tabel' under Voorzieningen sets
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 1 and "Voorziening" in " ".join(at.dataframe[0].value.columns)


def _periods(con: duckdb.DuckDBPyConnection, indicator_id: str, level: str = "GM") -> list[int]:
    return [r[0] for r in con.execute("SELECT DISTINCT period FROM observations WHERE indicator_id=? AND region_level=? "
                                      "AND value IS NOT NULL ORDER BY 1", [indicator_id, level]).fetchall()]


def test_national_year_follows_the_indicator_without_false_notice(store_env: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Issue 22.1: a new indicator shows its newest year, no 'Ongeldige periode' for a URL the page wrote itself."""
    at = run_page("nederland")
    assert at.query_params["jaar"] == str(_periods(con, "tevredenheid_leven")[-1])
    for indicator_id in ("levensverwachting", "werkloosheid", "tevredenheid_leven"):
        at.selectbox(key="nl_indicator").set_value(indicator_id).run()
        assert not at.exception
        assert not at.info, [i.value for i in at.info]
        assert at.query_params["jaar"] == str(_periods(con, indicator_id)[-1]), indicator_id


def test_national_year_the_visitor_picked_stays_when_the_new_indicator_has_it(store_env: Path,
                                                                              con: duckdb.DuckDBPyConnection) -> None:
    picked = 2019
    assert picked in _periods(con, "tevredenheid_leven") and picked in _periods(con, "werkloosheid")
    assert picked not in _periods(con, "levensverwachting")
    at = run_page("nederland")
    at.select_slider(key="nl_period").set_value(picked).run()
    at.selectbox(key="nl_indicator").set_value("werkloosheid").run()
    assert at.select_slider(key="nl_period").value == picked and not at.info
    at.selectbox(key="nl_indicator").set_value("levensverwachting").run()  # has no 2019: its newest year
    assert at.query_params["jaar"] == str(_periods(con, "levensverwachting")[-1]) and not at.info
    at.selectbox(key="nl_indicator").set_value("tevredenheid_leven").run()  # back: the picked year again
    assert at.select_slider(key="nl_period").value == picked and not at.info


def test_national_link_notices_only_for_the_link(store_env: Path, con: duckdb.DuckDBPyConnection) -> None:
    """A link's bad year is said once and replaced in the URL; a link's good year counts as picked."""
    at = run_page("nederland", {"indicator": "werkloosheid", "jaar": "1900", "niveau": "XX"})
    messages = [i.value for i in at.info]
    assert any("Ongeldige periode ‘1900’" in m for m in messages), messages
    assert any(m.startswith("Onbekend niveau in de link") for m in messages), messages  # not "Onbekende niveau"
    assert at.query_params["jaar"] == str(_periods(con, "werkloosheid")[-1])
    at.selectbox(key="nl_indicator").set_value("tevredenheid_leven").run()
    assert not at.info
    at = run_page("nederland", {"indicator": "werkloosheid", "jaar": "2019"})
    assert not at.info and at.select_slider(key="nl_period").value == 2019


def test_national_bad_region_in_link_gives_notice(store_env: Path) -> None:
    """Issue 24.4: /?regio=twentee says so in Dutch (the notice used to be added after the notices were shown)."""
    at = run_page("nederland", {"regio": "twentee"})
    assert not at.exception
    messages = " ".join(i.value for i in at.info)
    assert "Onbekende regio ‘twentee’ in de link" in messages and "heel Nederland" in messages
    assert at.selectbox(key="nl_rank_region").value is None


def test_bad_indicator_in_link_is_named_not_shown_as_id(store_env: Path) -> None:
    """Issue 22.6: an indicator the page cannot show is named in Dutch; an unknown id is not echoed."""
    at = run_region("twente", {"indicator": "bbp_per_inwoner"})  # no gemeente figures: not on the region map
    messages = " ".join(i.value for i in at.info)
    assert "‘Bbp per inwoner’ is hier niet beschikbaar" in messages and "bbp_per_inwoner" not in messages, messages
    assert "‘Ervaren gezondheid" in messages and "ervaren_gezondheid" not in messages, messages
    at = run_region("twente", {"indicator": "bestaat_niet_xyz"})
    messages = " ".join(i.value for i in at.info)
    assert "Onbekende indicator in de link" in messages and "ervaren_gezondheid" not in messages, messages
    at = run_page("nederland", {"indicator": "bestaat_niet_xyz"})
    messages = " ".join(i.value for i in at.info)
    assert "Onbekende indicator in de link" in messages and "bestaat_niet_xyz" not in messages, messages
    assert "tevredenheid_leven" not in messages and "Tevredenheid" in messages


def _number_columns(element: object) -> dict[str, str]:
    config = json.loads(element.proto.columns)  # type: ignore[attr-defined]
    return {name: c["type_config"].get("format", "") for name, c in config.items()
            if c.get("type_config", {}).get("type") == "number"}


def test_tables_with_numbers_sort_them_as_numbers(store_env: Path) -> None:
    """Issue 22.2: every table that shows numbers sends them as numbers with Streamlit's 'localized' format (Dutch via
    the document helper), years as plain years; no preformatted strings that sort alphabetically."""
    import pandas as pd

    # Vergelijk shows an HTML table (rows of different units side by side, tests/test_vergelijk.py), no grid to sort
    at = run_page("data_export", {"indicatoren": "werkloosheid,mediaan_inkomen", "niveaus": "CR,NL"})
    preview = at.dataframe[0].value
    assert pd.api.types.is_float_dtype(preview["waarde"]) and _number_columns(at.dataframe[0])["waarde"] == "localized"
    at = run_region("twente")
    at.session_state["bw_x_trend_twente_corop"] = True
    at.session_state["bw_x_fac_twente_corop"] = True
    at.session_state["_bw_painted_twente"] = True
    at.run()
    formats = [_number_columns(d) for d in at.dataframe]
    assert any(f.get("Waarde") == "localized" for f in formats), formats
    assert any(f.get("Nederland (km)") == "localized" for f in formats), formats


def test_over_has_contents_with_anchors_and_no_server_paths(store_env: Path) -> None:
    """Issue 22.7: a table of contents whose links point at the sections and at each rule (every key of RULES_NL,
    also new ones); no data directory of the server and no code path on the page."""
    from seeds.rules import RULES_NL

    at = run_page("over")
    assert not at.exception
    shown = " ".join([*(m.value for m in at.markdown), *(c.value for c in at.caption)])
    contents = next(m.value for m in at.markdown if m.value.startswith("**Op deze pagina**"))
    headers = {h.proto.anchor for h in at.header}
    for anchor in ("bronnen", "regels", "regios", "toegankelijkheid"):
        assert f"(#{anchor})" in contents and anchor in headers, anchor
    for key in RULES_NL:
        assert f"(#regel-{key})" in contents and f"id='regel-{key}'" in shown, key
    from dashboard import data

    data_dir = str(data.build_info().get("data_dir") or "/nonexistent-dir")
    assert data_dir not in shown and ".py" not in shown and "geo/aggregate" not in shown


def test_accessibility_statement_lists_what_stays_english(store_env: Path) -> None:
    """Issue 22.8: the statement says the connection-lost dialog is Dutch now and lists what the app cannot reach."""
    at = run_page("over")
    assert not at.exception
    text = page_html(at)
    statement = text[text.index("**Bekende uitzonderingen:**"):]
    assert "de melding bij een verbroken verbinding" in statement
    assert "Engels blijven de meldingen van Streamlit bij een verbroken" not in statement
    for still_english in ("You need to enable JavaScript to run this app.", "Cannot connect to Streamlit (HTTP status:",
                          "*ending with*", "de browser zelf"):
        assert still_english in statement, still_english
