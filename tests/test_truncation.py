"""Issue 22.4 at spec level: no legend, axis label or ranking header may be cut short (the browser test checks the
drawn result in tests/e2e/test_truncation_browser.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard.components import charts, evidence


def _facility_frame() -> pd.DataFrame:
    return pd.DataFrame({"Voorziening": ["huisartsenpraktijk", "belangrijk overstapstation"], "Eerder jaar": [2006, 2006],
                         "Jaar": [2021, 2021], "Regio eerder (km)": [1.0, 5.0], "Regio (km)": [1.1, 5.5],
                         "Nederland (km)": [1.2, 6.0]})


def test_facilities_legend_stacks_and_never_cuts_labels() -> None:
    spec = charts.spec(charts.facilities(_facility_frame()))
    legend = spec["config"]["legend"]
    assert legend["orient"] == "bottom" and legend["direction"] == "vertical" and legend["labelLimit"] == 0
    axis = spec["encoding"]["y"]["axis"]
    assert axis["labelLimit"] == 0 and "split(" in axis["labelExpr"]
    labels = {row["label"] for row in spec["data"]["values"]}
    assert labels == {"huisartsenpraktijk", "belangrijk\noverstapstation"}  # whole words, never a cut word


def _pairs(names: list[str]) -> pd.DataFrame:
    n = len(names)
    return pd.DataFrame({"region_id": ["zuid-limburg"] * n, "indicator": names, "indicator_id": [f"i{i}" for i in range(n)],
                         "outcome": ["slechter"] * n, "direction": [1] * n, "statistic": [-0.8] * n, "threshold": [0.5] * n})


def test_evidence_labels_whole_distinct_and_wrapped() -> None:
    names = ["Tevredenheid met de huidige woning (CBS 84570NED)", "Tevredenheid met de woonomgeving (CBS 84570NED)",
             "Ervaren gezondheid (CBS 85563NED)", "Ervaren gezondheid (Monitor Brede Welvaart)"]
    spec = charts.spec(charts.dutch(evidence.chart(_pairs(names), "niveau", {"zuid-limburg": "Zuid-Limburg"})))
    layer = spec["layer"][1]
    assert layer["encoding"]["y"]["axis"]["labelLimit"] == 0 and "split(" in layer["encoding"]["y"]["axis"]["labelExpr"]
    labels = [row["label"] for row in layer["data"]["values"]]
    assert len(set(labels)) == 4  # the two 'Tevredenheid m…' rows and the two sources of one name stay apart
    assert [label.replace("\n", " ") for label in labels] == [
        "Tevredenheid met de huidige woning", "Tevredenheid met de woonomgeving",
        "Ervaren gezondheid (CBS 85563NED)", "Ervaren gezondheid (Monitor Brede Welvaart)"]
    assert all(len(line) <= evidence.LABEL_WIDTH for label in labels for line in label.split("\n"))
    assert spec["height"] == {"step": 14 * 2 + 10}  # room for two lines per row
    assert {row["indicator"] for row in layer["data"]["values"]} == set(names)  # the tooltip keeps the full name


def test_drempel_explained_like_the_rules() -> None:
    from seeds.rules import RULES_NL

    text = evidence.DREMPEL_NL
    assert text.startswith("Drempel: het kleinste verschil dat telt") and "pagina Over" in text
    assert "robuuste standaardafwijking" in RULES_NL["niveau"] and "robuuste standaardafwijkingen" in text
    assert "afronding" in RULES_NL["niveau"] and "betrouwbaarheidsinterval" in RULES_NL["niveau"]
    assert "afronding" in text and "betrouwbaarheidsinterval" in text
    assert "drempel, het kleinste verschil dat telt" in evidence.chart_summary({})


def _nederland() -> None:
    from dashboard.views.nederland import render

    render()


def test_ranking_columns_are_as_wide_as_their_headers(store_env: Path) -> None:
    from dashboard.views.nederland import HEADER_PX_PER_CHAR, header_px

    at = AppTest.from_function(_nederland, default_timeout=90)
    at.query_params["indicator"] = "bbp_per_inwoner"
    at.query_params["niveau"] = "CR"
    at.run()
    assert not at.exception
    config = json.loads(at.dataframe[0].proto.columns)
    assert set(config) >= {"Positie", "Gebied", "Waarde", "Verschil met NL", "Methode"}
    for column in (c for c in config.values() if not c.get("hidden")):  # every shown column: explicit width ≥ header
        assert isinstance(column.get("width"), int) and column["width"] >= HEADER_PX_PER_CHAR * len(column["label"]), column
    assert config["Verschil met NL"]["width"] == header_px("Verschil met NL") and config["Verschil met NL"]["help"]
