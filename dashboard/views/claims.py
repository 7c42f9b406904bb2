"""Claims: every registered claim from the five documents, filterable, with quote, source, location and verdict."""

from __future__ import annotations

import streamlit as st

from dashboard import common, data
from dashboard.components import mapdata, maps
from dashboard.components.claims_layer import claims_and_documents, render_claim
from dashboard.params import ViewParams, set_params
from seeds.rules import LABELS, UNTESTABLE


@st.cache_resource(show_spinner=False, max_entries=64)
def claims_map(claim_ids: tuple[str, ...]) -> maps.MapSpec:
    """The provinces as a quiet base with the claims' markers, schematic lines and outlined areas."""
    return maps.MapSpec(features=data.shape("PV")["features"], claims=mapdata.claims(claim_ids), title="Nederland")


@st.cache_resource(show_spinner=False, max_entries=64)
def claims_svg(claim_ids: tuple[str, ...]) -> str:
    """The claims map as SVG (cached per selection)."""
    return maps.payload(claims_map(claim_ids), width=600, font_px=15, uid="cl")


def render() -> None:
    """The page."""
    if not common.require_store():
        return
    params = ViewParams()
    claims, docs = claims_and_documents()
    st.title("Claims uit de vijf documenten")
    st.caption("Elke claim met letterlijk citaat, bron en locatie; waar indicatoren gekoppeld zijn, het oordeel "
               "op basis van de CBS-cijfers (regel: zie Over).")
    doc_files = list(docs)
    region_ids = sorted({r for c in claims for r in c.regions})
    kinds = sorted({c.kind for c in claims})
    defs = data.region_defs()
    with st.sidebar:
        st.header("Filter", anchor=False)
        sel_docs = st.multiselect("Document", doc_files, default=params.choices("document", doc_files, [], "document"),
                                  format_func=lambda f: docs[f].title, key="cl_doc",
                                  placeholder="Alle documenten")
        sel_regions = st.multiselect("Regio", region_ids, default=params.choices("regio", region_ids, [], "regio"),
                                     format_func=lambda r: defs[r].name if r in defs else r, key="cl_region",
                                     placeholder="Alle regio's")
        sel_kinds = st.multiselect("Soort", kinds, default=params.choices("soort", kinds, [], "soort"), key="cl_kind",
                                   placeholder="Alle soorten")
        sel_labels = st.multiselect("Oordeel", list(LABELS), default=params.choices("oordeel", list(LABELS), [], "oordeel"),
                                    key="cl_label", placeholder="Alle oordelen")
    params.show_messages()
    set_params(document=",".join(sel_docs) or None, regio=",".join(sel_regions) or None,
               soort=",".join(sel_kinds) or None, oordeel=",".join(sel_labels) or None)
    verdicts = data.claim_verdicts()
    # Claims that say what another one says carry its verdict and are shown on its card (one verdict per group).
    shown = [c for c in claims
             if not c.same_as
             and (not sel_docs or c.document in sel_docs)
             and (not sel_regions or set(sel_regions) & set(c.regions))
             and (not sel_kinds or c.kind in sel_kinds)
             and (not sel_labels or verdicts.loc[c.id, "label"] in sel_labels)]
    counts = verdicts.loc[[c.id for c in shown], "label"].value_counts()
    n_grouped = sum(1 for c in claims if c.same_as)
    st.markdown(f"**{len(shown)}** van {len(claims) - n_grouped} claims ({n_grouped} claims met dezelfde strekking "
                "staan bij de claim die ze herhalen)")
    tested_labels = [lab for lab in LABELS if lab != UNTESTABLE]
    cols = st.columns(4)
    for i, label in enumerate([*tested_labels, UNTESTABLE]):
        cols[i % 4].metric(label[0].upper() + label[1:], int(counts.get(label, 0)))
    st.caption("De schaal loopt van ondersteund via overwegend ondersteund, gemengd beeld en geen duidelijk verschil "
               "naar overwegend tegengesproken en tegengesproken; de eenheid van bewijs is de indicator. Niet "
               "toetsbaar: de tekst geeft geen richting, de indicator meet niet wat de claim zegt of de cijfers "
               "ontbreken; de reden staat bij de claim. De regels staan op de pagina Over.")
    map_col, list_col = st.columns([2, 3], gap="medium")
    with map_col:
        ids = tuple(c.id for c in shown)
        maps.show(claims_map(ids), lambda: claims_svg(ids), key="claims_map", height=620)
        st.caption("Paars: plaatsen, schematische lijnen en gebieden waarover de documenten iets zeggen.")
    with list_col:
        # No fixed-height scroll box: a box the keyboard cannot scroll fails WCAG 2.1.1. Cards are closed
        # expanders (content rendered on opening), grouped by document with the tested claims first.
        for doc_file in doc_files:
            mine = [c for c in shown if c.document == doc_file]
            if not mine:
                continue
            n_tested = sum(verdicts.loc[c.id, "label"] != UNTESTABLE for c in mine)
            st.header(docs[doc_file].title, anchor=False)
            st.caption(f"{len(mine)} claims, waarvan {n_tested} met cijfers getoetst")
            for claim in sorted(mine, key=lambda c: (verdicts.loc[c.id, "label"] == UNTESTABLE, c.id)):
                render_claim(claim, docs, compact=True)
    common.footer()
