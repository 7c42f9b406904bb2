"""Shared page furniture: store check, indicator picker, attribution footer, presentation CSS and key helper."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
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
def _names() -> dict[str, str]:
    cat = data.indicators()
    return {iid: name + (" (Monitor Brede Welvaart)" if iid.endswith("_bw") else "")
            for iid, name in zip(cat.index, cat["name_nl"], strict=True)}


def indicator_name(indicator_id: str) -> str | None:
    """The Dutch name of an indicator ('Ervaren gezondheid'); None for an id the catalogue does not know."""
    return _names().get(indicator_id)


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
    """Indicator ids ordered by theme, optionally only those with data at ``level`` (a new list each call)."""
    return list(_indicator_options(level))


@st.cache_resource(show_spinner=False)
def _indicator_options(level: str | None) -> tuple[str, ...]:
    cat = data.indicators()
    if level:
        cat = cat[cat["levels_in_store"].fillna("").str.split(",").map(lambda lv: level in lv)]
    order = list(dict.fromkeys(data.indicators()["theme"]))
    cat = cat.assign(_t=cat["theme"].map(order.index)).sort_values(["_t", "name_nl"])
    return tuple(cat.index)


def without_none(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for ``st.dataframe`` whose empty text cells are empty: Streamlit shows a missing value as 'None'."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and out[column].isna().any():
            out[column] = out[column].astype(object).where(out[column].notna(), "")
    return out


MISSING = "geen data"  # what a table shows in an empty number cell (``st.dataframe(placeholder=...)``)


def number_column(label: str, decimals: int | None = None, help: str | None = None,  # noqa: A002 - Streamlit's name
                  width: int | None = None) -> Any:
    """A number column that sorts as numbers and shows them the Dutch way ('113.915', '80,7'): Streamlit's
    'localized' format, whose locale the document helper fixes to nl-NL (:mod:`dashboard.document`). ``decimals``
    fixes the decimals of the column; without it the values show as they are (round them first). ``width``: pixels."""
    step = None if decimals is None else (1 if decimals <= 0 else round(10.0 ** -decimals, decimals))
    return st.column_config.NumberColumn(label, format="localized", step=step, help=help, width=width)


def year_column(label: str = "Jaar") -> Any:
    """A year as a sortable number without a thousands separator (2015, not 2.015)."""
    return st.column_config.NumberColumn(label, format="%d", width="small")


def show_table(frame: pd.DataFrame, *, numbers: dict[str, int | None] | None = None, years: Sequence[str] = (),
               column_config: dict[str, Any] | None = None, placeholder: str = MISSING, **kwargs: Any) -> None:
    """``st.dataframe`` for a table with numbers: the ``numbers`` columns (name → fixed decimals, or None for values
    already rounded per row) sort as numbers and read the Dutch way, ``years`` as plain years, empty text cells are
    empty and empty number cells read ``placeholder``."""
    config: dict[str, Any] = {name: number_column(name, decimals) for name, decimals in (numbers or {}).items()}
    config.update({name: year_column(name) for name in years})
    config.update(column_config or {})
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    st.dataframe(without_none(frame), column_config=config, placeholder=placeholder, **kwargs)


@contextmanager
def lazy_expander(label: str, key: str, *, icon: str | None = None) -> Iterator[bool]:
    """A closed expander whose content runs only while it is open (Streamlit's lazy expander: opening it reruns the
    page). Yields whether it is open. Keeps the hidden charts and tables of a long page out of its first paint."""
    box = st.expander(label, key="bw_x_" + re.sub(r"[^0-9A-Za-z_-]", "_", key), icon=icon, on_change="rerun")
    with box:
        yield bool(box.open)


def direction_nl(direction: str) -> str:
    """'hoger is beter' / 'lager is beter' / 'geen richting' (the catalogue's reading aid)."""
    from data_loaders.catalogue import DIRECTION_NL

    return DIRECTION_NL.get(direction, "geen richting")


def footer() -> None:
    """Attribution and build date under every page."""
    info = data.build_info()
    st.caption(
        f"{ATTRIBUTION} Datastore gebouwd op {info.get('built_at', '?')} uit bron ‘{info.get('source', '?')}’. "
        "Afgeleide cijfers zijn als zodanig gemarkeerd, met hun methode."
    )


# Presentation mode: every size in vh so that 16:9 beamers (1280×720, 1920×1080) show the same slide; no text under
# 20 px (2.8vh = 20.2 px at 720 px height).
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stSidebarNav"], [data-testid="stDecoration"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1.6vh 2vw 0 2vw !important; max-width: 100% !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 1.1vh; }
html, body, [data-testid="stAppViewContainer"] { background: #ffffff; color: #000000; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p, [data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stAlert"] p { font-size: max(20px, 2.8vh); line-height: 1.25; }
.bw-title { font-size: max(34px, 5.6vh); font-weight: 800; line-height: 1.05; margin: 0; color: #0b1f44; }
.bw-sub { font-size: max(20px, 2.8vh); color: #222; margin: .3vh 0 .8vh 0; }
.bw-h2 { font-size: max(24px, 3.4vh); font-weight: 700; margin: 1.2vh 0 0 0; color: #0b1f44; }
.bw-cards { display: grid; grid-template-columns: 1fr 1fr; gap: 1vh 1vw; }
.bw-card { border-left: 1.1vh solid #6b6b6b; background: #f3f5f9; padding: .5vh .9vw .6vh .9vw; min-width: 0; }
.bw-card .lbl { font-size: max(20px, 2.8vh); font-weight: 600; color: #111; line-height: 1.2; }
.bw-card .val { font-size: max(30px, 4.5vh); font-weight: 800; color: #000; line-height: 1.1; }
.bw-card .unit { font-size: max(20px, 2.9vh); font-weight: 700; }
.bw-card .cmp { font-size: max(20px, 2.8vh); color: #111; line-height: 1.2; }
.bw-card.worse { border-left-color: #b35806; }
.bw-card.better { border-left-color: #1b7837; }
.bw-claim { font-size: max(20px, 2.8vh); line-height: 1.25; margin: 0 0 .7vh 0; }
.bw-ptiles { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: .9vh .7vw; margin-top: 1.4vh; }  /* clear of the heading above */
.bw-ptile { background: #f3f5f9; border-left: 1.1vh solid #6b6b6b; padding: .5vh .6vw; min-width: 0; }
.bw-ptile.better { border-left-color: #1b7837; } .bw-ptile.worse { border-left-color: #b35806; }
.bw-ptile .n { font-size: max(20px, 2.8vh); font-weight: 700; color: #0b1f44; line-height: 1.15; }
.bw-ptile .c { font-size: max(20px, 2.8vh); color: #111; line-height: 1.2; white-space: nowrap; }
.bw-ptile .c b.g { color: #1b7837; } .bw-ptile .c b.o { color: #a6470a; }
.bw-note { font-size: max(20px, 2.8vh); color: #222; line-height: 1.2; }
/* The Gemeenten view's key: number and name, in as many columns as the width holds (two at 1024). */
.bw-glist { list-style: none; margin: 1vh 0 0 0; padding: 0; columns: 2 10.5em; column-gap: 1.4vw; }
.bw-glist li { font-size: max(20px, 2.8vh); line-height: 1.18; color: #111; break-inside: avoid; display: grid;
  grid-template-columns: 1.6em 1fr; column-gap: .35em; margin: 0 0 .25vh 0; }
.bw-glist li b { text-align: right; font-weight: 700; color: #0b1f44; }
.bw-glist.one { columns: 1; }
.stButton button, .stDownloadButton button { min-height: max(44px, 6.2vh); padding: .3vh 1.2vw; border: 2px solid #0b1f44;
  white-space: nowrap; }
.stButton button p, .stDownloadButton button p { font-size: max(20px, 2.8vh) !important; font-weight: 700; white-space: nowrap; }
.stDownloadButton button [data-testid="stIconMaterial"] { font-size: max(22px, 3vh) !important; margin-right: .35em; }
.st-key-pmap .bw-map svg { height: 75.5vh; width: auto; max-width: 100%; max-height: none; margin: 0 auto; }
/* Buttons keep their whole label: their columns take the label's width, the title and the note the rest. */
[data-testid="stColumn"]:has(.st-key-prev), [data-testid="stColumn"]:has(.st-key-next),
[data-testid="stColumn"]:has([class*="st-key-pview_"]), [data-testid="stColumn"]:has(.st-key-exit_presentation) {
  flex: 0 0 auto !important; width: auto !important; min-width: 0 !important; }
[data-testid="stColumn"]:has(.bw-title), [data-testid="stColumn"]:has(.bw-note) { flex: 1 1 0 !important; min-width: 0 !important; }
[data-testid="stHorizontalBlock"]:has(.bw-title), [data-testid="stHorizontalBlock"]:has(.bw-note) { flex-wrap: nowrap !important; }
/* The PDF button sits right, under the empty end of the last tile row: its tooltip covers no tile. */
[data-testid="stMain"] [class*="st-key-pdf_"] { align-self: flex-end; }
[data-testid="stTooltipContent"], [data-testid="stTooltipContent"] p { font-size: max(20px, 2.8vh) !important; line-height: 1.2; }
[data-testid="stTooltipContent"] { max-width: 34vw; }
/* The source note row stands at the bottom of the screen whatever the claims' height: a region change does not move it. */
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { min-height: 97.5vh; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > *:has(.bw-note) { margin-top: auto; }
/* A region change reruns the page: no faded frame while it does (the layout stays where it was). */
[data-testid="stMain"] [data-stale="true"] { opacity: 1 !important; transition: none !important; }
/* 4:3 and other narrow screens: the same slide, tighter (the cards column is narrower, its texts wrap more). */
@media (max-aspect-ratio: 3/2) {
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: .7vh; }
  .block-container, [data-testid="stMainBlockContainer"] { padding-top: 1vh !important; }
  .bw-h2 { line-height: 1.15; margin: 1vh 0 .6vh 0; }
  .bw-ptiles { gap: .6vh .6vw; }
  .bw-ptile { padding: .25vh .5vw; }
  .bw-ptile .n, .bw-ptile .c { line-height: 1.12; }
  .bw-card { padding: .3vh .7vw .4vh .7vw; }
  .bw-note { line-height: 1.15; }
  .st-key-pmap .bw-map svg { height: auto; max-height: 75.5vh; }
}
</style>
"""
# ← / → go to the previous/next region (not while typing in a field); claims that do not fit are hidden, last
# first, so the slide never scrolls (and shown again when there is room).
PRESENTATION_JS = r"""
function scroller() { return document.querySelector('[data-testid="stMain"]') || document.scrollingElement; }
function overflow() {
  const root = document.documentElement, main = scroller();
  return Math.max(root.scrollHeight - window.innerHeight, main ? main.scrollHeight - main.clientHeight : 0);
}
function fit() {
  if (!document.querySelector('.bw-title')) return;  // only on a presentation slide
  const claims = Array.from(document.querySelectorAll('.bw-claim'));
  const shown = claims.filter((c) => c.style.display !== 'none');
  const hidden = claims.filter((c) => c.style.display === 'none');
  const over = overflow();
  if (over > 0 && shown.length > 1) {
    const last = shown[shown.length - 1];
    last.__bwH = last.getBoundingClientRect().height;
    last.style.display = 'none';
    requestAnimationFrame(fit);
  } else if (over <= 0 && hidden.length) {
    const block = document.querySelector('[data-testid="stMainBlockContainer"]');
    const room = window.innerHeight - (block ? block.getBoundingClientRect().bottom : window.innerHeight);
    if (room > (hidden[0].__bwH || 1e9) + 12) { hidden[0].style.display = ''; requestAnimationFrame(fit); }
  }
}
export default function (component) {
  const w = window;
  if (w.__bwKeys) document.removeEventListener('keydown', w.__bwKeys);
  w.__bwKeys = (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const which = {ArrowLeft: 'prev', ArrowRight: 'next'}[e.key];
    const button = which && document.querySelector('.st-key-' + which + ' button');
    if (button) { e.preventDefault(); button.click(); }
  };
  document.addEventListener('keydown', w.__bwKeys);
  if (w.__bwFit) w.__bwFit.disconnect();
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  let queued = false;
  const schedule = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; fit(); }); } };
  w.__bwFit = new ResizeObserver(schedule);
  if (block) w.__bwFit.observe(block);
  w.__bwFit.observe(document.documentElement);
  schedule();
  return () => {
    document.removeEventListener('keydown', w.__bwKeys);
    if (w.__bwFit) w.__bwFit.disconnect();
    w.__bwKeys = null; w.__bwFit = null;
  };
}
"""


@st.cache_resource(show_spinner=False)
def _presentation_component() -> Any:
    """The presentation helper component (registered once per process)."""
    return st.components.v2.component("bw_presentation_keys", js=PRESENTATION_JS, isolate_styles=False)


def presentation_keys() -> None:
    """Mount the presentation helper (keyboard navigation, fit to the screen); renders nothing visible."""
    _presentation_component()(key="bw_presentation_keys", height=0)
