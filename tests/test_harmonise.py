"""Harmonisation: missing symbols, codes, periods, region titles, clear errors, former gemeenten."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_loaders.catalogue import Indicator, Source, load_catalogue
from data_loaders.harmonise import (
    MISSING_SYMBOLS,
    DataError,
    build_title_index,
    clean_code,
    level_of,
    parse_period,
    tidy_from_raw,
    title_to_code,
    to_numeric,
)
from data_loaders.store import Store

pytestmark = pytest.mark.usefixtures("no_network")

SOURCE = Source("T1", "Testtabel", "test.csv", "long", ("NL", "PV", "CR", "GM"), "jaar")
IND = Indicator("ind_a", "A", "A", "context", "%", "neutral", "T1", "M_1", "jaar", ("GM",), "weighted_mean")
IND_B = dataclasses.replace(IND, indicator_id="ind_b", measure="M_2")


def _raw(**columns: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    frame["_row"] = np.arange(len(frame)) + 2
    return frame


def _numbers(values: list[object]) -> pd.Series:
    series = pd.Series(values, dtype="string")
    return to_numeric(series, "f.csv, kolom M_1", pd.Series(np.arange(len(series)) + 2))


# --- missing symbols, numbers ---------------------------------------------------------------------
@pytest.mark.parametrize("symbol", [".", "", "x", "  .  ", "..", "-", None])
def test_missing_symbols_become_nan(symbol: object) -> None:
    assert math.isnan(_numbers([symbol]).iloc[0])


def test_numbers_parse_with_padding() -> None:
    assert _numbers([" 12.5 ", "7", "-3.25", "1e3"]).tolist() == [12.5, 7.0, -3.25, 1000.0]


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_text_round_trips_exactly(value: float) -> None:
    assert _numbers([repr(value)]).iloc[0] == value


@given(st.sampled_from(sorted(MISSING_SYMBOLS)), st.text(" ", max_size=3), st.text(" ", max_size=3))
def test_padded_missing_symbols_are_nan(symbol: str, left: str, right: str) -> None:
    assert math.isnan(_numbers([left + symbol + right]).iloc[0])


def test_garbage_number_names_file_column_and_row() -> None:
    raw = _raw(region_code=["GM0014", "GM0034", "GM0037"], Perioden=["2019", "2019", "2019"], M_1=["1.0", "2,5", "3"])
    with pytest.raises(DataError) as err:
        tidy_from_raw(raw, SOURCE, [IND], "test.csv")
    message = str(err.value)
    assert "test.csv" in message and "M_1" in message and "rij 3" in message and "'2,5'" in message
    assert "\n" not in message


# --- codes and periods ----------------------------------------------------------------------------
def test_codes_with_trailing_spaces_are_stripped() -> None:
    assert clean_code("GM0014    ") == "GM0014"
    assert clean_code("  NL01 ") == "NL01"
    raw = _raw(region_code=["GM0014    ", "CR01      ", "PV20      ", "NL01      "], Perioden=["2019JJ00"] * 4,
               M_1=["1", "2", "3", "4"])
    tidy = tidy_from_raw(raw, SOURCE, [IND], "test.csv")
    assert tidy["region_code"].tolist() == ["GM0014", "CR01", "PV20", "NL01"]
    assert tidy["region_level"].tolist() == ["GM", "CR", "PV", "NL"]


@pytest.mark.parametrize(("code", "level"), [("NL01", "NL"), ("LD01", "LD"), ("PV20", "PV"), ("CR01", "CR"),
                                             ("GM0014", "GM")])
def test_level_of(code: str, level: str) -> None:
    assert level_of(code) == level


@pytest.mark.parametrize(("value", "year"), [("2019JJ00", 2019), ("2019", 2019), (2019, 2019), ("2019.0", 2019),
                                             (" 2023JJ00 ", 2023)])
def test_period_codes(value: object, year: int) -> None:
    assert parse_period(value, "f.csv") == year


@pytest.mark.parametrize("value", ["2019KW01", "2019MM01", "19", "twintig", "", "2019JJ01", "2018-2021"])
def test_bad_period_is_data_error(value: str) -> None:
    with pytest.raises(DataError, match=r"f\.csv, kolom Perioden, rij 7: periode"):
        parse_period(value, "f.csv, kolom Perioden, rij 7")


def test_bad_period_in_table_names_row() -> None:
    raw = _raw(region_code=["GM0014", "GM0034"], Perioden=["2019JJ00", "2019KW02"], M_1=["1", "2"])
    with pytest.raises(DataError, match=r"test\.csv, kolom Perioden, rij 3"):
        tidy_from_raw(raw, SOURCE, [IND], "test.csv")


def test_unknown_region_code_names_row() -> None:
    raw = _raw(region_code=["GM0014", "XX99"], Perioden=["2019", "2019"], M_1=["1", "2"])
    with pytest.raises(DataError, match=r"test\.csv, kolom region_code, rij 3: onbekende regiocode 'XX99'"):
        tidy_from_raw(raw, SOURCE, [IND], "test.csv")


def test_other_area_codes_are_dropped() -> None:
    raw = _raw(region_code=["GM0014", "GG0706", "AM01", "CS070"], Perioden=["2019"] * 4, M_1=["1", "2", "3", "4"])
    assert tidy_from_raw(raw, SOURCE, [IND], "test.csv")["region_code"].tolist() == ["GM0014"]


# --- filters, missing columns, duplicates ---------------------------------------------------------
def test_filters_keep_only_wanted_rows() -> None:
    src = dataclasses.replace(SOURCE, filters={"Marges": "Waarde"})
    raw = _raw(region_code=["GM0014", "GM0014", "GM0034"], Perioden=["2019"] * 3,
               Marges=["Waarde", "Ondergrens 95%", " Waarde "], M_1=["1", "2", "3"])
    tidy = tidy_from_raw(raw, src, [IND], "test.csv")
    assert tidy["value"].tolist() == [1.0, 3.0]


def test_missing_filter_column_is_data_error() -> None:
    src = dataclasses.replace(SOURCE, filters={"Marges": "Waarde"})
    raw = _raw(region_code=["GM0014"], Perioden=["2019"], M_1=["1"])
    with pytest.raises(DataError, match=r"test\.csv: kolom 'Marges' ontbreekt"):
        tidy_from_raw(raw, src, [IND], "test.csv")


def test_missing_measure_column_names_column() -> None:
    raw = _raw(region_code=["GM0014"], Perioden=["2019"], M_1=["1"])
    with pytest.raises(DataError, match=r"test\.csv: kolom 'M_2' ontbreekt \(indicator ind_b\)"):
        tidy_from_raw(raw, SOURCE, [IND, IND_B], "test.csv")


def test_duplicate_row_is_data_error() -> None:
    raw = _raw(region_code=["GM0014", "GM0034", "GM0014"], Perioden=["2019", "2019", "2019JJ00"], M_1=["1", "2", "1"])
    with pytest.raises(DataError, match=r"test\.csv, rij (2|4): dubbele rij voor GM0014 periode 2019"):
        tidy_from_raw(raw, SOURCE, [IND], "test.csv")


def test_tidy_shape() -> None:
    raw = _raw(region_code=["GM0014", "GM0034"], Perioden=["2019", "2020"], M_1=["1.5", "."], M_2=["x", "4"])
    tidy = tidy_from_raw(raw, SOURCE, [IND, IND_B], "test.csv")
    assert list(tidy.columns) == ["indicator_id", "region_code", "region_level", "period", "value", "source_table",
                                  "method"]
    assert sorted(zip(tidy["indicator_id"], tidy["region_code"], tidy["period"], tidy["value"], strict=True)) == [
        ("ind_a", "GM0014", 2019, 1.5),
        ("ind_b", "GM0034", 2020, 4.0),
    ]
    assert set(tidy["method"]) == {"cbs"} and set(tidy["source_table"]) == {"T1"}


# --- region titles --------------------------------------------------------------------------------
SMALL_REGIONS = pd.DataFrame(
    {
        "region_code": ["NL01", "PV20", "CR01", "GM0014", "GM0114", "GM0003"],
        "region_level": ["NL", "PV", "CR", "GM", "GM", "GM"],
        "name": ["Nederland", "Groningen", "Oost-Groningen", "Groningen", "Emmen", "Appingedam"],
        "is_current": [True, True, True, True, True, False],
    }
)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Oost-Groningen (CR)", "CR01"),
        ("Groningen (PV)", "PV20"),
        ("Groningen (gemeente)", "GM0014"),
        ("Groningen", "GM0014"),
        ("Emmen", "GM0114"),
        ("  Emmen ", "GM0114"),
        ("Nederland", "NL01"),
        ("Appingedam (gemeente)", "GM0003"),
        ("Appingedam", None),  # former gemeenten only by explicit level, never by plain name
        ("Atlantis", None),
        ("Emmen (PV)", None),
    ],
)
def test_title_to_code_small(title: str, code: str | None) -> None:
    assert title_to_code(title, build_title_index(SMALL_REGIONS)) == code


def test_title_to_code_on_store_regions(built_store: Path) -> None:
    store = Store(built_store)
    try:
        index = build_title_index(store.regions)
    finally:
        store.close()
    assert title_to_code("Oost-Groningen (CR)", index) == "CR01"
    assert title_to_code("Groningen (PV)", index) == "PV20"
    assert title_to_code("Emmen", index) == "GM0114"
    assert title_to_code("Súdwest-Fryslân", index) == "GM1900"
    assert title_to_code("Zuid-Limburg (CR)", index) == "CR39"
    assert title_to_code("Nederland", index) == "NL01"


# --- former gemeenten -----------------------------------------------------------------------------
def test_former_gemeente_kept_as_is_in_tidy() -> None:
    raw = _raw(region_code=["GM0003", "GM1979"], Perioden=["2020JJ00", "2021JJ00"], M_1=["11642", "38155"])
    tidy = tidy_from_raw(raw, SOURCE, [IND], "test.csv")
    assert tidy["region_code"].tolist() == ["GM0003", "GM1979"]


def test_former_gemeenten_in_store_not_current_and_not_remapped(built_store: Path, bundle_dir: Path) -> None:
    cat = load_catalogue()
    src = cat.sources["03759NED"]
    bundle = pd.read_csv(bundle_dir / "cbs" / src.file, dtype={"region_code": str})
    bundle = bundle[bundle["region_code"].str.startswith("GM")]
    store = Store(built_store)
    try:
        regions = store.regions.set_index("region_code")
        stored = store.df(
            "SELECT region_code, period, value FROM observations WHERE indicator_id = 'bevolking' AND region_level = 'GM'"
        )
    finally:
        store.close()
    assert not bool(regions.loc["GM0003", "is_current"])
    assert regions.loc["GM0003", "region_level"] == "GM"
    assert "Appingedam" in regions.loc["GM0003", "name"]
    former = set(bundle.loc[bundle["in_gemeente_indeling_2025"].astype(str) == "False", "region_code"])
    assert "GM0003" in former
    assert not regions.loc[sorted(former), "is_current"].any()
    # Same codes, same values: nothing folded into a successor gemeente.
    assert set(stored["region_code"]) == set(bundle["region_code"])
    appingedam = stored[stored["region_code"] == "GM0003"].sort_values("period")
    expected = bundle[bundle["region_code"] == "GM0003"].sort_values("jaar")
    assert appingedam["period"].tolist() == expected["jaar"].tolist()
    assert appingedam["value"].tolist() == expected["BevolkingOp1Januari"].tolist()
