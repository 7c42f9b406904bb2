"""Tests for the claim register (seeds/claims.yaml, seeds/documents.yaml) and seeds.claims."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from data_loaders.config import data_dir, seeds_dir
from seeds.claims import (
    DEFAULT_REGION_IDS,
    KINDS,
    MAX_QUOTE_WORDS,
    TEST_KINDS,
    AreaLocation,
    Claim,
    ClaimTest,
    LineLocation,
    PointLocation,
    Town,
    catalogue_directions,
    claim_geometries,
    claims_for_region,
    known_area_codes,
    known_region_ids,
    load_claims,
    load_documents,
    quote_in_document,
    validate_claims,
    word_count,
)

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "data_loaders" / "catalogue.yaml"
LOOKUP = data_dir() / "geo" / "gemeente_corop_provincie_2024.csv"
SEEDS = seeds_dir()
CLAIMS = load_claims()
DOCUMENTS = load_documents()
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS} (set BW_SEEDS_DIR to check quotes)"
)
needs_lookup = pytest.mark.skipif(not LOOKUP.exists(), reason=f"region lookup not found at {LOOKUP}")


def _catalogue() -> dict[str, str]:
    """Indicator id -> direction from the catalogue YAML (a missing direction comes from the source)."""
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    sources = data.get("sources") or {}
    return {
        ind["id"]: ind.get("direction") or (sources.get(ind["source"]) or {}).get("direction") or "neutral"
        for ind in data["indicators"]
    }


def _region_ids() -> set[str]:
    """From geo.regions.load_regions() when importable, else geo/regions.yaml, else the agreed constant."""
    return known_region_ids()


def _lookup_codes() -> set[str]:
    with LOOKUP.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {r[k] for r in rows for k in ("gemeente_code", "corop_code", "provincie_code")} | {"NL01"}


def _doc_text(file: str) -> str:
    return (SEEDS / file).read_text(encoding="utf-8")


# --- register shape ---


def test_at_least_40_claims() -> None:
    assert len(CLAIMS) >= 40


def test_ids_unique_and_well_formed() -> None:
    ids = [c.id for c in CLAIMS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"c\d{3}", i) for i in ids)


def test_every_document_has_claims() -> None:
    per_doc = Counter(c.document for c in CLAIMS)
    assert {d.file for d in DOCUMENTS} == set(per_doc)
    assert len(DOCUMENTS) == 5
    assert all(n >= 5 for n in per_doc.values()), per_doc


def test_documents_metadata() -> None:
    for doc in DOCUMENTS:
        assert doc.title and doc.organisation and doc.type
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", doc.date), doc.date
        if len(doc.date) < 10:
            assert doc.date_note, f"{doc.file}: imprecise date needs a date_note"


def test_kinds_and_tests_valid() -> None:
    from seeds.rules import EXPECTATIONS

    assert {c.kind for c in CLAIMS} <= KINDS
    assert {c.test.kind for c in CLAIMS if c.test} <= TEST_KINDS
    assert {(c.test.kind, c.test.expect) for c in CLAIMS if c.test} <= set(EXPECTATIONS)


def test_every_claim_has_a_test_or_a_reason() -> None:
    ids = {c.id for c in CLAIMS if c.test}
    for c in CLAIMS:
        if c.same_as:  # says what another claim says: that claim's test and verdict
            assert c.test is None and c.untestable is None and c.same_as in ids, c.id
            continue
        assert (c.test is None) != (c.untestable is None), c.id
        if c.untestable:
            assert len(c.untestable) > 20, c.id


def test_central_claims_are_registered_with_a_test() -> None:
    """The issue's list: 003 spreiding + achterstand + onderwijs, 004 groep (twice), krimp, voorzieningen."""
    tests = {(c.document[:3], c.test.kind) for c in CLAIMS if c.test}
    assert {("003", "spreiding"), ("003", "achterstand"), ("003", "niveau"), ("004", "groep"),
            ("000", "krimp"), ("004", "ontwikkeling"), ("004", "spreiding")} <= tests
    onderwijs = [c for c in CLAIMS if c.document.startswith("003") and "onderwijskansen" in c.quote]
    assert onderwijs and set(onderwijs[0].indicators) & {"hoogopgeleid", "laagopgeleid"}
    assert any("elf verschillende regio" in c.quote for c in CLAIMS)
    assert len([c for c in CLAIMS if c.topic == "Lelylijn"]) >= 8


