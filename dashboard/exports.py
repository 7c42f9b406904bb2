"""Downloads in bounded memory: one query → CSV (standard or Excel NL), .xlsx, a capped preview and its metadata.

An :class:`Export` is a SQL query on the store plus its Dutch columns and a *Bron en methode* block (source,
licence, retrieval date, permalink, method). The writers stream the rows from one DuckDB cursor in batches, so
no export is ever a full DataFrame in memory; the preview is a ``LIMIT`` query. Text cells go through
``safety.neutralise_csv_cell`` (formula injection) in CSV and xlsx alike. Every CSV has its header on row 1.

:func:`observations_export` is the data page's export (CBS areas and the regions); another export (for
instance all claims with verdicts and evidence) only needs its own query, columns and metadata.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import pandas as pd

from dashboard.components.fmt import METHOD_NL
from dashboard.safety import neutralise_csv_cell
from data_loaders.store import Store

BATCH_ROWS = 5000
PREVIEW_ROWS = 500
DATA_SHEET = "Gegevens"
META_SHEET = "Bron en methode"
META_COLUMNS = ("onderdeel", "toelichting")
LICENCE = "CC BY 4.0 (Creative Commons Naamsvermelding); vermeld bij hergebruik: Bron: CBS"
SOURCE = "CBS (Centraal Bureau voor de Statistiek): StatLine-tabellen en de Regionale Monitor Brede Welvaart"
LEVEL_NAMES = {"NL": "Nederland", "LD": "Landsdeel", "PV": "Provincie", "CR": "COROP-gebied", "GM": "Gemeente",
               "RG": "Regio"}
REGION_LEVEL = "RG"  # not a CBS level: the ten regions, the voorbeeldregio's and Noord-Nederland
DELINEATION_NAMES = {"corop": "COROP-indeling (CBS)", "beleid": "Beleidsregio"}


@dataclass(frozen=True)
class Column:
    """One output column: Dutch header, kind (``text``, ``number`` or ``integer``) and what it holds."""

    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class Export:
    """A download: ``sql`` selects exactly ``columns`` (in order); ``order_by`` is appended for the file.

    With ``split_column`` the file is read as one query per value in ``split_values`` (in that order), each
    sorted on its own: DuckDB then never holds more than one part's sorted rows (bounded memory).
    """

    sql: str
    params: tuple[Any, ...]
    columns: tuple[Column, ...]
    order_by: str
    metadata: tuple[tuple[str, str], ...]
    split_column: str | None = None
    split_values: tuple[Any, ...] = ()
    decimals: tuple[tuple[str, str], ...] = ()  # number column → SQL (on ``sql``'s columns): its decimals in the xlsx
    wide: Wide | None = None  # the workbook's second layout (areas × years), when the export has one

    @property
    def header(self) -> list[str]:
        """The column names, as on row 1."""
        return [c.name for c in self.columns]

    @property
    def select(self) -> str:
        """Exactly the output columns of ``sql`` (which may carry extra columns for sorting)."""
        return self.select_with()

    def select_with(self, extra: Sequence[str] = ()) -> str:
        """The output columns, then the SQL expressions ``extra`` (on ``sql``'s columns)."""
        return f"SELECT {', '.join([*self.header, *extra])} FROM ({self.sql})"


@dataclass(frozen=True)
class Wide:
    """A wide layout of an observations query: one row per ``keys`` (an indicator and an area), one column per period.

    ``sql`` has the columns ``keys``, ``periode``, ``waarde`` and ``_dec`` (the value's decimals) and is read sorted on
    ``order_by``, so the rows of one key follow each other (bounded memory).
    """

    sql: str
    params: tuple[Any, ...]
    keys: tuple[str, ...]
    order_by: str


# --------------------------------------------------------------------------------------------------
# Generic: count, preview, rows, writers
# --------------------------------------------------------------------------------------------------
def count_rows(store: Store, export: Export) -> int:
    """Number of rows the export will hold."""
    return int(store.rows(f"SELECT count(*) FROM ({export.sql})", export.params)[0][0])


def preview(store: Store, export: Export, limit: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``limit`` rows (a SQL ``LIMIT``: never the whole export in memory)."""
    return store.df(f"{export.select} ORDER BY {export.order_by} LIMIT {int(limit)}", export.params)


def iter_rows(store: Store, export: Export, size: int = BATCH_ROWS,
              extra: Sequence[str] = ()) -> Iterator[list[tuple[Any, ...]]]:
    """All rows in file order, in batches of at most ``size`` (one cursor per part); each row ends with the values of
    the SQL expressions ``extra``."""
    select = export.select_with(extra)
    if not export.split_column:
        yield from store.batches(f"{select} ORDER BY {export.order_by}", export.params, size)
        return
    sql = f"{select} WHERE {export.split_column} = ? ORDER BY {export.order_by}"
    for value in export.split_values:
        yield from store.batches(sql, (*export.params, value), size)


def _cell_functions(columns: Sequence[Column], decimal: str) -> list[Callable[[Any], Any]]:
    """Per column: value → what the writer gets (numbers formatted, text neutralised; memoised per value)."""

    def number(value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, float):  # rounded in SQL: the shortest text that reads back the same ('17282163', '3.6')
            text = str(int(value)) if value.is_integer() else repr(value)
        else:
            text = str(value)
        return text.replace(".", decimal) if decimal != "." else text

    def text_cell() -> Callable[[Any], Any]:
        memo: dict[Any, Any] = {}

        def cell(value: Any) -> Any:
            if value is None:
                return ""
            if value not in memo:
                if len(memo) > 100_000:  # unbounded distinct texts: stop remembering
                    memo.clear()
                memo[value] = neutralise_csv_cell(str(value))
            return memo[value]

        return cell

    return [number if c.kind in ("number", "integer") else text_cell() for c in columns]


def write_csv(store: Store, export: Export, out: IO[bytes], flavour: str = "standard") -> int:
    """Write the export as CSV to ``out``; return the number of data rows.

    ``standard``: UTF-8, comma, decimal point. ``excel`` (Excel NL): UTF-8 with BOM, semicolon, decimal comma.
    Row 1 is the header; every row has the same number of fields.
    """
    excel = flavour == "excel"
    text = io.TextIOWrapper(out, encoding="utf-8-sig" if excel else "utf-8", newline="", write_through=False)
    try:
        writer = csv.writer(text, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
        writer.writerow([neutralise_csv_cell(h) for h in export.header])
        cells = _cell_functions(export.columns, "," if excel else ".")
        n = 0
        for batch in iter_rows(store, export):
            writer.writerows([[f(v) for f, v in zip(cells, row, strict=True)] for row in batch])
            n += len(batch)
        text.flush()
        return n
    finally:
        text.detach()


def metadata_rows(export: Export, n_rows: int | None = None) -> list[tuple[str, str]]:
    """The *Bron en methode* block: fixed entries, then one row per column."""
    rows = list(export.metadata)
    if n_rows is not None:
        rows.append(("rijen", f"{n_rows} rijen (plus de kopregel)"))
    rows += [(f"kolom {c.name}", c.description) for c in export.columns]
    return rows


def write_metadata_csv(export: Export, out: IO[bytes], flavour: str = "standard", n_rows: int | None = None) -> None:
    """The *Bron en methode* block as its own CSV (header ``onderdeel,toelichting`` on row 1)."""
    excel = flavour == "excel"
    text = io.TextIOWrapper(out, encoding="utf-8-sig" if excel else "utf-8", newline="")
    try:
        writer = csv.writer(text, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
        writer.writerow(META_COLUMNS)
        writer.writerows([[neutralise_csv_cell(k), neutralise_csv_cell(v)] for k, v in metadata_rows(export, n_rows)])
        text.flush()
    finally:
        text.detach()


WIDE_SHEET = "Per jaar"
WIDE_KEYS = ("indicator", "indicatornaam", "eenheid", "niveau", "gebiedscode", "gebied")
WIDTH_MIN, WIDTH_MAX = 8, 60  # column widths in the workbook (characters)
NUMBER_WIDTH = 12  # a number column is at least this wide (113.915,0 fits)


def number_format(decimals: int | None, kind: str = "number") -> str:
    """Excel's number format for ``decimals`` decimals (thousands grouped); a year or count: plain digits."""
    if kind == "integer":
        return "0"
    if decimals is None:
        return "General"
    return "#,##0" + ("." + "0" * int(decimals) if decimals > 0 else "")


def _formatted(sheet: Any, styles: dict[str, Any]) -> Callable[[Any, str], Any]:
    """A maker of write-only cells with a number format; each format's style is built once (``styles``) and copied."""
    from copy import copy

    from openpyxl.cell import WriteOnlyCell

    def make(value: Any, fmt: str) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        style = styles.get(fmt)
        if style is None:
            cell.number_format = fmt
            styles[fmt] = copy(cell._style)
        else:
            cell._style = copy(style)
        return cell

    return make


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _widths(store: Store, export: Export) -> list[float]:
    """Column widths that fit the header and the longest text (one SQL aggregate, not the rows in Python)."""
    texts = [c for c in export.columns if c.kind == "text"]
    longest: dict[str, int] = {}
    if texts:
        sql = "SELECT " + ", ".join(f"max(length(CAST({c.name} AS VARCHAR)))" for c in texts) + f" FROM ({export.sql})"
        row = store.rows(sql, export.params)[0]
        longest = {c.name: int(v or 0) for c, v in zip(texts, row, strict=True)}
    out = []
    for c in export.columns:
        content = longest.get(c.name, 0) if c.kind == "text" else (6 if c.kind == "integer" else NUMBER_WIDTH)
        out.append(float(min(WIDTH_MAX, max(WIDTH_MIN, len(c.name) + 3, content + 2))))  # +3: the filter's arrow
    return out


def write_xlsx(store: Store, export: Export, out: IO[bytes]) -> int:
    """An .xlsx workbook as Excel users expect it: sheet *Gegevens* (header on row 1 frozen, an autofilter, fitted
    column widths, every number with the decimals of its indicator), with a wide layout the sheet *Per jaar* (areas ×
    years per indicator, Nederland first), and the sheet *Bron en methode*.

    openpyxl's write-only mode keeps only the current row in memory. Text is neutralised as in the CSV
    (a string starting with ``=`` would otherwise be stored as a formula) and stripped of characters XML cannot hold.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(value: Any) -> Any:
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    book = Workbook(write_only=True)
    sheet = book.create_sheet(DATA_SHEET)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_widths(store, export), start=1):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.append([clean(neutralise_csv_cell(h)) for h in export.header])
    texts = [None if c.kind in ("number", "integer") else _cell_functions([c], ".")[0] for c in export.columns]
    decimals = dict(export.decimals)
    extra = [decimals[c.name] for c in export.columns if c.name in decimals]
    slot = {c.name: len(export.columns) + k for k, c in enumerate(c for c in export.columns if c.name in decimals)}
    fixed = [number_format(None, c.kind) if c.kind in ("number", "integer") and c.name not in decimals else None
             for c in export.columns]
    formats: dict[Any, str] = {}
    styles: dict[str, Any] = {}
    cell = _formatted(sheet, styles)

    def number(column: int, value: Any, row: tuple[Any, ...]) -> Any:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        name = export.columns[column].name
        fmt = fixed[column] if name not in slot else formats.setdefault(row[slot[name]], number_format(row[slot[name]]))
        return value if fmt == "General" else cell(value, fmt)

    n = 0
    for batch in iter_rows(store, export, extra=extra):
        for row in batch:
            sheet.append([number(k, v, row) if f is None else clean(f(v))
                          for k, (f, v) in enumerate(zip(texts, row[:len(texts)], strict=True))])
        n += len(batch)
    sheet.auto_filter.ref = f"A1:{_column_letter(len(export.columns))}{n + 1}"
    if export.wide is not None:
        _write_wide(store, export.wide, book.create_sheet(WIDE_SHEET), clean, styles)
    meta = book.create_sheet(META_SHEET)
    meta.column_dimensions["A"].width = 28
    meta.column_dimensions["B"].width = 100
    meta.append(list(META_COLUMNS))
    for key, value in metadata_rows(export, n):
        meta.append([clean(neutralise_csv_cell(key)), clean(neutralise_csv_cell(value))])
    book.save(out)
    return n


def _write_wide(store: Store, wide: Wide, sheet: Any, clean: Callable[[Any], Any], styles: dict[str, Any]) -> int:
    """The wide layout into ``sheet``: header (the keys, then one column per period), one row per key; returns rows."""
    make = _formatted(sheet, styles)
    periods = [int(r[0]) for r in store.rows(f"SELECT DISTINCT periode FROM ({wide.sql}) ORDER BY 1", wide.params)]
    column = {p: k for k, p in enumerate(periods)}
    n_keys = len(wide.keys)
    sheet.freeze_panes = f"{_column_letter(n_keys + 1)}2"
    text = _cell_functions([Column(k, "text", "") for k in wide.keys], ".")
    for index, width in enumerate([22, 36, 14, 14, 14, 34], start=1):
        if index <= n_keys:
            sheet.column_dimensions[_column_letter(index)].width = width
    for index in range(n_keys + 1, n_keys + len(periods) + 1):
        sheet.column_dimensions[_column_letter(index)].width = NUMBER_WIDTH
    sheet.append([*wide.keys, *(str(p) for p in periods)])
    formats: dict[Any, str] = {}
    sql = f"SELECT {', '.join(wide.keys)}, periode, waarde, _dec FROM ({wide.sql}) ORDER BY {wide.order_by}"
    current: tuple[Any, ...] | None = None
    cells: list[Any] = []
    n = 0

    def flush() -> None:
        nonlocal n
        if current is not None:
            sheet.append([clean(f(v)) for f, v in zip(text, current, strict=True)] + cells)
            n += 1

    for batch in store.batches(sql, wide.params, BATCH_ROWS):
        for row in batch:
            key, period, value, decimals = row[:n_keys], row[n_keys], row[n_keys + 1], row[n_keys + 2]
            if key != current:
                flush()
                current, cells = key, [None] * len(periods)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            cells[column[int(period)]] = make(value, formats.setdefault(decimals, number_format(decimals)))
    flush()
    sheet.auto_filter.ref = f"A1:{_column_letter(n_keys + len(periods))}{n + 1}"
    return n


FILE_PREFIX = "brede-welvaart"
LEVEL_SLUGS = {"NL": "nederland", "LD": "landsdelen", "PV": "provincies", "CR": "corop", "GM": "gemeenten",
               REGION_LEVEL: "regios"}
MAX_NAMED_INDICATORS = 3  # more: the first two and "en-N-meer"
MAX_STEM = 120


def slug(text: str) -> str:
    """ASCII, lower case, words joined by '-' ('Veenkoloniën' → 'veenkolonien', 'tevredenheid_leven' →
    'tevredenheid-leven')."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def file_stem(indicator_ids: Sequence[str], levels: Sequence[str], first: int, last: int, scope: str = "") -> str:
    """A file name (without extension) that says what is in the file:
    ``brede-welvaart_werkloosheid-levensverwachting_regios_2013-2024``; more than three indicators read as the first
    two and 'en-N-meer', every level in the selection's order, then ``scope`` (a region, 'tien-regios') and the
    period."""
    names = [slug(i) for i in indicator_ids if slug(i)]
    if len(names) > MAX_NAMED_INDICATORS:
        names = [*names[:2], f"en-{len(names) - 2}-meer"]
    level_part = ("alle-niveaus" if set(levels) >= set(LEVEL_SLUGS)
                  else "-".join(LEVEL_SLUGS[lv] for lv in dict.fromkeys(levels) if lv in LEVEL_SLUGS))
    period = f"{first}" if first == last else f"{first}-{last}"
    parts = [FILE_PREFIX, "-".join(names) or "geen-indicatoren", level_part, slug(scope), period]
    stem = "_".join(p for p in parts if p)
    if len(stem) > MAX_STEM:  # very long indicator ids: shorten the indicator part, keep the rest whole
        keep = len(stem) - len(parts[1]) + 1
        parts[1] = parts[1][:max(10, MAX_STEM - keep)].rstrip("-")
        stem = "_".join(p for p in parts if p)
    return stem


# --------------------------------------------------------------------------------------------------
# The data page: observations of CBS areas, plus the regions
# --------------------------------------------------------------------------------------------------
OBSERVATION_COLUMNS = (
    Column("indicator", "text", "code van de indicator in dit dashboard"),
    Column("indicatornaam", "text", "naam van de indicator"),
    Column("regio", "text", "alleen op niveau Regio: code van de regio (zoals in de link /twente), anders leeg"),
    Column("gebiedscode", "text", "CBS-gebiedscode (NL01, LDxx, PVxx, CRxx, GMxxxx); bij een regio de COROP-gebieden "
                                  "van de afbakening (CR01+CR02), leeg bij een beleidsafbakening"),
    Column("gebied", "text", "naam van het gebied of de regio"),
    Column("niveau", "text", "Nederland, Landsdeel, Provincie, COROP-gebied, Gemeente of Regio"),
    Column("afbakening", "text", "alleen bij een regio: de gebruikte afbakening (de standaardafbakening van die regio)"),
    Column("periode", "integer", "jaar"),
    Column("waarde", "number", "de waarde, in de eenheid van de kolom eenheid"),
    Column("eenheid", "text", "eenheid van de waarde"),
    Column("brontabel", "text", "CBS-tabel (StatLine-id) of RMBW (Regionale Monitor Brede Welvaart)"),
    Column("brontitel", "text", "titel van de CBS-tabel"),
    Column("methode", "text", "CBS-cijfer (door CBS gepubliceerd) of afgeleid: hoe dit dashboard de waarde berekende"),
    Column("dekking", "number", "bij afgeleide waarden: aandeel (0-1) van de bevolking of oppervlakte van de gemeenten "
                                "(of COROP-gebieden) waarvoor CBS een waarde publiceert; leeg bij CBS-cijfers"),
)


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _method_join(alias: str) -> tuple[str, list[str]]:
    """A VALUES list method → Dutch description (``fmt.METHOD_NL``) to join on ``<alias>.method``."""
    pairs = list(METHOD_NL.items())
    values = ", ".join("(?, ?)" for _ in pairs)
    sql = f"LEFT JOIN (VALUES {values}) AS m(method, methode) ON m.method = {alias}.method"
    return sql, [x for pair in pairs for x in pair]


MAX_DECIMALS = 3
# The decimals CBS publishes for an indicator: the most any of its CBS figures in the store has (at most MAX_DECIMALS).
_DECIMALS_SQL = " ".join(f"WHEN abs(value - round(value, {d})) < 1e-9 THEN {d}" for d in range(MAX_DECIMALS))
PRECISION_NOTE = ("waarden zijn afgerond op het aantal decimalen dat CBS voor de indicator publiceert (het grootste "
                  f"aantal in de CBS-cijfers, hoogstens {MAX_DECIMALS}); afgeleide waarden op één decimaal meer")


def _precision_join(alias: str, indicator_ids: Sequence[str] | None) -> tuple[str, list[Any]]:
    """A join that gives ``p.d``, the decimals CBS publishes for ``<alias>.indicator_id`` (see ``PRECISION_NOTE``)."""
    where = f" AND indicator_id IN ({_marks(indicator_ids)})" if indicator_ids else ""
    sql = (f"LEFT JOIN (SELECT indicator_id, max(CASE {_DECIMALS_SQL} ELSE {MAX_DECIMALS} END) AS d FROM observations "
           f"WHERE method = 'cbs' AND value IS NOT NULL{where} GROUP BY indicator_id) p "
           f"ON p.indicator_id = {alias}.indicator_id")
    return sql, list(indicator_ids or [])


def _decimals_sql(method: str) -> str:
    """SQL: the decimals of a value (``p.d`` for a CBS figure, one more when derived), as ``_rounded`` rounds it."""
    return f"CASE WHEN {method} = 'cbs' THEN coalesce(p.d, 1) ELSE coalesce(p.d, 1) + 1 END"


def _rounded(value: str, method: str) -> str:
    """SQL: ``value`` rounded to the published decimals (``p.d``), one more for a derived value."""
    return f"round({value}, {_decimals_sql(method)})"


def _observations_sql(indicator_ids: Sequence[str], levels: Sequence[str], first_period: int, last_period: int,
                      codes: Sequence[str] | None, region_ids: Sequence[str] | None) -> tuple[str, list[Any]]:
    """The query of :func:`observations_export` (its columns, ``_level_order`` and ``_dec``) and its parameters."""
    parts: list[str] = []
    params: list[Any] = []
    level_case = "CASE o.region_level " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in LEVEL_NAMES.items()) + " END"
    cbs_levels = [lv for lv in levels if lv != REGION_LEVEL]
    if indicator_ids and cbs_levels:
        join, join_params = _method_join("o")
        pjoin, pjoin_params = _precision_join("o", indicator_ids)
        sql = f"""
            SELECT o.indicator_id AS indicator, i.name_nl AS indicatornaam, CAST(NULL AS VARCHAR) AS regio,
                   o.region_code AS gebiedscode, r.name AS gebied, {level_case} AS niveau,
                   CAST(NULL AS VARCHAR) AS afbakening, o.period AS periode, {_rounded("o.value", "o.method")} AS waarde,
                   i.unit AS eenheid, o.source_table AS brontabel, s.title AS brontitel,
                   coalesce(m.methode, o.method) AS methode, round(o.coverage, 3) AS dekking, {_decimals_sql("o.method")} AS _dec,
                   list_position(['NL', 'LD', 'PV', 'CR', 'GM'], o.region_level) AS _level_order
            FROM observations o
            JOIN indicators i USING (indicator_id)
            JOIN regions r USING (region_code)
            LEFT JOIN sources s ON s.source_table = o.source_table
            {join}
            {pjoin}
            WHERE o.indicator_id IN ({_marks(indicator_ids)}) AND o.region_level IN ({_marks(cbs_levels)})
              AND o.period BETWEEN ? AND ?"""
        params += [*join_params, *pjoin_params, *indicator_ids, *cbs_levels, int(first_period), int(last_period)]
        if codes:
            sql += f" AND o.region_code IN ({_marks(codes)})"
            params += list(codes)
        parts.append(sql)
    if indicator_ids and REGION_LEVEL in levels:
        join, join_params = _method_join("ro")
        pjoin, pjoin_params = _precision_join("ro", indicator_ids)
        delin_case = "CASE ro.delineation " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in DELINEATION_NAMES.items())
        sql = f"""
            SELECT ro.indicator_id AS indicator, i.name_nl AS indicatornaam, ro.region_id AS regio,
                   CASE WHEN ro.delineation = 'corop' AND rd.corop_codes <> '' THEN replace(rd.corop_codes, ',', '+')
                   END AS gebiedscode,
                   d.name AS gebied, '{LEVEL_NAMES[REGION_LEVEL]}' AS niveau,
                   {delin_case} ELSE ro.delineation END AS afbakening,
                   ro.period AS periode, {_rounded("ro.value", "ro.method")} AS waarde, i.unit AS eenheid,
                   ro.source_table AS brontabel, s.title AS brontitel, coalesce(m.methode, ro.method) AS methode,
                   round(ro.coverage, 3) AS dekking, {_decimals_sql("ro.method")} AS _dec,
                   6 AS _level_order
            FROM region_observations ro
            JOIN region_defs d ON d.region_id = ro.region_id AND d.default_delineation = ro.delineation
            LEFT JOIN region_delineations rd ON rd.region_id = ro.region_id AND rd.delineation = ro.delineation
            JOIN indicators i USING (indicator_id)
            LEFT JOIN sources s ON s.source_table = ro.source_table
            {join}
            {pjoin}
            WHERE ro.value IS NOT NULL AND ro.region_id <> 'nederland'
              AND ro.indicator_id IN ({_marks(indicator_ids)}) AND ro.period BETWEEN ? AND ?"""
        params += [*join_params, *pjoin_params, *indicator_ids, int(first_period), int(last_period)]
        if region_ids:
            sql += f" AND ro.region_id IN ({_marks(region_ids)})"
            params += list(region_ids)
        parts.append(sql)
    body = " UNION ALL ".join(parts) if parts else "SELECT " + ", ".join(
        f"CAST(NULL AS {'DOUBLE' if c.kind == 'number' else 'INTEGER' if c.kind == 'integer' else 'VARCHAR'}) AS {c.name}"
        for c in OBSERVATION_COLUMNS) + ", 0 AS _level_order, 0 AS _dec WHERE false"
    return body, params


