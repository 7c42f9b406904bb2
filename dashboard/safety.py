"""Output hygiene for the dashboard: CSV formula injection, text in markdown/HTML, query-parameter values.

Pure functions (no streamlit import), so they are cheap to test and usable from any module.

CSV rule (OWASP "CSV Injection"; ASVS 5 v1.2.10): a spreadsheet may treat a cell that starts with ``=``,
``+``, ``-`` or ``@`` as a formula, also behind leading blanks, tab, carriage return or NUL that it skips. Text
cells that start with any of :data:`CSV_DANGEROUS_PREFIXES`, or with blanks followed by a formula character,
get a leading apostrophe, which spreadsheets show as plain text. Carriage returns inside text become ``\n``:
pandas' ``to_csv`` writes ``\n`` line ends and does not quote a field holding a bare ``\r``, which a
spreadsheet reads as a row break, so ``"x\r=cmd"`` would start a new row with a formula. Exceptions, because
they are data and not formulas:

- real numbers (``int``, ``float``, numpy scalars, ``Decimal``; also ``bool``, ``None`` and NaN) are never
  touched, so ``-3.5`` stays ``-3.5``; other objects are judged by their ``str()`` (a negative
  ``Timedelta`` prints as ``-1 days``) and, when neutralised, returned as that string;
- a *string* that is a plain decimal number (``"-3.5"``, ``"+31"``, ``"-1e5"``; no ``inf``/``nan``, no
  spaces) is left alone only in a numeric column: ``neutralise_csv_cell(v, numeric_column=True)``, or in
  :func:`neutralise_frame` a text column whose every non-missing value is a number or such a string. In a
  text column ``"-3.5"`` becomes ``"'-3.5"``.

The prefix check looks at the NFKC form of the text with leading blanks and invisible format characters
(zero-width space, BOM, word joiner, …) removed, so a full-width ``＝`` or a ``\u200b=`` counts as a formula too.

Echoed user input (:func:`inert_text`) is escaped like :func:`safe_text` and, in addition, can never become a link,
an e-mail link, an emoji or an icon: Streamlit's markdown turns ``https://…``, ``www.…``, ``naam@…`` and
``:skull:`` into those even when escaped, so a word joiner (U+2060, invisible) is put after every ``:``, before
every ``@`` and after every ``www``.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Collection, Hashable
from decimal import Decimal
from numbers import Number
from typing import Any, TypeVar

import pandas as pd

CSV_DANGEROUS_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\x00")
_FORMULA_AFTER_BLANKS = re.compile(r"[\s\x00]*[=+\-@]")
_WORD_JOINER = "\u2060"
_LINKISH = re.compile(r"(:)|(@)|(www)", re.IGNORECASE)
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
MARKDOWN_SPECIAL = "\\`*_{}[]()#+-!|~$"
_MARKDOWN_ESCAPE = {ord(c): "\\" + c for c in MARKDOWN_SPECIAL}
# Unicode bidi embedding/override/isolate controls (Trojan-source style reordering of displayed text).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
QUERY_VALUE_MAX_SHOWN = 40

T = TypeVar("T", bound=Hashable)


def _is_real_number(value: object) -> bool:
    """True for numbers that a CSV writer prints as a number (bools count: they print as True/False)."""
    return isinstance(value, Number | Decimal) and not isinstance(value, complex)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def is_plain_number(text: str) -> bool:
    """True if ``text`` is a plain decimal number such as ``-3.5`` or ``+1e5`` (no inf/nan, no blanks)."""
    return PLAIN_NUMBER.fullmatch(text) is not None


def _looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (also in full-width or behind invisible chars)."""
    if text.startswith(CSV_DANGEROUS_PREFIXES) or _FORMULA_AFTER_BLANKS.match(text):
        return True
    probe = unicodedata.normalize("NFKC", text[:64])
    probe = probe.lstrip("".join(ch for ch in set(probe) if unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp")))
    return probe.startswith(CSV_DANGEROUS_PREFIXES) or _FORMULA_AFTER_BLANKS.match(probe) is not None


def neutralise_csv_cell(value: Any, *, numeric_column: bool = False) -> Any:
    """Return ``value`` safe for a CSV cell: formula-like text gets a leading ``'``; numbers stay as they are.

    Carriage returns in text are turned into ``\n`` (see the module docstring).

    ``numeric_column=True`` also leaves plain-number strings (``"-3.5"``) alone; see the module docstring.
    """
    if _is_missing(value) or _is_real_number(value):
        return value
    text = value if isinstance(value, str) else str(value)  # e.g. a negative Timedelta prints as "-1 days"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _looks_like_formula(text):
        return text if text != value else value
    if numeric_column and is_plain_number(text):
        return value
    return "'" + text


def _is_text_dtype(dtype: object) -> bool:
    return pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype | pd.CategoricalDtype)


def _column_is_numeric(values: pd.Series) -> bool:
    """A text column counts as numeric when every non-missing value is a number or a plain-number string."""
    for value in values:
        if _is_missing(value) or _is_real_number(value):
            continue
        if isinstance(value, str) and is_plain_number(value):
            continue
        return False
    return True


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` ready for ``to_csv``: text (object/string/categorical) columns neutralised.

    Numeric dtypes are untouched; a text column holding only numbers / plain-number strings is treated as
    numeric. Text column labels and a text index are neutralised too, so the header row is safe as well.
    """
    out = df.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if not _is_text_dtype(column.dtype):
            continue
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if _column_is_numeric(column):
            continue
        out.isetitem(position, column.map(neutralise_csv_cell, na_action="ignore"))
    if not isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.Index([neutralise_csv_cell(c) for c in out.columns], name=out.columns.name)
    index = out.index
    if not isinstance(index, pd.MultiIndex) and _is_text_dtype(index.dtype):
        numeric = _column_is_numeric(pd.Series(index, dtype=object))
        out.index = pd.Index([neutralise_csv_cell(v, numeric_column=numeric) for v in index], name=index.name)
    return out


def strip_control_chars(text: str) -> str:
    """Drop control characters (C0/C1, DEL, bidi overrides) except newline and tab."""
    return "".join(ch for ch in text if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS))


def safe_text(value: object, *, markdown: bool = True) -> str:
    """Text that is safe to put into markdown or HTML: control chars stripped, ``<>&"'`` HTML-escaped.

    With ``markdown=True`` (for ``st.markdown``/``st.caption``/labels) markdown syntax characters are also
    backslash-escaped, so names cannot turn into links, images, LaTeX or formatting. Use ``markdown=False``
    for places that are HTML only (``st.html``, plotly hover text), where a backslash would show.
    """
    text = strip_control_chars("" if value is None else str(value))
    if markdown:  # before html.escape, so the entities it makes (&#x27;) keep their '#'
        text = text.translate(_MARKDOWN_ESCAPE)
    return html.escape(text, quote=True)


def _break_link(match: re.Match[str]) -> str:
    colon, at, www = match.groups()
    if colon:
        return colon + _WORD_JOINER
    if at:
        return _WORD_JOINER + at
    return www + _WORD_JOINER


def inert_text(value: object, limit: int = QUERY_VALUE_MAX_SHOWN) -> str:
    """A user-supplied value (from the URL) made safe to echo in a markdown notice: only printable characters,
    at most ``limit`` of them (then ``…``), escaped like :func:`safe_text`, and never a link, e-mail link, emoji
    or icon (see the module docstring). The one function every echo of user input goes through."""
    return safe_text(_LINKISH.sub(_break_link, shorten(value, limit)))


def shorten(value: object, limit: int = QUERY_VALUE_MAX_SHOWN) -> str:
    """Only the printable characters of ``value``, at most ``limit`` of them (then ``…``): user input echoed in plain
    text (a command line's ``fout:`` line); :func:`inert_text` adds the escaping for markdown."""
    text = "".join(ch for ch in ("" if value is None else str(value)) if ch.isprintable())
    return text[: limit - 1] + "…" if len(text) > limit else text


def _shown(value: str) -> str:
    return inert_text(value)


def clean_query_value(
    value: object, allowed: Collection[T], default: T, *, name: str = "parameter"
) -> tuple[T, str | None]:
    """Validate a query-parameter value against ``allowed``; return ``(value, message_nl_or_None)``.

    ``value`` may be ``None`` (absent: default, no message), a string or a list of strings (the last
    non-empty one counts, like ``st.query_params``). Matching ignores surrounding blanks and, when there is
    no exact match, letter case; the returned value is always the element of ``allowed`` itself, so
    ``"2022"`` against ``{2021, 2022}`` gives ``2022``. An unknown value gives ``default`` plus a Dutch
    message that is safe to show with ``st.markdown``/``st.info``.

    Raises ``ValueError`` when ``default`` is not in ``allowed`` (a programming error, not user input).
    """
    options = list(allowed)
    if default not in options:
        raise ValueError(f"default {default!r} is not one of the allowed values for {name!r}")
    if isinstance(value, list | tuple):
        texts = [str(v) for v in value if v is not None and str(v).strip()]
        value = texts[-1] if texts else None
    if value is None:
        return default, None
    raw = str(value)
    text = raw.strip()
    if not text:
        return default, None
    for candidate in (raw, text):
        exact = [option for option in options if str(option) == candidate]
        if exact:
            return exact[0], None
    folded = text.casefold()
    loose = [option for option in options if str(option).strip().casefold() == folded]
    if len(loose) == 1:
        return loose[0], None
    message = (
        f"Onbekende waarde “{_shown(raw)}” voor “{safe_text(name)}”; "
        f"de standaardwaarde “{safe_text(default)}” wordt gebruikt."
    )
    return default, message
