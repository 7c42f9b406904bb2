"""Hostile deep links: hypothesis throws arbitrary query strings at every page (AppTest).

Properties, for every page and every query string:

- the page runs without an exception and still shows its title (``st.title``, or the ``bw-title`` banner in
  presentation mode);
- no rendered markdown / caption / notice contains a raw ``<script``, a ``javascript:`` link target, or a user
  value with raw ``<``, ``>`` or ``](`` in it (values must be shown HTML- and markdown-escaped, so a crafted
  link cannot put HTML, a link or an image into a friendly notice).

Each AppTest run costs ~0.3–2 s, so every page gets a small example budget (``EXAMPLES``) plus explicit
``@example`` s of the nastiest inputs; the whole file runs in roughly 1–2 minutes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from data_loaders.config import REPO_ROOT

TIMEOUT = 90
EXAMPLES = 8
QueryValue = str | list[str]
Query = dict[str, QueryValue]

NASTY: list[str] = [
    "<script>alert(1)</script>",
    "\"><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<ScRiPt src=//evil.example/x.js></sCrIpT>",
    "javascript:alert(document.cookie)",
    "[klik hier](javascript:alert(1))",
    "![x](https://evil.example/pixel.png)",
    "<a href='javascript:alert(1)'>x</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "`rm -rf /`",
    "$$\\frac{1}{0}$$",
    "'; DROP TABLE observations; --",
    "regio:../../../etc/passwd",
    "A" * 10_240,
    "<script>" * 1_300,
    "é" * 5_000,
    "\x00",
    "a\x00b\x00<script>",
    "\x1b[31mrood\x1b[0m",
    "\u202egnp.exe",
    "\r\n\t\x0b\x0c",
    "9" * 5_000,
    "-2022",
    "−2022",
    "2022.0",
    "1e309",
    "NaN",
    "-0",
    str(2**64),
    "0x7e6",
    "２０２２",
    "Ω≈ç√∫˜µ≤≥÷",
    "🏳️‍🌈",
    "Fryslân",
    "",
    " ",
    ",",
    ",,,",
]

REGIONS = ["twente", "zuid-limburg", "veenkolonien", "achterhoek", "noord-nederland"]
INDICATORS = ["werkloosheid", "tevredenheid_leven", "mediaan_inkomen", "mediaan_vermogen_bw", "bbp_per_inwoner",
              "ervaren_gezondheid", "levensverwachting", "afstand_ziekenhuis", "bevolkingsdichtheid"]
THEMES = ["gezondheid", "arbeid_vrije_tijd", "welzijn", "voorzieningen", "materiele_welvaart", "context"]
DOCS = ["000_0fe004d7d691da9f.txt", "001_38f0a742647de4fa.txt", "004_096e5b5fa940c80b.txt"]
KINDS = ["arbeidsmarkt", "gezondheid", "voorzieningen", "wonen"]
YEARS = ["2013", "2018", "2019", "2022", "2023", "2024"]
AREAS = [f"regio:{r}" for r in REGIONS] + ["CR01", "CR12", "CR39", "PV20", "PV31"]


def _lists(items: list[str], min_size: int = 1, max_size: int = 8) -> st.SearchStrategy[str]:
    """Comma lists of valid items (may repeat, may exceed a page's maximum)."""
    return st.lists(st.sampled_from(items), min_size=min_size, max_size=max_size).map(",".join)


# Valid values per page and key; near-valid and hostile values are derived from these.
SPECS: dict[str, dict[str, st.SearchStrategy[str]]] = {
    "nederland": {
        "indicator": st.sampled_from(INDICATORS),
        "niveau": st.sampled_from(["GM", "CR", "PV"]),
        "jaar": st.sampled_from(YEARS),
        "claims": st.sampled_from(["1", "0", "ja", "true"]),
    },
    "vergelijk": {"gebieden": _lists(AREAS), "thema": st.sampled_from(THEMES)},
    "claims": {"document": _lists(DOCS, max_size=4), "regio": _lists(REGIONS, max_size=4),
               "soort": _lists(KINDS, max_size=4)},
    "data_export": {
        "indicatoren": _lists(INDICATORS, max_size=5),
        "niveaus": _lists(["NL", "LD", "PV", "CR", "GM"], max_size=6),
        "van": st.sampled_from(YEARS),
        "tot": st.sampled_from(YEARS),
        "regio": st.sampled_from(REGIONS),
    },
    "over": {},
    "regio": {
        "afbakening": st.sampled_from(["corop", "beleid"]),
        "indicator": st.sampled_from(INDICATORS),
        "trends": _lists(INDICATORS, max_size=6),
        "presentatie": st.sampled_from(["1", "1", "0", "true", "ja"]),
    },
}
ALL_KEYS = {k for spec in SPECS.values() for k in spec}
TITLES = {"nederland": "Brede welvaart in Nederland", "vergelijk": "Regio's vergelijken",
          "claims": "Claims uit de vijf documenten", "data_export": "Data downloaden", "over": "Over dit dashboard"}
REGION_NAMES = {"twente": "Twente", "veenkolonien": "Veenkoloniën"}

_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)  # browsers cannot send surrogates


