"""Region definitions: consistency with the 2024 lookup and the known facts they encode."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from data_loaders.config import data_dir
from geo.regions import (
    CONFIDENCES,
    REGIONS_YAML,
    Region,
    RegionConfigError,
    get_region,
    load_lookup,
    load_regions,
    membership_frame,
    regions_in_group,
)

TEN_REGIONS = [  # footnote 5 of the SER Noord-Nederland advice, in its order
    ("noord-en-oost-groningen", "Noord- en Oost-Groningen"),
    ("zuid-en-oost-drenthe", "Zuid- en Oost-Drenthe"),
    ("zuid-limburg", "Zuid-Limburg"),
    ("midden-limburg", "Midden-Limburg"),
    ("noord-limburg", "Noord-Limburg"),
    ("zeeuws-vlaanderen", "Zeeuws-Vlaanderen"),
    ("kop-van-noord-holland", "Kop van Noord-Holland"),
    ("achterhoek", "De Achterhoek"),
    ("zuidoost-en-noord-fryslan", "Zuidoost- en Noord-Fryslân"),
    ("twente", "Twente"),
]
VOORBEELD = {"veenkolonien", "parkstad-limburg", "twente", "kop-van-noord-holland", "zeeuws-vlaanderen"}


@pytest.fixture(scope="module")
def lookup() -> pd.DataFrame:
    path = data_dir() / "geo" / "gemeente_corop_provincie_2024.csv"
    if not path.is_file():
        pytest.skip(f"databundel ontbreekt ({path}); zet BW_DATA_DIR naar shared/data")
    return load_lookup()


@pytest.fixture(scope="module")
def regions(lookup: pd.DataFrame) -> list[Region]:
    return load_regions()


def _gm(lookup: pd.DataFrame, *names: str) -> set[str]:
    by_name = dict(zip(lookup["gemeente_naam"], lookup["gemeente_code"], strict=True))
    return {by_name[n] for n in names}


def test_lookup_maps_every_gemeente_to_one_corop_and_one_province(lookup: pd.DataFrame) -> None:
    assert len(lookup) == 342
    assert lookup["gemeente_code"].is_unique
    assert lookup["gemeente_code"].str.fullmatch(r"GM\d{4}").all()
    assert lookup["corop_code"].str.fullmatch(r"CR\d{2}").all()
    assert lookup["provincie_code"].str.fullmatch(r"PV\d{2}").all()
    assert lookup["corop_code"].nunique() == 40
    assert lookup["provincie_code"].nunique() == 12
    assert (lookup.groupby("corop_code")["provincie_code"].nunique() == 1).all()


def test_groups_match_the_documents(regions: list[Region]) -> None:
    assert [(r.id, r.name) for r in regions_in_group("tien")] == TEN_REGIONS
    assert {r.id for r in regions_in_group("voorbeeld")} == VOORBEELD
    assert {r.id for r in regions_in_group("context")} == {"noord-nederland", "nederland"}
    ids = [r.id for r in regions]
    assert len(ids) == len(set(ids)) == 14
    assert set(get_region("twente").groups) == {"tien", "voorbeeld"}
    with pytest.raises(KeyError):
        regions_in_group("onbekend")
    with pytest.raises(KeyError, match="onbekende regio"):
        get_region("atlantis")


def test_every_region_is_complete_and_exists_in_2024(regions: list[Region], lookup: pd.DataFrame) -> None:
    known = set(lookup["gemeente_code"])
    for r in regions:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.id), r.id
        assert "corop" in r.delineations and r.default_delineation in r.delineations, r.id
        assert r.notes, r.id
        for kind, d in r.delineations.items():
            assert d.kind == kind
            assert d.gemeenten and set(d.gemeenten) <= known, (r.id, kind)
            assert list(d.gemeenten) == sorted(set(d.gemeenten)), (r.id, kind)
            assert d.basis and d.source and d.confidence in CONFIDENCES, (r.id, kind)
        if "beleid" in r.delineations:
            assert set(r.gemeenten("beleid")) != set(r.gemeenten("corop")), r.id


def test_corop_delineation_is_the_union_of_its_corop_areas(
    regions: list[Region], lookup: pd.DataFrame
) -> None:
    for r in regions:
        d = r.delineation("corop")
        assert d.corop_codes, r.id
        expected = set(lookup.loc[lookup["corop_code"].isin(d.corop_codes), "gemeente_code"])
        assert set(d.gemeenten) == expected, r.id
        if d.provincie_codes:
            in_pv = set(lookup.loc[lookup["provincie_code"].isin(d.provincie_codes), "gemeente_code"])
            assert set(d.gemeenten) == in_pv, r.id


def test_sub_areas_lie_inside_every_delineation(regions: list[Region]) -> None:
    with_subs = {r.id: r for r in regions if r.sub_areas}
    assert {s.id for s in with_subs["zuidoost-en-noord-fryslan"].sub_areas} == {
        "zuidoost-friesland",
        "noard-fryslan",
    }
    for r in with_subs.values():
        for sub in r.sub_areas:
            for kind in r.delineations:
                assert set(sub.gemeenten) <= set(r.gemeenten(kind)), (r.id, sub.id, kind)


def test_known_facts(lookup: pd.DataFrame) -> None:
    def corop(rid: str) -> set[str]:
        return set(get_region(rid).gemeenten("corop"))

    def beleid(rid: str) -> set[str]:
        return set(get_region(rid).gemeenten("beleid"))

    assert corop("zeeuws-vlaanderen") == {"GM0677", "GM0715", "GM1714"}
    assert get_region("twente").delineation("corop").corop_codes == ("CR12",) and len(corop("twente")) == 14
    for rid, cr in [("noord-limburg", "CR37"), ("midden-limburg", "CR38"), ("zuid-limburg", "CR39")]:
        assert get_region(rid).delineation().corop_codes == (cr,)
        assert set(get_region(rid).delineations) == {"corop"}
    brummen_lochem_zutphen = _gm(lookup, "Brummen", "Lochem", "Zutphen")
    assert len(corop("achterhoek")) == 11 and brummen_lochem_zutphen <= corop("achterhoek")
    assert beleid("achterhoek") == corop("achterhoek") - brummen_lochem_zutphen
    assert len(corop("kop-van-noord-holland")) == 11
    assert beleid("kop-van-noord-holland") == _gm(lookup, "Den Helder", "Hollands Kroon", "Schagen", "Texel")
    assert corop("zuid-en-oost-drenthe") == _gm(lookup, "Borger-Odoorn", "Coevorden", "Emmen")
    assert beleid("zuid-en-oost-drenthe") == corop("zuid-en-oost-drenthe") | _gm(
        lookup, "Aa en Hunze", "Hoogeveen", "Hardenberg"
    )
    assert corop("noord-en-oost-groningen") == _gm(
        lookup, "Oldambt", "Pekela", "Stadskanaal", "Veendam", "Westerwolde", "Eemsdelta"
    )
    assert beleid("noord-en-oost-groningen") == corop("noord-en-oost-groningen") | _gm(lookup, "Het Hogeland")
    assert get_region("noord-en-oost-groningen").delineation("beleid").confidence in {"middel", "laag"}
    fryslan = get_region("zuidoost-en-noord-fryslan")
    assert fryslan.delineation("corop").corop_codes == ("CR04", "CR06") and len(corop(fryslan.id)) == 16
    assert beleid(fryslan.id) == set().union(*(s.gemeenten for s in fryslan.sub_areas))
    assert _gm(lookup, "Leeuwarden") <= corop(fryslan.id) - beleid(fryslan.id)
    parkstad = _gm(
        lookup, "Heerlen", "Kerkrade", "Landgraaf", "Brunssum", "Beekdaelen", "Voerendaal", "Simpelveld"
    )
    assert beleid("parkstad-limburg") == parkstad and parkstad < corop("parkstad-limburg") == corop(
        "zuid-limburg"
    )
    assert get_region("veenkolonien").delineation().confidence == "laag"
    assert len(corop("noord-nederland")) == 40 and len(corop("nederland")) == 342


def test_default_delineation_rule(regions: list[Region]) -> None:
    """corop by default; beleid only for regions that are no COROP area (documented in the YAML header)."""
    beleid_default = {r.id for r in regions if r.default_delineation == "beleid"}
    assert beleid_default == {"parkstad-limburg", "veenkolonien"}
    header = REGIONS_YAML.read_text(encoding="utf-8").split("regions:")[0]
    assert "default_delineation" in header


def test_region_is_frozen(regions: list[Region]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        regions[0].name = "x"  # type: ignore[misc]
    with pytest.raises(KeyError, match="geen afbakening"):
        get_region("twente").delineation("beleid")


def test_membership_frame(regions: list[Region]) -> None:
    default = membership_frame()
    assert list(default.columns[:2]) == ["group_code", "region_code"]
    assert default.groupby("group_code").size()["parkstad-limburg"] == 7
    beleid = membership_frame(delineation="beleid")
    assert beleid.groupby("group_code").size()["twente"] == 14  # falls back to corop
    everything = membership_frame(all_delineations=True)
    assert everything["group_code"].nunique() == sum(len(r.delineations) for r in regions)
    assert not everything.duplicated(["group_code", "region_code"]).any()


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("gemeenten:\n          - {code: GM0677, naam: Sluis}", "heet 'Hulst'"),
        ("gemeenten:\n          - {code: GM9999, naam: Nergens}", "geen gemeente in 2024"),
        ("corop_codes: [CR99]", "onbekende codes"),
    ],
)
def test_invalid_yaml_is_rejected(lookup: pd.DataFrame, tmp_path: Path, snippet: str, message: str) -> None:
    kind = "corop" if snippet.startswith("corop") else "beleid"
    extra = "" if kind == "corop" else "\n      corop:\n        corop_codes: [CR31]\n" + _meta()
    yaml_text = f"""regions:
  - id: test
    name: Test
    groups: [context]
    default_delineation: corop
    delineations:
      {kind}:
        {snippet}
{_meta()}{extra}"""
    path = tmp_path / "regions.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(RegionConfigError, match=message):
        load_regions(path)


def _meta() -> str:
    return "        basis: b\n        source: s\n        confidence: laag\n"
