"""The printable profile of a CBS area and of an own region (issue 21): two pages, the figures the page shows,
the members named, a link back, cached per (area, store version)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

FIVE = ("GM0014", "GM0037", "GM0047", "GM0050", "GM0059")


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_own_region_pdf_has_its_gemeenten_figures_and_link(store_env: Path) -> None:
    from dashboard import profile
    from dashboard.components.fmt import with_unit
    from dashboard.report import area, build

    build.clear_cache()
    pdf = build.build_own_pdf(FIVE)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Eigen regio (5 gemeenten)" in text
    for name in ("Achtkarspelen", "Groningen", "Stadskanaal", "Veendam", "Zeewolde"):
        assert name in text
    headline = profile.own_load(FIVE).headline.set_index("indicator_id")
    row = headline.loc["levensverwachting"]
    assert with_unit(float(row["value"]), row["unit"]) in text  # the figure the page shows
    assert "gebied?gemeenten=GM0014,GM0037,GM0047,GM0050,GM0059" in text.replace(" ", "")
    assert "niet voor deze eigen selectie" in text  # the verdicts are the regions'
    assert "Thema's:" not in text  # no theme overview for an own set: no empty table
    assert build.build_own_pdf(tuple(reversed(FIVE))) is pdf  # one build per set and store version
    assert area.own_file_name(FIVE) == "eigen-regio_5-gemeenten_GM0014-GM0059.pdf"


def test_area_pdf_is_cached_and_names_the_area(store_env: Path) -> None:
    from dashboard.report import area, build

    build.clear_cache()
    pdf = build.build_area_pdf("GM0928")
    assert "Kerkrade" in _text(pdf) and build.build_area_pdf("GM0928") is pdf
    assert area.area_file_name("GM0928") == "gebiedsprofiel_GM0928.pdf"


def test_own_region_pdf_refuses_unknown_codes_in_dutch(store_env: Path) -> None:
    from dashboard.report import area

    with pytest.raises(area.ReportError, match="Geen bekende gemeenten"):
        area.collect_own(("XX99",))
