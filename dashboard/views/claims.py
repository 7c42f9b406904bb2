"""Claims: every registered claim from the five documents, filterable, with quote, source, location and verdict."""

from __future__ import annotations

import streamlit as st

from dashboard import common, data
from dashboard.components import maps
from dashboard.components.claims_layer import claim_verdict, claims_and_documents, draw_claims, render_claim
from dashboard.params import ViewParams, set_params
from dashboard.safety import safe_text


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
        st.subheader("Filter")
        sel_docs = st.multiselect("Document", doc_files, default=params.choices("document", doc_files, [], "document"),
                                  format_func=lambda f: docs[f].title, key="cl_doc",
                                  placeholder="Alle documenten")
        sel_regions = st.multiselect("Regio", region_ids, default=params.choices("regio", region_ids, [], "regio"),
                                     format_func=lambda r: defs[r].name if r in defs else r, key="cl_region",
                                     placeholder="Alle regio's")
        sel_kinds = st.multiselect("Soort", kinds, default=params.choices("soort", kinds, [], "soort"), key="cl_kind",
                                   placeholder="Alle soorten")
    params.show_messages()
    set_params(document=",".join(sel_docs) or None, regio=",".join(sel_regions) or None,
               soort=",".join(sel_kinds) or None)
    shown = [c for c in claims
             if (not sel_docs or c.document in sel_docs)
             and (not sel_regions or set(sel_regions) & set(c.regions))
             and (not sel_kinds or c.kind in sel_kinds)]
    labels = [claim_verdict(c.id)[0] for c in shown]
    counts = {lab: labels.count(lab) for lab in dict.fromkeys(labels)}
    st.markdown(f"**{len(shown)}** van {len(claims)} claims · " +
                " · ".join(f"{safe_text(k)}: {v}" for k, v in counts.items()))
    map_col, list_col = st.columns([2, 3], gap="medium")
    with map_col:
        fig = maps.base_map(data.shape("PV"), height=620)
        draw_claims(fig, shown, docs)
        st.plotly_chart(fig, width="stretch", config={"displayModeBar": False, "scrollZoom": True}, key="claims_map")
        st.caption("Paars: plaatsen, schematische lijnen en gebieden waarover de documenten iets zeggen.")
    with list_col:
        box = st.container(height=680)
        with box:
            for claim in shown:
                render_claim(claim, docs)
                loc = claim.location
                where = (", ".join(data.get_store().region_name(c) for c in loc.codes) if loc.type == "area"
                         else loc.name if loc.type == "point" else " – ".join(t.name for t in loc.towns) + " (schematisch)")
                st.caption(f"Locatie: {safe_text(where)}")
    common.footer()
