"""WCAG 2.1 AA without a browser: theme and chart colours meet 4.5:1, charts carry no English ARIA, verdicts and
tiles are named by their words, and the Dutch interface strings are well-formed (browser checks: tests/e2e)."""

from __future__ import annotations

import re
import tomllib

import altair as alt
import pandas as pd
import pytest

from dashboard import document
from dashboard.components import charts, glance
from dashboard.components.claims_layer import VERDICT_STYLE, verdict_badge
from data_loaders.config import REPO_ROOT

WHITE, SIDEBAR = "#ffffff", "#f8f8f7"  # page and sidebar background (Streamlit's light theme)


def luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def faded(colour: str, background: str, alpha: float = 0.6) -> str:
    """A colour at ``alpha`` opacity on a background (Streamlit's secondary text is the text colour at 60 %)."""
    fg, bg = colour.lstrip("#"), background.lstrip("#")
    return "#" + "".join(f"{round(alpha * int(fg[i:i + 2], 16) + (1 - alpha) * int(bg[i:i + 2], 16)):02x}" for i in (0, 2, 4))


@pytest.fixture(scope="module")
def theme() -> dict[str, str]:
    return tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]


@pytest.mark.parametrize("background", [WHITE, SIDEBAR])
def test_theme_text_meets_4_5(theme: dict[str, str], background: str) -> None:
    assert contrast(theme["textColor"], background) >= 7
    assert contrast(faded(theme["textColor"], background), background) >= 4.5, "secondary (faded) text"
    for name in ("greenTextColor", "orangeTextColor", "violetTextColor", "grayTextColor", "linkColor"):
        assert contrast(theme[name], background) >= 4.5, name
    assert contrast(document.FOCUS, background) >= 3, "focus outline"


def test_verdict_colours_are_theme_text_colours(theme: dict[str, str]) -> None:
    used = {colour for _, colour in VERDICT_STYLE.values()}
    assert {f"{c}TextColor" for c in used} <= set(theme), "every verdict colour is set in the theme"
    for label in VERDICT_STYLE:
        badge = verdict_badge(label, f"{label} (1 van 2)")
        assert ":material/" not in badge and label in badge  # the words, no icon named in English


def test_charts_have_dark_text_and_no_vega_aria() -> None:
    frame = pd.DataFrame({"x": [1, 2], "y": ["a", "b"], "k": ["p", "q"]})
    chart = alt.Chart(frame).mark_point().encode(x="x:Q", y="y:N", color="k:N")
    for built in (charts.dutch(chart), charts.dutch(chart, orient="top")):
        config = charts.spec(built)["config"]
        assert config["aria"] is False and config["mark"]["aria"] is False
        for key in ("labelColor", "titleColor"):
            assert contrast(config["axis"][key], WHITE) >= 4.5 and contrast(config["legend"][key], WHITE) >= 4.5
    assert charts.spec(charts.dutch(chart, orient="top"))["config"]["legend"]["orient"] == "top"


def test_theme_tiles_are_named_by_their_text() -> None:
    overview = pd.DataFrame([{"theme": "gezondheid", "theme_name": "Gezondheid", "n_indicators": 5, "n_beter": 2,
                              "n_gelijk": 1, "n_slechter": 2, "n_kloof_gunstig": 1, "n_kloof_ongunstig": 2,
                              "n_kloof_stabiel": 0}])
    tiles = glance.theme_tiles(overview)
    assert "aria-label" not in tiles and "title=" not in tiles
    assert "<span aria-hidden='true'>▲</span>" in tiles and "gunstig" in tiles and "ongunstig" in tiles


def test_ui_strings_are_dutch_and_patterns_compile() -> None:
    data = document.ui_strings("nederland")
    assert data["lang"] == "nl" and data["home"] == "nederland"
    assert all(dutch and dutch != english for english, dutch in data["strings"].items())
    assert set(data["prefixes"]) <= set(data["strings"])
    samples = {"Help for Jaar": "Uitleg bij Jaar", "Remove Twente": "Twente verwijderen", "Periode — start": "Periode — begin",
               "Select 3 matches": "Alle 3 treffers selecteren", "12 options available.": "12 keuzemogelijkheden beschikbaar."}
    for english, dutch in samples.items():
        hits = [(re.sub(r"\$(\d)", r"\\\1", out), pattern) for pattern, out in data["patterns"] if re.fullmatch(pattern, english)]
        assert hits, english
        assert re.sub(hits[0][1], hits[0][0], english) == dutch


def test_statement_names_standard_tests_exceptions_and_contact() -> None:
    from dashboard.views.over import ACCESSIBILITY_MD
    from tests.e2e.harness import AXE_VERSION

    for needed in ("EN 301 549", "WCAG) 2.1", "niveau A en AA", f"axe-core {AXE_VERSION}", "Chromium", "1 december 2026",
                   "toetsenbord", "issues/15726", "issues/1353", "issuetracker"):
        assert needed in ACCESSIBILITY_MD, needed
    assert "@" not in ACCESSIBILITY_MD, "no e-mail address: the product team is reached through the issue tracker"
