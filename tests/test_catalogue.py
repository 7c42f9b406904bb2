"""The indicator catalogue: complete, valid, and consistent with the bundle files it points at."""

from __future__ import annotations

import copy
import csv
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from data_loaders.catalogue import (
    AGGREGATIONS,
    CATALOGUE_FILE,
    DIRECTIONS,
    LEVELS,
    Catalogue,
    CatalogueError,
    load_catalogue,
    parse_catalogue,
)

pytestmark = pytest.mark.usefixtures("no_network")

# Facilities the product promises, by the 80305NED measure key that carries them.
REQUIRED_FACILITIES = {
    "huisartsenpraktijk": "AfstandTotHuisartsenpraktijk_1",
    "huisartsenpost": "AfstandTotHuisartsenpost_5",
    "apotheek": "AfstandTotApotheek_6",
    "ziekenhuis": "AfstandTotZiekenhuis_11",
    "grote supermarkt": "AfstandTotGroteSupermarkt_20",
    "basisschool": "AfstandTotSchool_56",
    "kinderdagverblijf": "AfstandTotKinderdagverblijf_48",
    "treinstation": "AfstandTotTreinstationsTotaal_101",
    "belangrijk overstapstation": "AfstandTotBelangrijkOverstapstation_102",
    "bibliotheek": "AfstandTotBibliotheek_103",
    "zwembad": "AfstandTotZwembad_104",
    "museum": "AfstandTotMuseum_106",
    "bioscoop": "AfstandTotBioscoop_115",
    "podiumkunsten": "AfstandTotPodiumkunstenTotaal_110",
    "brandweerkazerne": "AfstandTotBrandweerkazerne_125",
    "oprit hoofdverkeersweg": "AfstandTotOpritHoofdverkeersweg_100",
    "openbaar groen": "AfstandTotOpenbaarGroenTotaal_87",
}
REQUIRED_OFFICIAL = [
    ("86088NED", "NettoArbeidsparticipatie_16"),
    ("86088NED", "BrutoArbeidsparticipatie_15"),
    ("86088NED", "Werkloosheidspercentage_13"),
    ("86004NED", "MediaanGestandaardiseerdInkomen_4"),
    ("86007NED", "MediaanVermogen_5"),
    ("85525NED", "k_3HboWo_4"),
    ("85924NED", "BbpPerInwoner_2"),
    ("85563NED", "ErvarenGezondheidGoedZeerGoed_1"),
    ("85563NED", "Overgewicht_7"),
    ("85563NED", "Rokers_15"),
    ("84570NED", "TevredenheidMetDeHuidigeWoning_1"),
    ("03759NED", "BevolkingOp1Januari"),
]


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def test_catalogue_loads(cat: Catalogue) -> None:
    assert cat.indicators and cat.sources and cat.themes
    frame = cat.frame()
    assert len(frame) == len(cat.indicators)
    assert frame["indicator_id"].is_unique


def test_rmbw_indicators_cover_metadata(cat: Catalogue, bundle_dir: Path) -> None:
    rmbw = cat.for_source("RMBW")
    assert len(rmbw) >= 36
    meta = pd.read_csv(bundle_dir / "cbs" / cat.sources["RMBW"].metadata_file, dtype=str)
    missing = set(meta["rmbw_indicator"]) - {i.measure for i in rmbw}
    assert not missing, f"RMBW-codes zonder indicator in de catalogus: {sorted(missing)}"


def test_facilities(cat: Catalogue) -> None:
    facilities = [i for i in cat.for_theme("voorzieningen") if i.source_table == "80305NED"]
    assert len(facilities) >= 25
    measures = {i.measure for i in facilities}
    missing = {name: key for name, key in REQUIRED_FACILITIES.items() if key not in measures}
    assert not missing, f"voorzieningen ontbreken: {missing}"
    assert all(i.direction == "lower_is_better" and i.unit == "km" for i in facilities)


@pytest.mark.parametrize(("table", "measure"), REQUIRED_OFFICIAL)
def test_required_official_measures(cat: Catalogue, table: str, measure: str) -> None:
    assert table in cat.sources
    assert measure in {i.measure for i in cat.for_source(table)}, f"{table}: {measure} ontbreekt"


def test_every_field_valid(cat: Catalogue) -> None:
    snake = re.compile(r"^[a-z][a-z0-9_]*$")
    for ind in cat.indicators.values():
        assert snake.match(ind.indicator_id), ind.indicator_id
        assert ind.direction in DIRECTIONS, ind.indicator_id
        assert ind.theme in cat.themes, ind.indicator_id
        assert ind.aggregation in AGGREGATIONS, ind.indicator_id
        assert ind.levels and set(ind.levels) <= set(LEVELS), ind.indicator_id
        assert ind.source_table in cat.sources, ind.indicator_id
        for name in ("name_nl", "name_en", "unit", "measure", "period_type"):
            assert str(getattr(ind, name)).strip(), f"{ind.indicator_id}: leeg veld {name}"
        assert ind.direction_nl and ind.higher_is_better in (True, False, None)
    for theme in cat.themes.values():
        assert theme.group in {"hier_en_nu", "later", "voorzieningen", "context"}


def test_measure_columns_exist_in_bundle_headers(cat: Catalogue, bundle_dir: Path) -> None:
    problems = []
    for table_id, src in cat.sources.items():
        path = bundle_dir / "cbs" / src.file
        assert path.is_file(), f"{table_id}: {src.file} ontbreekt in de bundel"
        header = set(_header(path))
        problems += [f"{src.file}: {i.measure}" for i in cat.for_source(table_id) if i.measure not in header]
        problems += [f"{src.file}: filterkolom {c}" for c in src.filters if c not in header]
    assert not problems, problems


def test_filter_values_occur_in_bundle(cat: Catalogue, bundle_dir: Path) -> None:
    for src in cat.sources.values():
        if not src.filters:
            continue
        frame = pd.read_csv(bundle_dir / "cbs" / src.file, dtype=str, usecols=list(src.filters))
        for column, wanted in src.filters.items():
            assert wanted in set(frame[column].str.strip()), f"{src.file}: {column}={wanted!r} komt niet voor"


def _raw() -> dict:
    with open(CATALOGUE_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("direction", "up", "richting"),
        ("aggregation", "mean", "aggregatie"),
        ("theme", "geluk", "thema"),
        ("source", "99999NED", "onbekende bron"),
        ("levels", ["GM", "WK"], "niveaus"),
        ("name_nl", "", "name_nl"),
    ],
)
def test_parse_catalogue_rejects_invalid_fields(field: str, value: object, message: str) -> None:
    raw = _raw()
    broken = copy.deepcopy(raw)
    broken["indicators"][0][field] = value
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(broken)


def test_parse_catalogue_rejects_duplicate_id() -> None:
    raw = _raw()
    raw["indicators"].append(dict(raw["indicators"][0]))
    with pytest.raises(CatalogueError, match="twee keer"):
        parse_catalogue(raw)
