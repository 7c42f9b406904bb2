"""Dutch number formatting and source labels."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

METHOD_NL = {
    "cbs": "CBS-cijfer",
    "derived:bevolkingsgewogen_gemiddelde": "afgeleid: bevolkingsgewogen gemiddelde van gemeenten",
    "derived:bevolkingsgewogen_gemiddelde_van_medianen (benadering)": "afgeleid: gewogen gemiddelde van gemeentemedianen (benadering)",
    "derived:oppervlaktegewogen_gemiddelde": "afgeleid: oppervlaktegewogen gemiddelde van gemeenten",
    "derived:som": "afgeleid: som van gemeenten",
    "derived:bevolkingsgewogen_gemiddelde_van_corop": "afgeleid: bevolkingsgewogen gemiddelde van COROP-gebieden",
    "derived:som_van_corop": "afgeleid: som van COROP-gebieden",
}


def decimals_for(value: float | None, unit: str = "") -> int:
    """Sensible number of decimals for a value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    size = abs(value)
    if unit in ("euro", "personen") or size >= 1000:
        return 0
    if size >= 100:
        return 0 if "%" not in unit else 1
    if 0 < size < 1:
        return 2
    return 1


def column_decimals(values: pd.Series, unit: str = "") -> int:
    """The decimals a table column of one indicator shows: those of its typical (median) value, see ``decimals_for``."""
    numbers = pd.to_numeric(values, errors="coerce").dropna().abs()
    return decimals_for(float(numbers.median()), unit) if len(numbers) else 0


def rounded(values: Sequence[Any], units: Sequence[str] | str = "") -> list[float | None]:
    """Each value rounded as the pages show it (``decimals_for`` per value and unit), None when missing: a number
    column whose rows have different units (a table sorts these as numbers and shows them the Dutch way)."""
    unit_list = [units] * len(values) if isinstance(units, str) else list(units)
    out: list[float | None] = []
    for value, unit in zip(values, unit_list, strict=True):
        number = pd.to_numeric(value, errors="coerce")
        out.append(None if pd.isna(number) else round(float(number), decimals_for(float(number), unit or "")))
    return out


def shared_decimals(values: Sequence[Any], units: Sequence[str] | str = "") -> int | None:
    """The decimals all rows of a mixed-unit column show (see ``rounded``), None when they differ: a column with one
    number of decimals can show trailing zeros ('71,0'); one without shows each row as rounded ('71', '70,1')."""
    unit_list = [units] * len(values) if isinstance(units, str) else list(units)
    found = {decimals_for(float(v), u or "") for v, u in zip(values, unit_list, strict=True) if pd.notna(v)}
    return found.pop() if len(found) == 1 else None


def with_unit(value: float | None, unit: str, decimals: int | None = None) -> str:
    """'83,2 %', '1,25 km', '32,8 k€', '81,1 jaar' — the number the Dutch way with a compact unit."""
    text = fmt_num(value, decimals, unit=unit)
    if text == "geen data":
        return text
    short = short_unit(unit)
    if short == "%":
        return f"{text} %"
    return f"{text} {short}" if short else text


def fmt_num(value: float | None, decimals: int | None = None, unit: str = "") -> str:
    """12345.6 → '12.346'; 3.25 → '3,3'; NaN → 'geen data'."""
    if value is None or pd.isna(value):
        return "geen data"
    d = decimals_for(float(value), unit) if decimals is None else decimals
    text = f"{float(value):,.{d}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_signed(value: float | None, decimals: int = 1) -> str:
    """Difference with an explicit ASCII sign (Streamlit's metric reads the sign for its arrow)."""
    if value is None or pd.isna(value):
        return "–"
    if round(abs(float(value)), decimals) == 0:
        return "±" + fmt_num(0.0, decimals)
    sign = "+" if value > 0 else "-"
    return sign + fmt_num(abs(float(value)), decimals)


def method_nl(method: str | None) -> str:
    """Dutch description of an observation's method."""
    if not method:
        return ""
    return METHOD_NL.get(method, method)


def source_label(source_table: str | None, period: int | None, method: str | None) -> str:
    """'Bron: CBS 80305NED, 2023 (CBS-cijfer)'."""
    table = "Regionale Monitor Brede Welvaart" if source_table == "RMBW" else source_table
    return f"Bron: CBS {table}, {period} ({method_nl(method)})"


def short_unit(unit: str) -> str:
    """Compact unit for big numbers: '% van 18-plussers' → '%', 'x 1 000 euro' → 'k€', 'euro' → '€'."""
    u = unit.strip()
    if u.startswith("%"):
        return "%"
    if u.startswith("x 1 000 euro"):
        return "k€"
    if u.startswith("euro"):
        return "€"
    if u == "jaren":
        return "jaar"
    if u == "km":
        return u
    return ""


FIGURE_SPACE = "\u2007"  # as wide as a digit


def rank_text(rank: float | None, width: int = 3) -> str:
    """A position as text, right-aligned with figure spaces ('  2', ' 12', '102'); '–' when missing. Streamlit's
    grid shows a missing number as 'None' (not Dutch); its 'smart' sort still reads these texts as numbers."""
    if rank is None or pd.isna(rank):
        return "–"
    return f"{int(rank):>{width}}".replace(" ", FIGURE_SPACE)