def _near_valid(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Valid values bent a little: case, blanks, stray commas, suffixes, appended payloads."""
    bends: list[Callable[[str], str]] = [
        str.upper, str.title, lambda v: f" {v} ", lambda v: f",{v},,", lambda v: v + "x", lambda v: v.replace("_", "-"),
        lambda v: v + ",<script>alert(1)</script>", lambda v: f"{v},{v}", lambda v: v + "\x00", lambda v: "-" + v,
    ]
    return st.tuples(valid, st.sampled_from(bends)).map(lambda pair: pair[1](pair[0]))


def _numbers() -> st.SearchStrategy[str]:
    return st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str),
                     st.floats(allow_nan=True, allow_infinity=True).map(str))


def _value(valid: st.SearchStrategy[str]) -> st.SearchStrategy[QueryValue]:
    single = st.one_of(valid, _near_valid(valid), st.sampled_from(NASTY), _numbers(), _text)
    repeated = st.lists(single, min_size=2, max_size=3)  # ?k=a&k=b: the page must use one of them
    return st.one_of(single, single, single, repeated)


_unknown_keys = st.one_of(
    st.sampled_from(["foo", "embed", "embed_options", "page", "__proto__", "<script>", "indicator ", "Niveau", "x" * 300]),
    _text,
).filter(lambda k: k not in ALL_KEYS)


@st.composite
def queries(draw: st.DrawFn, page: str) -> Query:
    """A query string for ``page``: some known keys with odd values, plus unknown keys."""
    out: Query = {}
    for key, valid in SPECS[page].items():
        if draw(st.booleans()):
            out[key] = draw(_value(valid))
    out.update(draw(st.dictionaries(_unknown_keys, _value(st.sampled_from(["1", "x"])), max_size=3)))
    return out


# --- running and checking -------------------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("store_env")  # the session's store (tests/conftest.py)


def _page(module: str) -> None:
    import importlib

    importlib.import_module(f"dashboard.views.{module}").render()


def _region(region_id: str) -> None:
    from dashboard.views.regio import render

    render(region_id)


def run(target: Callable[..., None], arg: str, query: Query) -> AppTest:
    """One AppTest run of a page with a query string."""
    at = AppTest.from_function(target, args=(arg,), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def rendered_texts(at: AppTest) -> list[str]:
    """Every markdown-rendered text of the page (markdown, captions, notices, headings)."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")
    return [str(el.value) for kind in kinds for el in at.get(kind)]


def _user_items(query: Query) -> list[str]:
    """Every value the URL carried, whole and split at commas (keys too: they could be echoed)."""
    items: list[str] = []
    for key, value in query.items():
        for v in [key, *(value if isinstance(value, list) else [value])]:
            items += [v, *v.split(",")]
    return items


_RAW_TOKEN = re.compile(r"[<>]|\]\(")  # HTML tags, markdown links and images
_JS_LINK = re.compile(r"\]\(\s*javascript:|href\s*=\s*['\"]?\s*javascript:", re.IGNORECASE)


