"""Vergelijk (issue 21.6): up to ten areas of any kind plus Nederland pinned, values in their own units, every theme
on one page, colours that stay with an area; started from the similar areas or an own region."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

TIMEOUT = 120
TEN = ["GM0917", "CR39", "PV31", "regio:achterhoek", "GM0928", "GM0363", "CR01", "PV20", "regio:twente", "GM0153"]
HEAD = re.compile(r"<th scope='col'(?: class='bw-nl')? data-key='([^']+)'><span class='bw-sw' aria-hidden='true' "
                  r"style='background:(#[0-9a-f]{6})'></span>([^<]+)</th>")


def _page() -> None:
    from dashboard.views.vergelijk import render

    render()


def _gebied() -> None:
    from dashboard.views.gebied import render

    render()


def _run(params: dict[str, str], page: Any = _page) -> AppTest:
    at = AppTest.from_function(page, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _html(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def _heads(at: AppTest) -> list[tuple[str, str, str]]:
    """(key, colour, label) of the first comparison table's column heads."""
    page = _html(at)
    first = page[page.index("<table class='bw-cmp'>"):]
    return HEAD.findall(first[:first.index("</thead>")])


def _colours(at: AppTest) -> dict[str, str]:
    return {k: c for k, c, _ in _heads(at)}


