"""Search by name on the national page (issue 21): diacritics- and case-insensitive, every kind of area."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components.search import normalise


@pytest.mark.parametrize(("text", "expected"), [
    ("Súdwest-Fryslân", "sudwest fryslan"),
    ("'s-Hertogenbosch", "s hertogenbosch"),
    ("FRYSLAN", "fryslan"),
    ("  Noardeast-Fryslân ", "noardeast fryslan"),
    ("Bergen (NH.)", "bergen nh"),
    ("Zuid- en Oost-Drenthe", "zuid en oost drenthe"),
    ("Veenkoloniën", "veenkolonien"),
    ("", ""),
])
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(("query", "name", "href"), [
    ("sudwest", "Súdwest-Fryslân", "/gebied?code=GM1900"),
    ("fryslan", "Súdwest-Fryslân", "/gebied?code=GM1900"),
    ("s-hertogenbosch", "'s-Hertogenbosch", "/gebied?code=GM0796"),
    ("SHERTOGENBOSCH", "'s-Hertogenbosch", "/gebied?code=GM0796"),
    ("zuid-limburg", "Zuid-Limburg", "/zuid-limburg"),  # the region (and the COROP area)
    ("zuid limburg", "Zuid-Limburg", "/gebied?code=CR39"),
    ("limburg", "Limburg", "/gebied?code=PV31"),
    ("kerkrade", "Kerkrade", "/gebied?code=GM0928"),
])
def test_find_every_kind(store_env: Path, query: str, name: str, href: str) -> None:
    from dashboard.components.search import find

    hits = find(query)
    assert any(h.name == name and h.href == href for h in hits), [(h.name, h.href) for h in hits]


def test_find_nothing_and_limit(store_env: Path) -> None:
    from dashboard.components.search import MAX_HITS, find

    assert find("xyzzy") == [] and find("  ") == []
    assert len(find("a")) == MAX_HITS


def _national() -> None:
    from dashboard.views import nederland

    nederland.render()


def test_national_page_search_box(store_env: Path) -> None:
    at = AppTest.from_function(_national, default_timeout=90).run()
    assert not at.exception
    box = at.text_input[0]
    assert box.label.startswith("Zoek een gemeente")
    box.input("sudwest").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert 'href="/gebied?code=GM1900"' in text and "Súdwest-Fryslân" in text
    at.text_input[0].input("geen-gebied-xyz").run()
    assert any("Geen gebied gevonden" in c.value for c in at.caption)