def test_linking_errors_fixed() -> None:
    by_id = {c.id: c for c in CLAIMS}
    assert "hoogopgeleid" not in by_id["c024"].indicators  # students ≠ residents' education
    assert "bbp_per_inwoner" not in by_id["c018"].indicators  # gas revenue distorts CR02
    c055 = by_id["c055"].location
    assert isinstance(c055, PointLocation) and c055.lat > 53.4  # Eemshaven, not Leeuwarden


def test_quotes_at_most_40_words() -> None:
    too_long = {c.id: word_count(c.quote) for c in CLAIMS if not 0 < word_count(c.quote) <= MAX_QUOTE_WORDS}
    assert not too_long


# --- quotes against the documents ---


@needs_seeds
@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_quote_occurs_verbatim(claim: Claim) -> None:
    text = _doc_text(claim.document)
    needle = " ".join(claim.quote.split())
    assert needle in " ".join(text.split()), f"{claim.id}: {needle!r}"


@needs_seeds
def test_sections_occur_in_document() -> None:
    missing = [
        (c.id, part)
        for c in CLAIMS
        for part in c.section.split(" > ")
        if not quote_in_document(part, _doc_text(c.document))
    ]
    assert not missing


# --- locations, indicators, regions ---


@needs_lookup
def test_locations_valid() -> None:
    codes = _lookup_codes()
    for c in CLAIMS:
        loc = c.location
        if isinstance(loc, AreaLocation):
            assert loc.codes and set(loc.codes) <= codes, (c.id, set(loc.codes) - codes)
        elif isinstance(loc, PointLocation):
            assert 3.3 <= loc.lon <= 7.3 and 50.7 <= loc.lat <= 53.6, c.id
            assert loc.name
        else:
            assert isinstance(loc, LineLocation) and loc.schematic and len(loc.towns) >= 2, c.id
            assert all(3.3 <= t.lon <= 7.3 and 50.7 <= t.lat <= 53.6 for t in loc.towns), c.id


def test_indicators_exist_in_catalogue() -> None:
    catalogue = _catalogue()
    unknown = {c.id: [i for i in c.indicators if i not in catalogue] for c in CLAIMS}
    assert not {k: v for k, v in unknown.items() if v}


def test_testable_claims_have_indicators_and_a_target() -> None:
    catalogue = _catalogue()
    for c in CLAIMS:
        if c.test and c.test.kind in ("niveau", "achterstand", "ontwikkeling"):
            assert c.regions or c.area_codes, c.id
        if c.test and not c.test.indicator_set:
            assert c.indicators, c.id
            # krimp is about the population itself, an indicator without a good direction
            assert any(catalogue[i] != "neutral" for i in c.indicators) or c.test.sign or c.test.kind == "krimp", c.id


def test_region_ids_valid() -> None:
    region_ids = _region_ids()
    unknown = {c.id: [r for r in c.regions if r not in region_ids] for c in CLAIMS}
    assert not {k: v for k, v in unknown.items() if v}


def test_region_id_sources_agree(tmp_path: Path) -> None:
    assert known_region_ids(tmp_path / "missing.yaml") == set(DEFAULT_REGION_IDS)
    from_yaml = known_region_ids(REPO / "geo" / "regions.yaml")
    assert from_yaml == set(DEFAULT_REGION_IDS)  # the ids agreed in the brief are the ids in geo/regions.yaml
    if not LOOKUP.exists():
        pytest.skip("region lookup missing: geo.regions.load_regions() cannot run")
    try:
        from geo.regions import load_regions
    except ImportError:
        pytest.skip("geo.regions not importable; ids checked against geo/regions.yaml and the constant")
    assert {r.id for r in load_regions()} == from_yaml