def observations_export(
    indicator_ids: Sequence[str],
    levels: Sequence[str],
    first_period: int,
    last_period: int,
    *,
    codes: Sequence[str] | None = None,
    region_ids: Sequence[str] | None = None,
    info: dict[str, str] | None = None,
    permalink: str = "",
    selection: str = "",
) -> Export:
    """The data page's export: CBS areas of ``levels`` (optionally only ``codes``) and, with level ``RG``, the
    regions (``region_ids``, default all but Nederland) in their default delineation from ``region_observations``."""
    info = info or {}
    body, params = _observations_sql(indicator_ids, levels, first_period, last_period, codes, region_ids)
    wide_levels = list(dict.fromkeys(["NL", *levels]))  # the wide layout always has the Nederland row
    wide_sql, wide_params = _observations_sql(indicator_ids, wide_levels, first_period, last_period,
                                              [*codes, "NL01"] if codes else None, region_ids)
    metadata = (
        ("titel", "Brede Welvaart Regiodashboard: export van cijfers"),
        ("bron", SOURCE),
        ("licentie", LICENCE),
        ("gegevens opgehaald", info.get("retrieved", "?")),
        ("datastore gebouwd", f"{info.get('built_at', '?')} uit bron '{info.get('source', '?')}'"),
        ("permalink", permalink),
        ("selectie", selection),
        ("methode", "CBS-cijfer: door CBS gepubliceerd. Afgeleid: door dit dashboard berekend uit gemeentecijfers "
                    "(of COROP-cijfers) van CBS; de kolom methode zegt hoe, de kolom dekking voor welk deel."),
        ("afronding", PRECISION_NOTE + "; dekking op drie decimalen"),
        ("werkmap", f"blad {DATA_SHEET}: één rij per gebied, jaar en indicator (met filter); blad {WIDE_SHEET}: per "
                    "indicator één rij per gebied en één kolom per jaar, Nederland als eerste rij, klaar voor een "
                    "grafiek; in beide bladen staat elk getal met de decimalen van zijn indicator"),
        ("regio's", "niveau Regio: de tien regio's (SER Noord-Nederland, voetnoot 5), de voorbeeldregio's en "
                    "Noord-Nederland, elk in hun standaardafbakening (kolom afbakening). Waar die afbakening precies "
                    "één CBS-gebied is, is de waarde het CBS-cijfer; anders is ze afgeleid."),
        *((f"methode: {nl}", f"in de kolom methode als '{nl}' (code {code})") for code, nl in METHOD_NL.items()),
    )
    return Export(
        sql=body,
        params=tuple(params),
        columns=OBSERVATION_COLUMNS,
        order_by="indicator, _level_order, gebiedscode, regio, periode",
        metadata=metadata,
        split_column="indicator",
        split_values=tuple(sorted(set(indicator_ids))),
        decimals=(("waarde", "_dec"), ("dekking", "3")),
        wide=Wide(sql=wide_sql, params=tuple(wide_params), keys=WIDE_KEYS,
                  order_by="indicator, _level_order, gebiedscode, regio, gebied, periode"),
    )


