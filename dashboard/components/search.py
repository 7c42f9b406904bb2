"""Search an area by name: gemeente, COROP area, province or one of the regions, diacritics- and case-insensitive
("fryslan" finds Súdwest-Fryslân, "s-hertogenbosch" finds 's-Hertogenbosch); each hit links to its page."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import streamlit as st

from dashboard import data
from dashboard.safety import safe_text

MAX_HITS = 12
KIND_NL = {"GM": "gemeente", "CR": "COROP-gebied", "PV": "provincie", "regio": "regio"}
KIND_ORDER = {"regio": 0, "PV": 1, "CR": 2, "GM": 3}


def normalise(text: str) -> str:
    """Lower case without diacritics, with every run of other characters (apostrophes, hyphens, spaces) as one
    space: 'Súdwest-Fryslân' → 'sudwest fryslan', "'s-Hertogenbosch" → 's hertogenbosch'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


@dataclass(frozen=True)
class Hit:
    """A search result: the name, its kind in Dutch and the page it links to."""

    name: str
    kind: str
    href: str


@st.cache_resource(show_spinner=False)
def index() -> tuple[tuple[str, str, Hit], ...]:
    """(normalised name, compact form without spaces, hit) for every current area and every region."""
    out = []
    table = data.regions_table()
    current = table[table["is_current"] & table["region_level"].isin(["GM", "CR", "PV"])]
    for row in current.itertuples(index=False):
        out.append(Hit(str(row.name), str(row.region_level), f"/gebied?code={row.region_code}"))
    for rid, region in data.region_defs().items():
        if rid != "nederland":
            out.append(Hit(region.name, "regio", f"/{rid}"))
    return tuple((normalise(h.name), normalise(h.name).replace(" ", ""), h) for h in out)


def find(query: str, limit: int = MAX_HITS) -> list[Hit]:
    """Areas whose name contains the query (after :func:`normalise`; also when spaces or hyphens differ), names
    that start with it first, then regions, provinces, COROP areas, gemeenten."""
    q = normalise(query)
    if not q:
        return []
    compact = q.replace(" ", "")
    found = []
    for name, squeezed, hit in index():
        if q in name or compact in squeezed:
            starts = name.startswith(q) or squeezed.startswith(compact) or f" {q}" in f" {name}"
            found.append((not starts, KIND_ORDER.get(hit.kind, 9), name, hit))
    return [h for *_, h in sorted(found, key=lambda f: f[:3])][:limit]


def search_box(key: str = "area_search") -> None:
    """The search field and its hits as links (same tab)."""
    query = st.text_input("Zoek een gemeente, COROP-gebied, provincie of regio", key=key,
                          placeholder="bijvoorbeeld Súdwest-Fryslân of Twente", max_chars=80)
    if not query.strip():
        return
    hits = find(query)
    if not hits:
        st.caption(f"Geen gebied gevonden voor ‘{safe_text(query.strip())}’.")
        return
    items = "".join(f'<li><a href="{html.escape(h.href)}" target="_self">{html.escape(h.name)}</a> '
                    f"<span class='bw-kind'>({KIND_NL.get(h.kind, h.kind)})</span></li>" for h in hits)
    st.markdown(f"<ul class='bw-search' aria-label='Zoekresultaten'>{items}</ul>", unsafe_allow_html=True)