def _contrast(colour: str, background: str = "#ffffff") -> float:
    def lum(h: str) -> float:
        parts = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((lum(colour), lum(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_ten_areas_of_every_kind_and_nederland_pinned_last(store_env: Path) -> None:
    at = _run({"gebieden": ",".join(TEN)})
    assert not at.exception
    heads = _heads(at)
    assert [k for k, _, _ in heads] == [*TEN, "NL01"], "ten areas in order, Nederland last"
    labels = [label for _, _, label in heads]
    assert labels[:3] == ["Heerlen (gemeente)", "Zuid-Limburg (COROP)", "Limburg (provincie)"]
    assert labels[-1] == "Nederland"
    assert "class='bw-nl' data-key='NL01'" in _html(at) and ".bw-cmp .bw-nl { position: sticky; right: 0" in _html(at)
    assert not at.warning and not at.info


def test_all_themes_on_one_page_each_collapsible(store_env: Path, con: Any) -> None:
    at = _run({"gebieden": "GM0928,CR39", "thema": "arbeid_vrije_tijd"})
    themes = [r[0] for r in con.execute("SELECT DISTINCT theme_name FROM indicators").fetchall()]
    labels = [e.label for e in at.expander]
    assert len(labels) >= 10 and all(any(lbl.startswith(t) for t in themes) for lbl in labels)
    assert _html(at).count("<table class='bw-cmp'>") == len(labels)
    opened = [e.label for e in at.expander if e.proto.expanded]
    assert len(opened) == 1 and opened[0].startswith("Arbeid en vrije tijd")


def test_values_in_their_own_units_as_stored(store_env: Path, con: Any) -> None:
    """The unemployment row: each area's stored value in its unit ('3,8 %'), the common latest year, NL's value."""
    from dashboard.components.fmt import with_unit

    at = _run({"gebieden": "GM0928,CR39"})
    period = con.execute("""SELECT max(o.period) FROM observations o WHERE o.indicator_id = 'werkloosheid'
        AND o.value IS NOT NULL AND o.region_code IN ('GM0928') AND o.period IN (SELECT period FROM observations
        WHERE indicator_id = 'werkloosheid' AND region_code = 'CR39' AND value IS NOT NULL)
        AND o.period IN (SELECT period FROM observations WHERE indicator_id = 'werkloosheid' AND region_code = 'NL01'
        AND value IS NOT NULL)""").fetchone()[0]
    values = dict(con.execute("SELECT region_code, value FROM observations WHERE indicator_id = 'werkloosheid' "
                              "AND period = ? AND region_code IN ('GM0928', 'CR39', 'NL01')", [period]).fetchall())
    row = re.search(r"<th scope='row' class='bw-ind'>Werkloosheid[^<]*<small>([^<]*)</small></th>(.*?)</tr>", _html(at))
    assert row, "rij werkloosheid"
    assert str(period) in row.group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(2))
    unit = con.execute("SELECT unit FROM indicators WHERE indicator_id = 'werkloosheid'").fetchone()[0]
    assert cells == [with_unit(values[c], unit, 1) for c in ("GM0928", "CR39", "NL01")]
    assert all(c.endswith(" %") for c in cells)


def test_robust_sd_view_is_an_option(store_env: Path, con: Any) -> None:
    at = _run({"gebieden": "regio:twente,CR39", "weergave": "sd", "thema": "gezondheid"})
    assert not at.exception
    z = con.execute("SELECT z FROM comparisons WHERE subject_id = 'twente' AND delineation = 'corop' "
                    "AND indicator_id = 'ervaren_gezondheid'").fetchone()[0]
    from dashboard.components.fmt import fmt_signed

    assert f"{fmt_signed(z, 2)} sd" in _html(at)
    assert at.get("vega_lite_chart"), "the distance chart comes with the sd view"
    plain = _run({"gebieden": "regio:twente,CR39"})
    assert " sd</td>" not in _html(plain) and not plain.get("vega_lite_chart")


def test_an_eleventh_area_is_refused_in_dutch(store_env: Path) -> None:
    at = _run({"gebieden": ",".join(TEN)})
    at.multiselect(key="cmp_areas").set_value([*TEN, "GM0014"]).run()
    assert not at.exception
    assert [k for k, _, _ in _heads(at)] == [*TEN, "NL01"]
    (warning,) = at.warning
    assert "hoogstens 10 gebieden" in warning.value and "‘Groningen (gemeente)’ is niet toegevoegd" in warning.value
    assert at.multiselect(key="cmp_areas").value == TEN
    linked = _run({"gebieden": ",".join([*TEN, "GM0014"])})
    assert any("Te veel gebieden in de link; de eerste 10 worden getoond." in i.value for i in linked.info)
    assert len(_heads(linked)) == 11


def test_nederland_is_always_there(store_env: Path) -> None:
    only_nl = _run({"gebieden": "NL01"})
    assert not only_nl.exception and only_nl.multiselect(key="cmp_areas").value == []
    assert any("ten minste één gebied" in i.value for i in only_nl.info)
    one = _run({"gebieden": "GM0928,NL01"})
    assert [k for k, _, _ in _heads(one)] == ["GM0928", "NL01"]


def test_colour_stays_with_an_area_whatever_the_order(store_env: Path) -> None:
    at = _run({"gebieden": "GM0928,CR39,PV31"})
    first = _colours(at)
    assert len(set(first.values())) == 4
    at.multiselect(key="cmp_areas").set_value(["PV31", "GM0928", "CR39"]).run()
    assert [k for k, _, _ in _heads(at)] == ["PV31", "GM0928", "CR39", "NL01"]
    assert _colours(at) == first, "same colour per area after reordering"
    at.multiselect(key="cmp_areas").set_value(["PV31", "CR39"]).run()
    at.multiselect(key="cmp_areas").set_value(["PV31", "CR39", "GM0363"]).run()
    now = _colours(at)
    assert now["PV31"] == first["PV31"] and now["CR39"] == first["CR39"]
    assert now["GM0363"] not in (first["PV31"], first["CR39"])
    # the link carries the colours: opened elsewhere, the areas keep them
    link = dict(at.query_params)
    assert link["gebieden"] == "PV31,CR39,GM0363" and "kleuren" in link
    again = _run({"gebieden": link["gebieden"], "kleuren": link["kleuren"]})
    assert _colours(again) == now


def test_palette_is_accessible_and_distinct() -> None:
    from dashboard.views.vergelijk import MAX_AREAS, PALETTE

    assert len(set(PALETTE)) == len(PALETTE) >= MAX_AREAS
    assert all(_contrast(c) >= 3.0 for c in PALETTE), [(c, round(_contrast(c), 2)) for c in PALETTE]
    assert all(_contrast(c, "#f3f4f6") >= 3.0 for c in PALETTE)


def test_assign_slots_keeps_slots_and_fills_the_lowest_free() -> None:
    from dashboard.views.vergelijk import assign_slots

    assert assign_slots(["a", "b", "c"], {}) == {"a": 0, "b": 1, "c": 2}
    assert assign_slots(["c", "a", "d"], {"a": 0, "b": 1, "c": 2}) == {"c": 2, "a": 0, "d": 1}
    assert assign_slots(["a", "b"], {"a": 3, "b": 3}) == {"a": 3, "b": 0}  # a hand-made link with a clash
    assert assign_slots(["a"], {"a": 99}) == {"a": 0}


def test_own_region_from_gemeenten_codes(store_env: Path) -> None:
    at = _run({"gebieden": "eigen,CR39", "gemeenten": "GM0917,GM0928,GM0882"})
    assert not at.exception
    heads = _heads(at)
    assert [k for k, _, _ in heads] == ["eigen", "CR39", "NL01"]
    assert heads[0][2] == "Eigen regio (3 gemeenten)"
    only = _run({"gemeenten": "GM0917,GM0928"})
    assert [k for k, _, _ in _heads(only)] == ["eigen", "NL01"]


def test_similar_areas_open_vergelijk_with_at_most_ten(store_env: Path, con: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """'Vergelijk met deze groep' on /gebied?code=GM0928: the area and its 9 most similar, and that link works."""
    from dashboard.views import gebied

    monkeypatch.setattr(gebied, "_PAGES", {})  # outside the navigation, whatever an earlier full-app test registered
    at = _run({"code": "GM0928"}, _gebied)
    assert not at.exception
    link = next(m.value for m in at.markdown if "Vergelijk met deze groep" in m.value)
    query = re.search(r"\(/vergelijk\?gebieden=([^)]+)\)", link).group(1)
    codes = query.split(",")
    similar = [r[0] for r in con.execute("SELECT similar_code FROM similar_areas WHERE code = 'GM0928' "
                                         "ORDER BY similar_rank").fetchall()]
    assert codes == ["GM0928", *similar[:9]] and len(codes) == 10
    opened = _run({"gebieden": query})
    assert not opened.exception and not opened.warning
    assert [k for k, _, _ in _heads(opened)] == [*codes, "NL01"]


def test_own_region_page_links_to_vergelijk(store_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.views import gebied

    monkeypatch.setattr(gebied, "_PAGES", {})  # outside the navigation, whatever an earlier full-app test registered
    at = _run({"gemeenten": "GM0917,GM0928"}, _gebied)
    link = next(m.value for m in at.markdown if "Vergelijk deze eigen regio" in m.value)
    assert "/vergelijk?gebieden=eigen&gemeenten=GM0917,GM0928" in link


@pytest.mark.parametrize("raw", ["achterhoek,cr39", "regio:achterhoek,CR39"])
def test_links_accept_bare_region_ids_and_lower_case_codes(store_env: Path, raw: str) -> None:
    at = _run({"gebieden": raw})
    assert [k for k, _, _ in _heads(at)] == ["regio:achterhoek", "CR39", "NL01"]


def test_odd_colour_slots_in_a_link_are_ignored(store_env: Path) -> None:
    at = _run({"gebieden": "GM0928,CR39,PV31", "kleuren": "²,99999999999,1"})
    assert not at.exception
    colours = _colours(at)
    assert len(set(colours.values())) == 4 and colours["PV31"] != colours["GM0928"]