# --------------------------------------------------------------------------------------------------
# All claims with their verdicts and the evidence behind them (tables written by seeds.engine)
# --------------------------------------------------------------------------------------------------
CLAIM_COLUMNS = (
    Column("claim", "text", "id van de claim in het register (c001, c002, ...)"),
    Column("document", "text", "titel van het beleidsdocument"),
    Column("paragraaf", "text", "kop waaronder de tekst staat"),
    Column("citaat", "text", "letterlijk citaat uit het document"),
    Column("samenvatting", "text", "de claim in één zin"),
    Column("toets", "text", "soort toets: niveau, achterstand, spreiding, groep, ontwikkeling of krimp; leeg als niet "
                            "toetsbaar"),
    Column("verwachting", "text", "wat de claim volgens de toets verwacht (bv. slechter, groeit, neemt toe)"),
    Column("oordeel", "text", "oordeel over de claim als geheel: ondersteund, overwegend ondersteund, gemengd beeld, "
                              "geen duidelijk verschil, overwegend tegengesproken, tegengesproken of niet toetsbaar"),
    Column("oordeel_tekst", "text", "het oordeel met het aantal indicatoren in de richting van de claim en de andere kant"),
    Column("venster", "text", "het ene venster van de claim (of het vergeleken jaar)"),
    Column("robuustheid", "text", "robuust, of de bandbreedte van het oordeel bij andere redelijke drempels en maten"),
    Column("oorzaak", "text", "als de claim een oorzaak noemt: dat die oorzaak niet getoetst is"),
    Column("toelichting_oordeel", "text", "uitleg bij het oordeel, of waarom de claim niet toetsbaar is"),
    Column("werkwijze", "text", "de toets in één zin, met de vertaling van de tekst naar indicatoren en regio's"),
    Column("regio", "text", "regio van dit paar (code zoals in de link /twente) of CBS-gebiedscode; leeg bij een "
                            "landelijke toets"),
    Column("afbakening", "text", "afbakening van de regio (COROP-indeling of beleidsregio)"),
    Column("oordeel_regio", "text", "oordeel over de claim voor deze regio en afbakening (k van n)"),
    Column("indicatorcode", "text", "code van de indicator"),
    Column("indicatornaam", "text", "naam van de indicator"),
    Column("niveau", "text", "bij spreiding en groepen: COROP-gebied of gemeente"),
    Column("van", "integer", "eerste jaar van het venster (trend, spreiding, ontwikkeling)"),
    Column("tot", "integer", "laatste jaar (bij niveau en groep: het vergeleken jaar)"),
    Column("waarde_van", "number", "waarde van de regio in het eerste jaar; bij spreiding de variatiecoëfficiënt"),
    Column("waarde_tot", "number", "waarde van de regio in het laatste jaar; bij spreiding de variatiecoëfficiënt; "
                                   "bij groep het gemiddelde van groep A"),
    Column("nl_van", "number", "waarde van Nederland in het eerste jaar"),
    Column("nl_tot", "number", "waarde van Nederland in het laatste jaar; bij groep het gemiddelde van groep B"),
    Column("eenheid", "text", "eenheid van de waarden (niet bij spreiding: die is zonder eenheid)"),
    Column("maat", "number", "niveau, groep, ontwikkeling: verschil in robuuste standaardafwijkingen; achterstand: "
                             "verandering van de kloof per tien jaar in robuuste standaardafwijkingen; spreiding: "
                             "relatieve verandering per tien jaar; krimp: relatieve verandering van de bevolking"),
    Column("drempel", "number", "drempel van de regel voor deze maat"),
    Column("uitkomst", "text", "uitkomst van het paar volgens de regel (bv. slechter, achterstand groeit, neemt toe)"),
    Column("in_lijn", "text", "mee: het paar wijst de kant van de claim op; tegen: de andere kant; geen verschil: "
                              "binnen drempel, afronding of CBS-interval; leeg: telt niet mee (geen cijfers)"),
    Column("opmerking", "text", "opmerking bij het paar"),
)


