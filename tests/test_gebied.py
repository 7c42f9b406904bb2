"""The area page /gebied?code=… (issue 21): every gemeente, COROP area, province and NL01, read from the profile model."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components.fmt import with_unit

TIMEOUT = 90
LABOUR_CSV = "arbeidsdeelname_86088NED_totaal_personen_2013_2024.csv"
INCOME_CSV = "inkomen_huishoudens_86004NED_particuliere_huishoudens.csv"


def _area_page() -> None:
    from dashboard.views import gebied

    gebied.render()


def run_area(code: str | None) -> AppTest:
    at = AppTest.from_function(_area_page, default_timeout=TIMEOUT)
    if code is not None:
        at.query_params["code"] = code
    return at.run()


def page_html(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def map_svg(at: AppTest) -> str:
    import json

    (svg,) = [json.loads(e.proto.json)["svg"] for e in at.get("bidi_component") if e.proto.component_name == "bw_svg_map"]
    return svg


def card(text: str, title: str) -> tuple[str, str]:
    """(value, comparison line) of the key-figure card titled ``title``."""
    m = re.search(rf"<div class='t'>{re.escape(html.escape(title))}</div><div class='v'>(.*?)</div><div class='c'>(.*?)</div>",
                  text)
    assert m, f"geen kaart ‘{title}’"
    return html.unescape(m.group(1)), html.unescape(m.group(2))


def test_gemeente_page_kerkrade(store_env: Path) -> None:
    at = run_area("GM0928")
    assert not at.exception, at.exception
    assert at.title[0].value == "Kerkrade"
    text = page_html(at)
    assert "Zuid-Limburg" in text and 'href="/zuid-limburg"' in text  # the region of the ten, linked
    assert 'href="/gebied?code=CR39"' in text  # its COROP area
    assert "van 342 gemeenten" in text  # positions among the gemeenten, not the COROP areas
    svg = map_svg(at)
    assert 'data-k="GM0928"' in svg and 'class="outl"' in svg and "<title>Kerkrade</title>" in svg
    assert len(re.findall(r'<path class="f[ "]', svg)) > 5  # its surroundings are drawn too
    assert "bw-similar" in text and text.count('href="/gebied?code=GM') >= 20  # 20 similar gemeenten, linked
    assert at.subheader and any(s.value == "Zuid-Limburg" for s in at.subheader)  # claims of its region


def test_corop_page(store_env: Path, con) -> None:
    at = run_area("CR39")
    assert not at.exception, at.exception
    assert at.title[0].value == con.execute("SELECT name FROM regions WHERE region_code='CR39'").fetchone()[0]
    n = con.execute("SELECT count(*) FROM regions WHERE corop_code='CR39' AND region_level='GM' AND is_current").fetchone()[0]
    assert len(re.findall(r'<path class="f[ "]', map_svg(at))) == n
    text = page_html(at)
    assert "van 40 COROP-gebieden" in text and "bw-tiles" in text  # key figures and the stored theme overview


def test_province_page(store_env: Path, con) -> None:
    at = run_area("PV31")
    assert not at.exception, at.exception
    assert at.title[0].value == "Limburg"
    text = page_html(at)
    assert "van 12 provincies" in text and "bw-tiles" in text
    n = con.execute("SELECT count(*) FROM regions WHERE province_code='PV31' AND region_level='GM' AND is_current").fetchone()[0]
    assert len(re.findall(r'<path class="f[ "]', map_svg(at))) == n


def test_national_area_page(store_env: Path) -> None:
    at = run_area("nl01")
    assert not at.exception, at.exception
    assert at.title[0].value == "Nederland"


@pytest.mark.parametrize("raw", ["GM9999", "twente", "<script>", ""])
def test_unknown_code_gives_a_dutch_notice(store_env: Path, raw: str) -> None:
    at = run_area(raw)
    assert not at.exception
    notices = [w.value for w in at.warning] + [i.value for i in at.info]
    assert notices and ("Onbekend gebied" in notices[0] or "Kies een gebied" in notices[0])
    assert "<script>" not in page_html(at)


@pytest.mark.parametrize("code", ["GM0928", "GM0153", "GM0014"])
def test_gemeente_figures_equal_the_bundle_csv(store_env: Path, bundle_dir: Path, code: str) -> None:
    at = run_area(code)
    assert not at.exception, at.exception
    text = page_html(at)
    labour = pd.read_csv(bundle_dir / "cbs" / LABOUR_CSV)
    income = pd.read_csv(bundle_dir / "cbs" / INCOME_CSV)
    for frame, column, title, unit in ((labour, "Werkloosheidspercentage_13", "Werkloosheid", "% van de beroepsbevolking"),
                                       (income, "MediaanGestandaardiseerdInkomen_4", "Mediaan gestandaardiseerd inkomen",
                                        "x 1 000 euro")):
        frame = frame[frame[column].notna()]
        mine = frame[frame["region_code"] == code].sort_values("Perioden").iloc[-1]
        year = int(mine["Perioden"])
        nl = frame[(frame["region_code"] == "NL01") & (frame["Perioden"] == year)][column].iloc[0]
        value, comparison = card(text, f"{title} ({year})")
        assert value == with_unit(float(mine[column]), unit)
        assert comparison.startswith(f"NL {with_unit(float(nl), unit)}")


def test_similar_areas_are_stored_per_level(con) -> None:
    rows = con.execute("""SELECT s.level, count(DISTINCT s.code), max(s.similar_rank),
                                 bool_and(r.region_level = s.level), bool_and(s.code <> s.similar_code)
                          FROM similar_areas s JOIN regions r ON r.region_code = s.similar_code GROUP BY 1 ORDER BY 1""").fetchall()
    assert rows == [("CR", 40, 20, True, True), ("GM", 342, 20, True, True), ("PV", 12, 11, True, True)]
    ordered = con.execute("SELECT bool_and(d >= p) FROM (SELECT distance AS d, lag(distance) OVER "
                          "(PARTITION BY code ORDER BY similar_rank) AS p FROM similar_areas) WHERE p IS NOT NULL").fetchone()[0]
    assert ordered  # closest first
    assert con.execute("SELECT count(*) FROM similar_areas WHERE description NOT LIKE '%.'").fetchone()[0] == 0


def test_every_area_has_comparisons_and_a_theme_overview(con) -> None:
    kinds = dict(con.execute("SELECT subject_kind, count(DISTINCT subject_id) FROM comparisons GROUP BY 1").fetchall())
    assert kinds["GM"] == 342 and kinds["CR"] == 40 and kinds["PV"] == 12
    assert con.execute("SELECT count(DISTINCT region_id) FROM theme_overview WHERE delineation = 'cbs'").fetchone()[0] == 394