def assert_safe(at: AppTest, query: Query, title: str, presentation: bool = False) -> None:
    """No exception, the title is there, and nothing the user sent is rendered as raw HTML."""
    assert not at.exception, [e.message for e in at.exception]
    texts = rendered_texts(at)
    if presentation:
        assert any("bw-title" in t and title in t for t in texts), "presentation banner missing"
    else:
        assert [t.value for t in at.title][:1] == [title]
    for text in texts:
        assert "<script" not in text.lower(), text[:300]
        assert not _JS_LINK.search(text), text[:300]
    for item in _user_items(query):
        shown = "".join(ch for ch in item if ch.isprintable())[:30]  # what a notice could show, before escaping
        if len(shown) >= 6 and _RAW_TOKEN.search(shown):
            for text in texts:
                assert shown not in text, f"user value echoed unescaped: {shown!r} in {text[:300]!r}"


def _presentation(query: Query) -> bool:
    value = query.get("presentatie")
    last = value[-1] if isinstance(value, list) and value else value
    return isinstance(last, str) and last.lower() in ("1", "true", "ja", "yes")


SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# --- the properties, one per page ----------------------------------------------------------------------------


@SETTINGS
@given(query=queries("nederland"))
@example(query={"indicator": "<script>alert(1)</script>", "niveau": "gm", "jaar": "-2022", "claims": "A" * 10_240})
@example(query={"indicator": ["werkloosheid", "\"><img src=x onerror=alert(1)>"], "jaar": "9" * 5_000})
@example(query={"indicator": "bbp_per_inwoner", "niveau": "GM", "jaar": "1e309"})
@example(query={"indicator": "a\x00b\x00<script>", "niveau": "\u202eGM", "<script>": "x", "embed": "true"})
def test_nederland_survives_hostile_urls(query: Query) -> None:
    assert_safe(run(_page, "nederland", query), query, TITLES["nederland"])


@SETTINGS
@given(query=queries("vergelijk"))
@example(query={"gebieden": ",".join(f"CR{i:02d}" for i in range(1, 12)), "thema": "GEZONDHEID"})
@example(query={"gebieden": "CR01,CR01,regio:twente,regio:twente", "thema": "<script>alert(1)</script>"})
@example(query={"gebieden": "regio:nederland,regio:<script>,PV99,,,", "thema": "context"})
@example(query={"gebieden": "[klik hier](javascript:alert(1)),CR01", "thema": ["welzijn", "\x00"]})
def test_vergelijk_survives_hostile_urls(query: Query) -> None:
    assert_safe(run(_page, "vergelijk", query), query, TITLES["vergelijk"])


@SETTINGS
@given(query=queries("claims"))
@example(query={"document": "../../etc/passwd,<script>alert(1)</script>", "regio": "twente,twente,TWENTE",
                "soort": "wonen," * 2_000})
@example(query={"document": ",".join(DOCS * 3), "regio": ",".join(REGIONS), "soort": "\x1b[31m"})
def test_claims_survives_hostile_urls(query: Query) -> None:
    assert_safe(run(_page, "claims", query), query, TITLES["claims"])


@SETTINGS
@given(query=queries("data_export"))
@example(query={"indicatoren": "werkloosheid,werkloosheid,<script>", "niveaus": "CR,CR,XX", "van": "2030",
                "tot": "-1", "regio": "nederland"})
@example(query={"indicatoren": ",,,", "niveaus": "", "van": "9" * 5_000, "tot": "NaN", "regio": "<img src=x>"})
@example(query={"indicatoren": "mediaan_vermogen_bw", "niveaus": "NL", "van": "2024", "tot": "2013"})
def test_data_export_survives_hostile_urls(query: Query) -> None:
    assert_safe(run(_page, "data_export", query), query, TITLES["data_export"])


@SETTINGS
@given(query=queries("over"))
@example(query={"<script>alert(1)</script>": "<script>alert(1)</script>", "x" * 300: "A" * 10_240})
def test_over_survives_hostile_urls(query: Query) -> None:
    assert_safe(run(_page, "over", query), query, TITLES["over"])


