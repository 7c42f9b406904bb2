"""Claims: every registered claim from the five documents, filterable, with quote, source, location and verdict."""

from __future__ import annotations

import streamlit as st

from dashboard import common, data
from dashboard.components import mapdata, maps
from dashboard.components.claims_layer import claims_and_documents, render_claim
from dashboard.params import ViewParams, set_params
from dashboard.safety import safe_text
from seeds.rules import LABELS


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
    shown = [c for c in claims
             if (not sel_docs or c.document in sel_docs)
             and (not sel_regions or set(sel_regions) & set(c.regions))
             and (not sel_kinds or c.kind in sel_kinds)
             and (not sel_labels or verdicts.loc[c.id, "label"] in sel_labels)]
    counts = verdicts.loc[[c.id for c in shown], "label"].value_counts()
    st.markdown(f"**{len(shown)}** van {len(claims)} claims")
    cols = st.columns(len(LABELS))
    for col, label in zip(cols, LABELS, strict=True):
        col.metric(label.capitalize(), int(counts.get(label, 0)))
    st.caption("Ondersteund: alle getoetste paren van regio en indicator wijzen de kant van de claim op; deels: een "
               "deel (k van n); niet: geen enkel. Niet toetsbaar: de tekst geeft geen richting of de cijfers ontbreken; "
               "de reden staat bij de claim. De regels staan op de pagina Over.")
    map_col, list_col = st.columns([2, 3], gap="medium")
    with map_col:
        ids = tuple(c.id for c in shown)
        maps.show(claims_map(ids), lambda: claims_svg(ids), key="claims_map", height=620)
        st.caption("Paars: plaatsen, schematische lijnen en gebieden waarover de documenten iets zeggen.")
    with list_col:
        # No fixed-height scroll box: a box the keyboard cannot scroll fails WCAG 2.1.1.
        for claim in shown:
            render_claim(claim, docs)
            loc = claim.location
            where = (", ".join(data.get_store().region_name(c) for c in loc.codes) if loc.type == "area"
                     else loc.name if loc.type == "point" else " – ".join(t.name for t in loc.towns) + " (schematisch)")
            st.caption(f"Locatie: {safe_text(where)}")
    common.footer()
