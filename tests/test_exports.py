"""dashboard/exports.py against the session's store: every download read back with ``csv`` and ``openpyxl``.

Header on row 1, every row the same width, Dutch columns, the regions (with the two unions of COROP areas)
equal to ``region_observations``, metadata in the companion file and sheet, formula injection neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dashboard import exports
from dashboard.components.fmt import METHOD_NL
from data_loaders.store import Store

REGIONS = ["noord-en-oost-groningen", "zuid-en-oost-drenthe", "zuid-limburg", "midden-limburg", "noord-limburg",
           "zeeuws-vlaanderen", "kop-van-noord-holland", "achterhoek", "zuidoost-en-noord-fryslan", "twente",
           "veenkolonien", "parkstad-limburg", "noord-nederland"]
COLUMNS = ["indicator", "indicatornaam", "regio", "gebiedscode", "gebied", "niveau", "afbakening", "periode", "waarde",
           "eenheid", "brontabel", "brontitel", "methode", "dekking"]
INDICATORS = ["werkloosheid", "mediaan_inkomen", "levensverwachting", "afstand_huisartsenpraktijk", "bevolking"]


@pytest.fixture(scope="module")
def store(built_store: Path) -> Iterator[Store]:
    opened = Store(built_store)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def export(store: Store) -> exports.Export:
    return exports.observations_export(INDICATORS, ["NL", "PV", "CR", "RG"], 2010, 2024, info=store.info,
                                       permalink="http://x/data?indicatoren=a", selection="test")


def read_csv(store: Store, export: exports.Export, flavour: str) -> tuple[bytes, list[list[str]]]:
    out = io.BytesIO()
    exports.write_csv(store, export, out, flavour)
    raw = out.getvalue()
    text = raw.decode("utf-8-sig" if flavour == "excel" else "utf-8")
    return raw, list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if flavour == "excel" else ","))


def number(text: str, flavour: str) -> float:
    return float(text.replace(",", ".") if flavour == "excel" else text)


def published_decimals(store: Store) -> dict[str, int]:
    """Per indicator the decimals of its CBS figures (the most any has, at most 3), computed here in Python."""
    out: dict[str, int] = {}
    for indicator_id, value in store.rows("SELECT indicator_id, value FROM observations WHERE method = 'cbs' "
                                          "AND value IS NOT NULL"):
        d = next((d for d in range(3) if abs(value - round(value, d)) < 1e-9), 3)
        out[indicator_id] = max(out.get(indicator_id, 0), d)
    return out


def region_values(store: Store) -> dict[tuple[str, str, int], float]:
    """The regions' stored values, rounded as the export promises (CBS decimals; one more when derived)."""
    decimals = published_decimals(store)
    rows = store.rows("""SELECT ro.region_id, ro.indicator_id, ro.period, ro.value, ro.method FROM region_observations ro
                         JOIN region_defs d ON d.region_id = ro.region_id AND d.default_delineation = ro.delineation
                         WHERE ro.value IS NOT NULL AND ro.region_id <> 'nederland'
                           AND ro.period BETWEEN 2010 AND 2024""")
    return {(r, i, int(p)): round(v, decimals.get(i, 1) + (m != "cbs")) for r, i, p, v, m in rows if i in INDICATORS}


def test_values_rounded_to_published_precision(store: Store, export: exports.Export) -> None:
    """Issue 22.12: no '80.16837829197578': every value has at most the CBS decimals (+1 when derived)."""
    _, rows = read_csv(store, export, "standard")
    col = {name: i for i, name in enumerate(COLUMNS)}
    decimals = published_decimals(store)
    for r in rows[1:]:
        text = r[col["waarde"]]
        allowed = decimals.get(r[col["indicator"]], 1) + (r[col["methode"]] != "CBS-cijfer")
        assert len(text.partition(".")[2]) <= allowed, (r[col["indicator"]], text)
        assert len(r[col["dekking"]].partition(".")[2]) <= 3
    assert max(len(r[col["waarde"]]) for r in rows[1:]) < 12
    assert "afgerond" in dict(exports.metadata_rows(export))["afronding"]