@SETTINGS
@given(region_id=st.sampled_from(sorted(REGION_NAMES)), query=queries("regio"))
@example(region_id="twente", query={"afbakening": "beleid", "trends": ",".join(INDICATORS), "indicator": "bbp_per_inwoner"})
@example(region_id="twente", query={"trends": "werkloosheid,werkloosheid", "indicator": "<script>alert(1)</script>"})
@example(region_id="veenkolonien", query={"afbakening": "BELEID", "trends": "werkloosheid,,,<img src=x>",
                                          "indicator": "mediaan_vermogen_bw"})
@example(region_id="veenkolonien", query={"presentatie": "1", "afbakening": "<script>alert(1)</script>",
                                          "indicator": "A" * 10_240})
@example(region_id="twente", query={"presentatie": ["0", "1"], "afbakening": "beleid", "trends": "\x00"})
def test_region_survives_hostile_urls(region_id: str, query: Query) -> None:
    presentation = _presentation(query)
    at = run(_region, region_id, query)
    assert_safe(at, query, REGION_NAMES[region_id], presentation=presentation)


# --- explicit checks of the friendly notice --------------------------------------------------------------------

NOTICE_CASES: list[Any] = [
    ("nederland", {"indicator": "<script>alert(1)</script>"}),
    ("nederland", {"niveau": "gm"}),
    ("nederland", {"jaar": "-2022"}),
    ("vergelijk", {"gebieden": "regio:twente,CR99"}),
    ("vergelijk", {"thema": "<b>x</b>"}),
    ("claims", {"soort": "<script>"}),
    ("data_export", {"niveaus": "CR,XX"}),
    ("data_export", {"van": "1900"}),
    ("regio:twente", {"afbakening": "beleid"}),
    ("regio:twente", {"trends": "werkloosheid,<img src=x onerror=alert(1)>"}),
]


def _run_case(target: str, query: Query) -> AppTest:
    if target.startswith("regio:"):
        return run(_region, target.split(":", 1)[1], query)
    return run(_page, target, query)


def _case_id(case: Any) -> str:
    target, query = case.values if hasattr(case, "values") else case
    return f"{target}-{next(iter(query))}"


@pytest.mark.parametrize(("target", "query"), NOTICE_CASES, ids=[_case_id(c) for c in NOTICE_CASES])
def test_invalid_value_gives_dutch_notice(target: str, query: Query) -> None:
    at = _run_case(target, query)
    assert not at.exception
    notices = [i.value for i in at.info]
    assert any("in de link" in n for n in notices), notices
    assert not any("<script" in n or "<img" in n or "<b>" in n for n in notices), notices


def test_presentation_mode_gives_dutch_notice() -> None:
    at = run(_region, "veenkolonien", {"presentatie": "1", "afbakening": "<b>bogus</b>"})
    assert not at.exception
    assert any("in de link" in i.value for i in at.info)


@pytest.mark.parametrize("payload", ["[klik hier](https://evil.example)", "![x](https://evil.example/p.png)",
                                     "[x](javascript:alert(1))"])
def test_markdown_payload_is_not_rendered_as_link(payload: str) -> None:
    """dashboard/params.py ``_shown`` must markdown-escape too (``safety.safe_text``), not only HTML-escape."""
    at = run(_page, "nederland", {"indicator": payload})
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "](" not in notices, notices


# --- issue 24 point 4: a query string that Streamlit drops whole is not dropped without a word ----------------------
@pytest.mark.parametrize("n_params", [1_001, 5_000])
def test_over_1000_parameters_give_a_dutch_notice(store_env: Path, n_params: int) -> None:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=TIMEOUT)
    for i in range(n_params):
        at.query_params[f"p{i}"] = "x"
    at.query_params["indicator"] = "werkloosheid"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    notices = [i.value for i in at.info if "te veel parameters" in i.value]
    assert notices == [f"De link heeft te veel parameters ({n_params + 1:,}; hoogstens 1.000) en is daarom genegeerd; "
                       "getoond wordt de standaardweergave.".replace(",", ".")], [i.value for i in at.info]
    assert [t.value for t in at.title] == ["Brede welvaart in Nederland"]


def test_a_normal_link_has_no_such_notice(store_env: Path) -> None:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=TIMEOUT)
    at.query_params["indicator"] = "werkloosheid"
    at.run()
    assert not [i.value for i in at.info if "te veel parameters" in i.value]
