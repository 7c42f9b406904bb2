"""Common format → harmonised tidy observations, shared by the bundle and the live source.

Both sources hand over a *raw table* in CBS's own shape: one row per region × period (× filter
dimensions), a region code (or only a CBS region title), a period and one column per measure.
This module turns that into the tidy frame the store holds:
``indicator_id, region_code, region_level, period, value, source_table, method``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from data_loaders.catalogue import Indicator, Source

TIDY_COLUMNS = ["indicator_id", "region_code", "region_level", "period", "value", "source_table", "method"]
MISSING_SYMBOLS = {"", ".", "..", "x", "-", "?", "nan", "NaN", "None"}
REGION_CODE = re.compile(r"^(NL01|LD0[1-4]|PV\d{2}|CR\d{2}|GM\d{4})$")
# Valid CBS area codes of classifications this product does not show (GGD, arbeidsmarkt, veiligheid,
# COROP-sub/plus): rows with these are dropped, as the bundle compiler did for most files.
OTHER_AREA_CODE = re.compile(r"^(GG\d{4}|AM\d{2}|VR\d{2}|CS\d{3}|CP\d{4}|PL\d{2}|RE\d{2}|BT\d{2,4})$")
PERIOD = re.compile(r"^(\d{4})(JJ00)?$")
TITLE_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<kind>CR|PV|LD|gemeente|GM)\)$")


class DataError(ValueError):
    """A problem in an input table, phrased as one line naming the file, column and row."""


def clean_code(value: object) -> str:
    """Strip CBS padding (``'GM0014    '`` → ``'GM0014'``)."""
    return str(value).strip()


def level_of(code: str) -> str:
    """Region level from a CBS code: NL, LD, PV, CR or GM."""
    return "NL" if code == "NL01" else code[:2]


def parse_period(value: object, where: str) -> int:
    """Year from a CBS period code (``2019JJ00``, ``2019`` or 2019); anything else is an error."""
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    match = PERIOD.match(text)
    if not match:
        raise DataError(f"{where}: periode '{text}' is geen jaarcode (verwacht bv. 2019 of 2019JJ00)")
    return int(match.group(1))


def to_numeric(series: pd.Series, where: str, row_numbers: pd.Series) -> pd.Series:
    """Numbers from a CBS column: missing symbols ('.', '', 'x') become NaN, other text is an error."""
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(float)
    text = series.astype("string").str.strip()
    missing = text.isna() | text.isin(MISSING_SYMBOLS)
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = numbers.isna() & ~missing
    if bad.any():
        first = bad.idxmax()
        raise DataError(
            f"{where}, rij {int(row_numbers.loc[first])}: '{text.loc[first]}' is geen getal"
        )
    return numbers.astype(float)


def title_to_code(title: str, title_index: Mapping[str, str]) -> str | None:
    """Map a CBS region title (``'Oost-Groningen (CR)'``, ``'Groningen (PV)'``, ``'Emmen'``) to a code."""
    title = str(title).strip()
    if title in title_index:
        return title_index[title]
    match = TITLE_SUFFIX.match(title)
    if match:
        key = f"{match['name']}|{'GM' if match['kind'] in ('gemeente', 'GM') else match['kind']}"
        return title_index.get(key)
    return None


def build_title_index(regions: pd.DataFrame) -> dict[str, str]:
    """Index of region titles → codes: plain names for gemeenten, 'name|LEVEL' for every level."""
    index: dict[str, str] = {"Nederland": "NL01"}
    for row in regions.itertuples(index=False):
        index[f"{row.name}|{row.region_level}"] = row.region_code
        if row.region_level == "GM" and row.is_current:
            index.setdefault(row.name, row.region_code)
    return index


def tidy_from_raw(
    raw: pd.DataFrame,
    source: Source,
    indicators: Iterable[Indicator],
    file_label: str,
) -> pd.DataFrame:
    """Raw CBS-shaped table → tidy observations for the given indicators.

    ``raw`` must have ``region_code`` and ``Perioden`` columns plus the measure columns; a ``_row``
    column (line number in the file) makes error messages point at the right row.
    """
    raw = raw.copy()
    rows = raw["_row"] if "_row" in raw else pd.Series(np.arange(len(raw)) + 2, index=raw.index)
    for column, wanted in source.filters.items():
        if column not in raw:
            raise DataError(f"{file_label}: kolom '{column}' ontbreekt (filterkolom)")
        raw = raw[raw[column].astype(str).str.strip() == wanted]
    rows = rows.loc[raw.index]
    if raw.empty:
        raise DataError(f"{file_label}: geen rijen over na filter {source.filters}")
    codes = raw["region_code"].map(clean_code)
    keep = ~codes.str.match(OTHER_AREA_CODE)
    raw, rows, codes = raw[keep], rows[keep], codes[keep]
    bad = ~codes.str.match(REGION_CODE)
    if bad.any():
        first = bad.idxmax()
        raise DataError(f"{file_label}, kolom region_code, rij {int(rows.loc[first])}: onbekende regiocode '{codes.loc[first]}'")
    periods = pd.Series(
        [parse_period(v, f"{file_label}, kolom Perioden, rij {int(r)}") for v, r in zip(raw["Perioden"], rows, strict=True)],
        index=raw.index,
        dtype="int64",
    )
    frames = []
    for ind in indicators:
        if ind.measure not in raw:
            raise DataError(f"{file_label}: kolom '{ind.measure}' ontbreekt (indicator {ind.indicator_id})")
        values = to_numeric(raw[ind.measure], f"{file_label}, kolom {ind.measure}", rows)
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": ind.indicator_id,
                    "region_code": codes,
                    "region_level": codes.map(level_of),
                    "period": periods,
                    "value": values,
                    "source_table": source.table_id,
                    "method": "cbs",
                    "_row": rows,
                }
            )
        )
    tidy = pd.concat(frames, ignore_index=True)
    tidy = tidy[tidy["value"].notna()]
    dupes = tidy.duplicated(["indicator_id", "region_code", "period"], keep=False)
    if dupes.any():
        first = tidy[dupes].iloc[0]
        raise DataError(
            f"{file_label}, rij {int(first['_row'])}: dubbele rij voor {first['region_code']} "
            f"periode {first['period']} ({first['indicator_id']})"
        )
    return tidy.drop(columns="_row").reset_index(drop=True)