@pytest.mark.parametrize("flavour", ["standard", "excel"])
def test_csv_header_on_row_one_and_equal_widths(store: Store, export: exports.Export, flavour: str) -> None:
    raw, rows = read_csv(store, export, flavour)
    assert raw.startswith(b"\xef\xbb\xbf") == (flavour == "excel")
    assert rows[0] == COLUMNS, "the header must be row 1 (no comment lines above it)"
    assert len(rows) - 1 == exports.count_rows(store, export) > 1000
    assert {len(r) for r in rows} == {len(COLUMNS)}
    values = [r[COLUMNS.index("waarde")] for r in rows[1:] if r[COLUMNS.index("waarde")]]
    assert all(("," in v or "." not in v) if flavour == "excel" else "," not in v for v in values)
    assert {r[COLUMNS.index("niveau")] for r in rows[1:]} == {"Nederland", "Provincie", "COROP-gebied", "Regio"}
    assert set(r[COLUMNS.index("methode")] for r in rows[1:]) <= set(METHOD_NL.values())


@pytest.mark.parametrize("flavour", ["standard", "excel"])
def test_regions_equal_region_observations(store: Store, export: exports.Export, flavour: str) -> None:
    _, rows = read_csv(store, export, flavour)
    col = {name: i for i, name in enumerate(COLUMNS)}
    got = {(r[col["regio"]], r[col["indicator"]], int(r[col["periode"]])): number(r[col["waarde"]], flavour)
           for r in rows[1:] if r[col["niveau"]] == "Regio"}
    expected = region_values(store)
    assert got == expected, "region rows differ from region_observations (default delineation)"
    assert {key[0] for key in got} == set(REGIONS), "every region (ten + voorbeeld + Noord-Nederland) has rows"
    region_rows = [r for r in rows[1:] if r[col["niveau"]] == "Regio"]
    unions = {r[col["regio"]]: r[col["gebiedscode"]] for r in region_rows}
    assert unions["noord-en-oost-groningen"] == "CR01+CR02" and unions["zuidoost-en-noord-fryslan"] == "CR04+CR06"
    assert all(r[col["afbakening"]] for r in region_rows)
    derived = [r for r in region_rows if r[col["methode"]] != "CBS-cijfer"]
    assert derived and all(r[col["methode"]].startswith("afgeleid: ") and r[col["dekking"]] for r in derived)
    assert all(not r[col["dekking"]] for r in rows[1:] if r[col["methode"]] == "CBS-cijfer")