STAT_DECIMALS = 3  # measures and thresholds (robust sd, relative change): three decimals
CV_DECIMALS = 4  # a coefficient of variation (spreiding) has no CBS precision


def _case(column: str, names: dict[str, str]) -> str:
    """SQL: a code → its Dutch name (the code itself when unknown)."""
    return f"CASE {column} " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in names.items()) + f" ELSE {column} END"


def _claim_value(column: str) -> str:
    """SQL: a pair's value rounded as the data export rounds it (a CV of a spreiding test: ``CV_DECIMALS``)."""
    return (f"CASE WHEN e.test = 'spreiding' THEN round({column}, {CV_DECIMALS}) "
            f"ELSE round({column}, coalesce(p.d, 1) + 1) END")


def claims_export(info: dict[str, str] | None = None, permalink: str = "") -> Export:
    """Every claim with its verdict (as a whole) and one row per tested pair; claims without pairs get one row."""
    info = info or {}
    pjoin, _ = _precision_join("e", None)
    sql = f"""
        SELECT c.claim_id AS claim, c.document_title AS document, c.section AS paragraaf, c.quote AS citaat,
               c.paraphrase AS samenvatting, w.test AS toets, replace(w.expect, '_', ' ') AS verwachting,
               w.label AS oordeel, w.verdict_nl AS oordeel_tekst, w.window_nl AS venster, w.robustness_nl AS robuustheid,
               w.cause_nl AS oorzaak, w.summary_nl AS toelichting_oordeel, w.method_nl AS werkwijze,
               e.region_id AS regio, {_case("e.delineation", DELINEATION_NAMES)} AS afbakening,
               rv.verdict_nl AS oordeel_regio, e.indicator_id AS indicatorcode, i.label_nl AS indicatornaam,
               {_case("e.level", LEVEL_NAMES)} AS niveau, e.period_from AS van, e.period_to AS tot,
               {_claim_value("e.value_from")} AS waarde_van, {_claim_value("e.value_to")} AS waarde_tot,
               {_claim_value("e.nl_from")} AS nl_van, {_claim_value("e.nl_to")} AS nl_tot,
               CASE WHEN e.test = 'spreiding' THEN NULL ELSE i.unit END AS eenheid,
               round(e.statistic, {STAT_DECIMALS}) AS maat, round(e.threshold, {STAT_DECIMALS}) AS drempel,
               replace(e.outcome, '_', ' ') AS uitkomst,
               CASE e.direction WHEN 1 THEN 'mee' WHEN -1 THEN 'tegen' WHEN 0 THEN 'geen verschil' END AS in_lijn,
               e.note AS opmerking,
               coalesce(e.region_id, '') AS _r, coalesce(e.indicator_id, '') AS _i, coalesce(e.level, '') AS _l,
               coalesce(e.delineation, '') AS _d
        FROM claims c
        JOIN claim_verdicts w ON w.claim_id = c.claim_id AND w.region_id IS NULL
        LEFT JOIN claim_evidence e ON e.claim_id = c.claim_id
        LEFT JOIN claim_verdicts rv ON rv.claim_id = e.claim_id AND rv.region_id = e.region_id
             AND rv.delineation IS NOT DISTINCT FROM e.delineation
        LEFT JOIN indicators i ON i.indicator_id = e.indicator_id
        {pjoin}"""
    from seeds.rules import RULES_NL

    metadata = (
        ("titel", "Brede Welvaart Regiodashboard: claims uit vijf beleidsdocumenten, met oordeel en cijfers"),
        ("bron", SOURCE + "; de claims en citaten komen uit de vijf documenten (zie kolom document)"),
        ("licentie", LICENCE + " (voor de cijfers)"),
        ("gegevens opgehaald", info.get("retrieved", "?")),
        ("datastore gebouwd", f"{info.get('built_at', '?')} uit bron '{info.get('source', '?')}'"),
        ("permalink", permalink),
        ("rijen", "één rij per getoetst paar (regio × indicator, of indicator × niveau bij spreiding); een claim "
                  "zonder paren (niet toetsbaar) heeft één rij"),
        ("afronding", f"waarden op één decimaal meer dan CBS voor de indicator publiceert (regiowaarden zijn vaak "
                      f"afgeleid); variatiecoëfficiënten op {CV_DECIMALS}, maat en drempel op {STAT_DECIMALS} decimalen"),
        *((f"regel {kind}", text) for kind, text in RULES_NL.items()),
    )
    return Export(sql=sql, params=(), columns=CLAIM_COLUMNS, order_by="claim, _r, _d, _i, _l", metadata=metadata)
