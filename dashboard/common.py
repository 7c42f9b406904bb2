"""Shared page furniture: store check, indicator picker, attribution footer, presentation CSS."""

from __future__ import annotations

import streamlit as st

from dashboard import data

ATTRIBUTION = "Bron: CBS (Centraal Bureau voor de Statistiek), open data onder CC BY 4.0."


def require_store() -> bool:
    """Show a Dutch notice when the store is missing or broken; True when the store is usable.

    The notice names no server path and no command: those go to the server log (``data.log_unavailable``).
    """
    store, problem = data.store_or_none()
    if store is not None:
        return True
    store_notice(problem or "")
    return False


def store_notice(problem: str) -> None:
    """The page shown instead of data when the store cannot be used."""
    st.title("Brede Welvaart Regiodashboard")
    st.error(f"De gegevens zijn op dit moment niet beschikbaar. {problem}", icon=":material/database:")
    st.markdown(
        "Probeer het later opnieuw. De beheerder vindt de oorzaak en de oplossing in het serverlog; "
        "zie ook de README, sectie *Gegevens*."
    )


@st.cache_resource(show_spinner=False)
def _labels() -> dict[str, str]:
    cat = data.indicators()
    return {
        iid: f"{row.theme_name} · {row.name_nl}" + (" (Monitor Brede Welvaart)" if iid.endswith("_bw") else "")
        for iid, row in zip(cat.index, cat.itertuples(), strict=True)
    }


def indicator_label(indicator_id: str) -> str:
    """'Gezondheid · Levensverwachting bij geboorte' (RMBW twins of official indicators say so)."""
    return _labels().get(indicator_id, indicator_id)


def indicator_options(level: str | None = None) -> list[str]:
    """Indicator ids ordered by theme, optionally only those with data at ``level``."""
    cat = data.indicators()
    if level:
        cat = cat[cat["levels_in_store"].fillna("").str.split(",").map(lambda lv: level in lv)]
    order = list(dict.fromkeys(data.indicators()["theme"]))
    cat = cat.assign(_t=cat["theme"].map(order.index)).sort_values(["_t", "name_nl"])
    return cat.index.tolist()


def footer() -> None:
    """Attribution and build date under every page."""
    info = data.build_info()
    st.caption(
        f"{ATTRIBUTION} Datastore gebouwd op {info.get('built_at', '?')} uit bron ‘{info.get('source', '?')}’. "
        "Afgeleide cijfers zijn als zodanig gemarkeerd, met hun methode."
    )


PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stSidebarNav"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1rem 2.2rem 0.5rem 2.2rem !important;
  max-width: 100% !important; }
html, body, [data-testid="stAppViewContainer"] { background: #ffffff; color: #000000; }
.bw-title { font-size: 3.4rem; font-weight: 800; line-height: 1.05; margin: 0; color: #0b1f44; }
.bw-sub { font-size: 1.5rem; color: #222; margin: .2rem 0 .3rem 0; }
.bw-h2 { font-size: 1.7rem; font-weight: 700; margin: .6rem 0 .2rem 0; color: #0b1f44; }
.bw-card { border-left: 12px solid #6b6b6b; background: #f3f5f9; padding: .45rem .9rem; margin-bottom: .55rem; }
.bw-card .lbl { font-size: 1.25rem; font-weight: 600; color: #111; line-height: 1.2; }
.bw-card .val { font-size: 2.9rem; font-weight: 800; color: #000; line-height: 1.1; }
.bw-card .unit { font-size: 1.5rem; font-weight: 700; }
.bw-card .cmp { font-size: 1.2rem; color: #111; }
.bw-card.worse { border-left-color: #b35806; }
.bw-card.better { border-left-color: #1b7837; }
.bw-claim { font-size: 1.3rem; line-height: 1.3; margin: .2rem 0 .35rem 0; }
.bw-note { font-size: 1.15rem; color: #222; }
.stButton button { min-height: 3rem; padding: .4rem 1.2rem; border: 2px solid #0b1f44; }
.stButton button p { font-size: 1.35rem !important; font-weight: 700; }
</style>
"""