def test_xlsx_data_and_source_sheet(store: Store, export: exports.Export) -> None:
    out = io.BytesIO()
    n = exports.write_xlsx(store, export, out)
    book = load_workbook(io.BytesIO(out.getvalue()))  # not read_only: that mode drops empty trailing cells
    assert book.sheetnames == [exports.DATA_SHEET, exports.WIDE_SHEET, exports.META_SHEET]
    rows = list(book[exports.DATA_SHEET].iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS and len(rows) - 1 == n == exports.count_rows(store, export)
    assert {len(r) for r in rows} == {len(COLUMNS)}
    col = {name: i for i, name in enumerate(COLUMNS)}
    got = {(r[col["regio"]], r[col["indicator"]], int(r[col["periode"]])): r[col["waarde"]]
           for r in rows[1:] if r[col["niveau"]] == "Regio"}
    expected = region_values(store)
    assert got.keys() == expected.keys()
    assert got == pytest.approx(expected, rel=1e-14), "xlsx holds the rounded values"
    assert all(isinstance(r[col["waarde"]], float | int) for r in rows[1:])
    meta = dict(list(book[exports.META_SHEET].iter_rows(values_only=True))[1:])
    assert "CC BY 4.0" in meta["licentie"] and meta["permalink"] == "http://x/data?indicatoren=a"
    assert meta["gegevens opgehaald"] == store.info["retrieved"] and meta["rijen"].startswith(str(n))
    assert "kolom dekking" in meta


def test_metadata_companion_csv(store: Store, export: exports.Export) -> None:
    out = io.BytesIO()
    exports.write_metadata_csv(export, out, "standard", 12)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"))))
    assert rows[0] == ["onderdeel", "toelichting"] and {len(r) for r in rows} == {2}
    meta = dict(rows[1:])
    for key in ("bron", "licentie", "gegevens opgehaald", "permalink", "methode", "kolom waarde"):
        assert meta.get(key), key
    assert meta["rijen"].startswith("12 ")


def test_generic_export_neutralises_formulas(store: Store) -> None:
    """Any query can be exported (the claims export reuses this); text that looks like a formula stays text."""
    spec = exports.Export(
        sql="SELECT * FROM (VALUES ('=HYPERLINK(1)', -1.5, 1), ('＝1+1', 2.0, 2), ('\u200b@SUM(A1)', NULL, 3)) "
            "AS t(tekst, getal, volgorde)",
        params=(), order_by="volgorde", metadata=(("titel", "test"),),
        columns=(exports.Column("tekst", "text", "t"), exports.Column("getal", "number", "g"),
                 exports.Column("volgorde", "integer", "v")))
    _, rows = read_csv(store, spec, "excel")
    assert rows == [["tekst", "getal", "volgorde"], ["'=HYPERLINK(1)", "-1,5", "1"], ["'＝1+1", "2,0", "2"],
                    ["'\u200b@SUM(A1)", "", "3"]]
    out = io.BytesIO()
    exports.write_xlsx(store, spec, out)
    sheet = load_workbook(io.BytesIO(out.getvalue()))[exports.DATA_SHEET]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'=")
    assert sheet["B2"].value == -1.5 and sheet["B4"].value is None


def test_rows_are_streamed_in_bounded_batches(store: Store) -> None:
    everything = exports.observations_export(list(store.indicators["indicator_id"]), ["NL", "LD", "PV", "CR", "GM", "RG"],
                                             1990, 2030)
    sizes = [len(batch) for batch in exports.iter_rows(store, everything)]
    assert max(sizes) <= exports.BATCH_ROWS and sum(sizes) == exports.count_rows(store, everything) > 300_000
    assert len(exports.preview(store, everything)) == exports.PREVIEW_ROWS


@pytest.fixture(scope="module")
def workbook(store: Store, export: exports.Export) -> object:
    out = io.BytesIO()
    exports.write_xlsx(store, export, out)
    return load_workbook(io.BytesIO(out.getvalue()))


def _decimals(fmt: str) -> int:
    return len(fmt.split(".")[1]) if "." in fmt else 0


def test_xlsx_numbers_carry_their_indicators_decimals(store: Store, workbook: object) -> None:
    """Issue 22.14: every value has a number format with the decimals CBS publishes (one more when derived)."""
    rows = list(workbook[exports.DATA_SHEET].iter_rows(min_row=2))  # type: ignore[index]
    col = {name: i for i, name in enumerate(COLUMNS)}
    published = published_decimals(store)
    seen = set()
    for row in rows:
        value, method = row[col["waarde"]], row[col["methode"]].value
        if value.value is None:
            continue
        expected = published.get(row[col["indicator"]].value, 1) + (method != METHOD_NL["cbs"])
        assert value.number_format.startswith("#,##0") and _decimals(value.number_format) == expected, (
            row[col["indicator"]].value, method, value.number_format)
        seen.add(value.number_format)
        assert row[col["periode"]].number_format == "0", "years without a thousands separator"
        if row[col["dekking"]].value is not None:
            assert row[col["dekking"]].number_format == "#,##0.000"
    assert len(seen) >= 2, seen


def test_xlsx_has_autofilter_fitted_widths_and_frozen_header(workbook: object) -> None:
    sheet = workbook[exports.DATA_SHEET]  # type: ignore[index]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{sheet.max_row}"
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert set(widths) >= set("ABCDEFGHIJKLMN")
    for index, name in enumerate(COLUMNS):
        letter = "ABCDEFGHIJKLMN"[index]
        longest = max(len(str(c.value)) for (c,) in sheet.iter_rows(min_col=index + 1, max_col=index + 1)
                      if c.value is not None)
        assert widths[letter] >= min(exports.WIDTH_MAX, len(name) + 3), (name, widths[letter])
        if isinstance(sheet.cell(2, index + 1).value, str):
            assert widths[letter] >= min(exports.WIDTH_MAX, longest), (name, widths[letter], longest)
            assert widths[letter] <= max(exports.WIDTH_MAX, len(name) + 3)
    assert widths["E"] > widths["H"], "gebied is wider than periode"


def test_xlsx_wide_sheet_equals_the_long_data_with_the_nl_row(store: Store, workbook: object) -> None:
    long_rows = list(workbook[exports.DATA_SHEET].iter_rows(min_row=2, values_only=True))  # type: ignore[index]
    col = {name: i for i, name in enumerate(COLUMNS)}
    long = {(r[col["indicator"]], r[col["niveau"]], r[col["gebied"]], int(r[col["periode"]])): r[col["waarde"]]
            for r in long_rows if r[col["waarde"]] is not None}
    sheet = workbook[exports.WIDE_SHEET]  # type: ignore[index]
    header = [c.value for c in sheet[1]]
    keys = list(exports.WIDE_KEYS)
    assert header[:len(keys)] == keys and header[len(keys):] == sorted(header[len(keys):])
    years = [int(y) for y in header[len(keys):]]
    wide: dict[tuple[str, str, str, int], float] = {}
    formats = {}
    for row in sheet.iter_rows(min_row=2):
        key = dict(zip(keys, (c.value for c in row[:len(keys)]), strict=True))
        for year, cell in zip(years, row[len(keys):], strict=False):
            if cell.value is not None:
                wide[(key["indicator"], key["niveau"], key["gebied"], year)] = cell.value
                formats[(key["indicator"], key["niveau"], key["gebied"], year)] = cell.number_format
    assert wide == long, "the wide sheet holds exactly the long sheet's values"
    assert sheet.auto_filter.ref and sheet.freeze_panes == "G2"
    long_cells = {(r[col["indicator"]].value, r[col["niveau"]].value, r[col["gebied"]].value, int(r[col["periode"]].value)):
                  r[col["waarde"]].number_format
                  for r in workbook[exports.DATA_SHEET].iter_rows(min_row=2)}  # type: ignore[index]
    assert all(formats[k] == long_cells[k] for k in formats), "same decimals in both layouts"
    firsts = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        firsts.setdefault(row[0], row[3])
    assert set(firsts) == set(INDICATORS) - {i for i in INDICATORS if not any(k[0] == i for k in long)}
    assert set(firsts.values()) == {"Nederland"}, "each indicator's block starts with the Nederland row"


def test_xlsx_wide_sheet_has_nl_row_when_nl_is_not_selected(store: Store) -> None:
    export = exports.observations_export(["werkloosheid"], ["CR"], 2015, 2020, codes=["CR01", "CR02"])
    out = io.BytesIO()
    n = exports.write_xlsx(store, export, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert n == 2 * 6
    rows = list(book[exports.WIDE_SHEET].iter_rows(values_only=True))
    assert [r[4] for r in rows[1:]] == ["NL01", "CR01", "CR02"]
    assert rows[0][6:] == tuple(str(y) for y in range(2015, 2021))
    nl = dict(store.rows("SELECT period, round(value, 1) FROM observations WHERE indicator_id = 'werkloosheid' "
                         "AND region_code = 'NL01' AND period BETWEEN 2015 AND 2020"))
    assert rows[1][6:] == pytest.approx(tuple(nl[y] for y in range(2015, 2021)))


def test_file_stems_say_what_is_in_the_file() -> None:
    assert (exports.file_stem(["werkloosheid", "levensverwachting"], ["RG"], 2013, 2024)
            == "brede-welvaart_werkloosheid-levensverwachting_regios_2013-2024")
    assert (exports.file_stem(INDICATORS, ["NL", "CR"], 2020, 2020, "Veenkoloniën")
            == "brede-welvaart_werkloosheid-mediaan-inkomen-en-3-meer_nederland-corop_veenkolonien_2020")
    every = exports.file_stem(["a" * 90, "b" * 90], ["NL", "LD", "PV", "CR", "GM", "RG"], 1995, 2024, "tien-regios")
    assert len(every) <= exports.MAX_STEM and every.endswith("_alle-niveaus_tien-regios_1995-2024"), every
    assert all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in every)
