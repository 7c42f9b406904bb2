"""A region at a glance: theme overview, profile, gemeenten, peers, trends and Vergelijk against Nederland.

The numbers the page shows are checked against values recomputed in the test from the store's raw tables
(``observations``, ``region_observations``), not against the pipeline's own tables only.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_loaders.config import DUCKDB_OFFLINE
from seeds import rules

TIMEOUT = 90


def _region(region_id: str) -> None:
    from dashboard.views.regio import render

    render(region_id)


def _page(module: str) -> None:
    import importlib

    importlib.import_module(f"dashboard.views.{module}").render()


def _run(fn, arg: str, params: dict[str, str] | None = None) -> AppTest:  # noqa: ANN001
    at = AppTest.from_function(fn, args=(arg,), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def _html_table(markup: str) -> pd.DataFrame:
    """The header and cell texts of one HTML table (as the page sends it) as a frame of strings."""
    cells = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    head = [html.unescape(c) for c in cells.findall(re.search(r"<thead>(.*?)</thead>", markup, re.S).group(1))]
    body = re.search(r"<tbody>(.*?)</tbody>", markup, re.S).group(1)
    rows = [[html.unescape(c) for c in cells.findall(r)] for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert all(len(r) == len(head) for r in rows), "every row as wide as the header"
    return pd.DataFrame(rows, columns=head)


def _html(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def _robust_sd(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def _niveau_from_raw(con, region_id: str, delineation: str, indicator_id: str, direction: str) -> str | None:  # noqa: ANN001
    """The niveau outcome recomputed from the raw tables (latest period with a region and an NL value)."""
    reg = con.execute("SELECT period, value FROM region_observations WHERE region_id=? AND delineation=? AND "
                      "indicator_id=? AND value IS NOT NULL ORDER BY period", [region_id, delineation, indicator_id]).df()
    nl = con.execute("SELECT period, value FROM observations WHERE region_code='NL01' AND indicator_id=?",
                     [indicator_id]).df().set_index("period")["value"]
    reg = reg[reg["period"].isin(nl.index)]
    if reg.empty:
        return None
    period, value = int(reg["period"].iloc[-1]), float(reg["value"].iloc[-1])
    corop = con.execute("SELECT value FROM observations WHERE region_level='CR' AND indicator_id=? AND period=?",
                        [indicator_id, period]).df()["value"].to_numpy(dtype=float)
    if len(corop) < rules.PARAMS.min_corop:
        return None
    sign = 1.0 if direction == "higher_is_better" else -1.0
    z = sign * (value - float(nl[period])) / _robust_sd(corop)
    # rounding unit: the decimals of CBS's own values of the indicator
    raw = con.execute("SELECT value FROM observations WHERE indicator_id=? AND method='cbs'", [indicator_id]).df()["value"]
    unit = next(10.0**-d for d in range(5) if np.allclose(raw * 10**d, np.round(raw * 10**d), atol=1e-6))
    within_rounding = abs(value - float(nl[period])) < 2 * unit - 1e-9
    return rules.GELIJK if abs(z) < rules.PARAMS.drempel or within_rounding else (rules.BETER if z > 0 else rules.SLECHTER)


def test_theme_counts_equal_a_recount_from_the_raw_tables(con, store_env: Path) -> None:  # noqa: ANN001
    region, delin = "twente", "corop"
    cat = con.execute("SELECT indicator_id, theme, direction FROM indicators WHERE direction != 'neutral' "
                      "AND twin_of IS NULL").df()
    with_ci = set(con.execute("SELECT DISTINCT indicator_id FROM intervals").df()["indicator_id"])
    comps = con.execute("SELECT indicator_id, niveau, ci_low, ci_high, nl_value FROM comparisons WHERE subject_id=? "
                        "AND delineation=?", [region, delin]).df().set_index("indicator_id")
    overview = con.execute("SELECT * FROM theme_overview WHERE region_id=? AND delineation=?", [region, delin]).df()
    assert len(overview) == 13  # 8 'hier en nu' themes, 4 capitals, voorzieningen
    for row in overview.itertuples():
        counts = {rules.BETER: 0, rules.GELIJK: 0, rules.SLECHTER: 0}
        for ind in cat[cat["theme"] == row.theme].itertuples():
            outcome = _niveau_from_raw(con, region, delin, ind.indicator_id, ind.direction)
            if ind.indicator_id in with_ci and ind.indicator_id in comps.index:
                c = comps.loc[ind.indicator_id]
                if pd.notna(c["ci_low"]) and c["ci_low"] <= c["nl_value"] <= c["ci_high"]:
                    outcome = rules.GELIJK
            if outcome in counts:
                counts[outcome] += 1
        assert (row.n_beter, row.n_gelijk, row.n_slechter) == (
            counts[rules.BETER], counts[rules.GELIJK], counts[rules.SLECHTER]), row.theme

    at = _run(_region, region)
    assert not at.exception
    page = _html(at)
    for row in overview.itertuples():
        if row.n_indicators:
            assert f"{row.n_beter} beter</span> · {row.n_gelijk} gelijk · " in page.split(f">{row.theme_name}<")[1][:400]


def test_peers_equal_a_recount_from_the_stored_profile(con, store_env: Path) -> None:  # noqa: ANN001
    region, delin = "twente", "corop"
    ids = con.execute("""SELECT indicator_id FROM indicators WHERE direction != 'neutral' AND twin_of IS NULL
                         AND theme_group IN ('hier_en_nu', 'later')""").df()["indicator_id"].tolist()
    z = con.execute(f"""SELECT subject_id, subject_kind, indicator_id, z FROM comparisons
                        WHERE z IS NOT NULL AND indicator_id IN ({','.join('?' * len(ids))})
                        AND (subject_kind = 'CR' OR (subject_id = ? AND delineation = ?))""",
                    [*ids, region, delin]).df()
    mine = z[z["subject_kind"] == "regio"].set_index("indicator_id")["z"]
    corop = z[z["subject_kind"] == "CR"].pivot_table(index="subject_id", columns="indicator_id", values="z")
    corop = corop.reindex(columns=mine.index)
    rms = np.sqrt(((corop - mine) ** 2).mean(axis=1))
    ok = corop.notna().sum(axis=1) >= 0.7 * len(mine)
    expected = rms[ok].drop(index="CR12").sort_values().head(5).index.tolist()  # Twente itself is CR12
    stored = con.execute("SELECT peer_code FROM peers WHERE region_id=? AND delineation=? ORDER BY peer_rank",
                         [region, delin]).df()["peer_code"].tolist()
    assert stored == expected
    at = _run(_region, region)
    names = con.execute(f"SELECT region_code, name FROM regions WHERE region_code IN ({','.join('?' * 5)})",
                        expected).df().set_index("region_code")["name"]
    page = _html(at).replace("\\", "")  # names are markdown-escaped on the page
    for rank, code in enumerate(expected, start=1):
        assert f"{rank}. {names[code]}" in page


@pytest.mark.parametrize("region_id", ["twente", "zuid-limburg", "achterhoek", "noord-en-oost-groningen"])
def test_gemeenten_table_lists_every_member(con, store_env: Path, region_id: str) -> None:  # noqa: ANN001
    default = con.execute("SELECT default_delineation FROM region_defs WHERE region_id=?", [region_id]).fetchone()[0]
    members = con.execute("""SELECT r.name FROM region_members m JOIN regions r ON r.region_code = m.gemeente_code
                             WHERE m.region_id=? AND m.delineation=?""", [region_id, default]).df()["name"]
    at = _run(_region, region_id, {"indicator": "tevredenheid_leven"})
    assert not at.exception
    tables = [_html_table(m.value) for m in at.markdown if "class='bw-prof bw-list'" in m.value]
    assert tables, "no gemeenten table"
    table = tables[0]
    assert list(table.columns[:1]) == ["Gemeente"]
    assert sorted(table["Gemeente"]) == sorted(members)
    values = table.filter(like="Waarde").iloc[:, 0]
    assert values.str.contains(",").any() and not values.str.contains(r"\d\.\d").any()  # decimal comma
    rank = table.filter(like="Positie").iloc[:, 0]
    numbers = [int(r.strip("\u2007")) for r in rank if r != "–"]
    assert numbers == sorted(numbers) and (rank[len(numbers):] == "–").all()  # by position, geen data last


def test_profile_rows_have_unique_labels(store_env: Path) -> None:
    from dashboard import data
    from dashboard.components import summary

    for region_id, delin in (("twente", "corop"), ("achterhoek", "beleid"), ("zuid-limburg", "corop")):
        comps = data.comparisons(region_id, delin)
        for primary in (True, False):
            prof = summary.profile(comps, data.indicators(), primary_only=primary)
            assert not prof["name"].duplicated().any(), prof.loc[prof["name"].duplicated(), "name"].tolist()
    labels = data.indicators()["label_nl"]
    assert not labels.duplicated().any()


def test_trends_default_has_health_and_url_limit_is_dutch(store_env: Path) -> None:
    from dashboard.views import regio

    cat = pd.Series(dict(zip(*duckdb.connect(str(store_env), read_only=True, config=DUCKDB_OFFLINE).execute(
        "SELECT indicator_id, theme FROM indicators").df().T.values, strict=True)))
    assert "gezondheid" in {cat[i] for i in regio.DEFAULT_TRENDS}
    at = _run(_region, "twente", {"trends": "werkloosheid,mediaan_inkomen,ervaren_gezondheid,tevredenheid_leven,hoogopgeleid"})
    assert not at.exception
    assert any("Te veel trendindicatoren" in i.value for i in at.info)
    assert not any("You can only select" in str(e) for e in at.main)


def test_compare_accepts_nederland_and_a_single_region(store_env: Path) -> None:
    at = _run(_page, "vergelijk", {"gebieden": "achterhoek,NL01", "thema": "gezondheid"})
    assert not at.exception
    html = _html(at)
    assert "De Achterhoek (regio)</th>" in html and "Nederland</th>" in html
    assert "tegenover <b>Nederland</b>" in html
    single = _run(_page, "vergelijk", {"gebieden": "twente"})
    assert not single.exception and "Twente (regio)</th>" in _html(single) and "data-key='NL01'" in _html(single)


def test_national_ranking_filtered_to_a_region(con, store_env: Path) -> None:  # noqa: ANN001
    at = _run(_page, "nederland", {"indicator": "tevredenheid_leven", "niveau": "GM", "regio": "zuid-limburg"})
    assert not at.exception
    table = at.dataframe[0].value
    members = con.execute("""SELECT r.name FROM region_members m JOIN regions r ON r.region_code = m.gemeente_code
                             WHERE m.region_id='zuid-limburg' AND m.delineation='corop'""").df()["name"]
    assert sorted(table["Gebied"]) == sorted(members)
    assert pd.api.types.is_float_dtype(table["Waarde"]) and table["Waarde"].notna().any()  # sorts as numbers
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["Waarde"]["type_config"]["format"] == "localized" and config["Waarde"]["label"] == "Waarde"
    assert "%" in config["Waarde"]["help"]  # the unit: in the header's help and the line above the map
    positions = [int(r.strip("\u2007")) for r in table["Positie"] if r != "–"]
    assert max(positions) > len(table)  # positions stay those among all 342 gemeenten