def test_catalogue_directions_match_yaml() -> None:
    assert catalogue_directions() == _catalogue()


@needs_seeds
@needs_lookup
def test_validate_claims_is_clean() -> None:
    problems = validate_claims(
        CLAIMS, DOCUMENTS, SEEDS, known_area_codes(LOOKUP), _catalogue(), _region_ids()
    )
    assert problems == []


@needs_lookup
def test_validate_claims_reports_problems() -> None:
    bad = [
        replace(CLAIMS[0], quote="dit staat nergens in de tekst", regions=("atlantis",)),
        replace(CLAIMS[1], id=CLAIMS[0].id, location=PointLocation(lon=8.5, lat=52.0, name="Duitsland")),
        replace(CLAIMS[2], location=AreaLocation(codes=("GM9999",)), indicators=("bestaat_niet",)),
        replace(CLAIMS[3], kind="sport", test=ClaimTest("niveau", "slechter"), untestable=None, indicators=()),
        replace(CLAIMS[4], quote=" ".join(["woord"] * 41)),
    ]
    seeds = SEEDS if SEEDS.is_dir() else None
    problems = "\n".join(
        validate_claims(bad, DOCUMENTS, seeds, known_area_codes(LOOKUP), _catalogue(), _region_ids())
    )
    for fragment in (
        "atlantis",
        "duplicate id",
        "outside the Netherlands",
        "GM9999",
        "bestaat_niet",
        "unknown kind",
        "test without indicators",
        "41 words",
        "has no claims",
    ):
        assert fragment in problems
    if seeds:
        assert f"{CLAIMS[0].id}: quote not found" in problems


# --- helpers ---


def test_quote_in_document_normalises_whitespace_only() -> None:
    text = "De Lelylijn verbindt regio's,\n  Randstad en\tbuurlanden. Brede wel-\nvaart telt."
    assert quote_in_document("verbindt regio's, Randstad en buurlanden", text)
    assert quote_in_document("  De Lelylijn\nverbindt ", text)
    assert not quote_in_document("verbindt regio’s", text)  # typographic apostrophe is not normalised
    assert not quote_in_document("Brede welvaart", text)  # no silent de-hyphenation
    assert quote_in_document("Brede wel- vaart", text)
    assert not quote_in_document("   ", text)


def test_claims_for_region() -> None:
    north = claims_for_region("noord-nederland", CLAIMS)
    assert north and all("noord-nederland" in c.regions for c in north)
    assert claims_for_region("twente")  # default: loads the register
    assert claims_for_region("bestaat-niet", CLAIMS) == []


def test_claim_geometries() -> None:
    point = replace(CLAIMS[0], id="c901", location=PointLocation(lon=6.58, lat=53.12, name="Eelde"))
    line = replace(
        CLAIMS[0], id="c902", location=LineLocation(towns=(Town("A", 5.0, 52.0), Town("B", 6.0, 53.0)))
    )
    area = replace(CLAIMS[0], id="c903", location=AreaLocation(codes=("PV20", "PV21")))
    geo = {g["claim_id"]: g for g in claim_geometries([point, line, area], DOCUMENTS)}
    assert (
        geo["c901"]["geometry"] == "point" and geo["c901"]["lon"] == [6.58] and geo["c901"]["lat"] == [53.12]
    )
    assert geo["c902"]["lon"] == [5.0, 6.0] and geo["c902"]["lat"] == [52.0, 53.0]
    assert geo["c903"]["lon"] == [] and geo["c903"]["codes"] == ["PV20", "PV21"]
    title = next(d.title for d in DOCUMENTS if d.file == CLAIMS[0].document)
    assert all(CLAIMS[0].paraphrase in g["hover"] and title in g["hover"] for g in geo.values())
    assert len(claim_geometries(CLAIMS)) == len(CLAIMS)


def test_seed_texts_not_copied_into_repo() -> None:
    names = {d.file for d in DOCUMENTS}
    assert not [p for p in REPO.rglob("*.txt") if p.name in names and ".git" not in p.parts]
