"""The documents' claims beside the data: stored verdicts and evidence, as cards and compact lists.

The claims layer on the maps lives in :mod:`dashboard.components.maps` (one map module)."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.common import lazy_expander, show_table
from dashboard.safety import safe_text

VERDICT_STYLE = {  # the label scale of seeds.rules; the words carry the meaning, the colour only repeats it
    "ondersteund": (":material/check_circle:", "green"),
    "overwegend ondersteund": (":material/check:", "green"),
    "gemengd beeld": (":material/contrast:", "violet"),
    "geen duidelijk verschil": (":material/drag_handle:", "gray"),
    "overwegend tegengesproken": (":material/close:", "orange"),
    "tegengesproken": (":material/cancel:", "orange"),
    "niet toetsbaar": (":material/help:", "gray"),
}
VERDICT_HTML_COLOUR = {"ondersteund": "#1b7837", "overwegend ondersteund": "#1b7837", "gemengd beeld": "#762a83",
                       "geen duidelijk verschil": "#4d4d4d", "overwegend tegengesproken": "#b35806",
                       "tegengesproken": "#b35806"}


@st.cache_resource(show_spinner=False)
def claims_and_documents() -> tuple[list[Any], dict[str, Any]]:
    """All claims and the documents by file name (from seeds/*.yaml): one shared object (frozen dataclasses; callers
    never modify the list), not a pickled copy per call."""
    from seeds.claims import load_claims, load_documents

    return load_claims(), {d.file: d for d in load_documents()}


def claim_verdict(claim_id: str, region_id: str | None = None, delineation: str | None = None) -> dict[str, Any]:
    """The stored verdict of a claim: for one region and delineation when given, else for the claim as a whole."""
    if region_id is not None:
        hit = _region_verdicts(region_id).get((claim_id, delineation))
        if hit is not None:
            return dict(hit)
    return dict(_verdicts()[claim_id])


@st.cache_resource(show_spinner=False, max_entries=128)
def _region_verdicts(region_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The stored verdicts of one region by (claim, delineation), first row first (read once per store version,
    not filtered per claim and run)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for claim_id, row in zip(*_rows(data.region_claim_verdicts(region_id)), strict=True):
        out.setdefault((claim_id, row["delineation"]), row)
    return out


@st.cache_resource(show_spinner=False)
def _verdicts() -> dict[str, dict[str, Any]]:
    """Every claim's verdict as a whole, by claim id."""
    frame = data.claim_verdicts()
    return dict(zip(frame.index, _rows(frame)[1], strict=True))


def _rows(frame: pd.DataFrame) -> tuple[list[str], list[dict[str, Any]]]:
    """Claim ids and rows as dicts (as ``frame.iloc[i].to_dict()`` gives them)."""
    return frame["claim_id"].tolist(), [frame.iloc[i].to_dict() for i in range(len(frame))]


def claim_pairs(claim_id: str, region_id: str | None = None, delineation: str | None = None) -> pd.DataFrame:
    """The evidence rows behind :func:`claim_verdict` (the same selection of regions and delineations)."""
    ev = data.claim_evidence(claim_id)
    if ev.empty or ev["region_id"].isna().all():
        return ev
    if region_id is not None and (ev["region_id"] == region_id).any():
        return ev[(ev["region_id"] == region_id) & (ev["delineation"] == delineation)]
    defs = data.region_defs()
    default = ev["region_id"].map(lambda r: defs[r].default_delineation if r in defs else None)
    return ev[ev["delineation"].isna() | (ev["delineation"] == default)]


def region_names() -> dict[str, str]:
    """Display names of region ids and CBS codes (for evidence lines)."""
    names = dict(zip(data.regions_table()["region_code"], data.regions_table()["name"], strict=True))
    names.update({rid: r.name for rid, r in data.region_defs().items()})
    return names


def verdict_badge(label: str, verdict_nl: str | None = None) -> str:
    """Markdown for a verdict label in its colour ('gemengd beeld (3 van 9 …)'); the words carry the meaning.

    No icon: Streamlit names a Markdown icon in English for screen readers ('check_circle icon'). The colours are the
    theme's text colours (``.streamlit/config.toml``), each at least 5.2:1 on white.
    """
    _, colour = VERDICT_STYLE.get(label, (":material/help:", "gray"))
    return f":{colour}[{safe_text(verdict_nl or label)}]"


def render_claim(claim: Any, docs: dict[str, Any], delineation: str | None = None, large: bool = False,
                 region_id: str | None = None, compact: bool = False) -> None:
    """One claim: verdict, paraphrase, quote, source, the method in one sentence and the numbers behind it.
    ``compact``: the verdict and paraphrase as the label of a closed expander holding the rest."""
    verdict = claim_verdict(claim.id, region_id, delineation)
    label = verdict["label"]
    if large:
        colour = VERDICT_HTML_COLOUR.get(label, "#4d4d4d")
        st.markdown(f"<div class='bw-claim'><b style='color:{colour}'>{html.escape(verdict['verdict_nl'])}</b> — "
                    f"{html.escape(claim.paraphrase)}</div>", unsafe_allow_html=True)
        return
    if compact:
        icon, _ = VERDICT_STYLE.get(label, (":material/help:", "gray"))
        with lazy_expander(f"{verdict['verdict_nl']} · {claim.paraphrase}", f"claim_{claim.id}_{region_id}_{delineation}",
                           icon=icon) as is_open:
            if is_open:
                _claim_body(claim, docs, verdict, region_id, delineation, inside_expander=True)
        return
    with st.container(border=True):
        st.markdown(f"**{verdict_badge(label, verdict['verdict_nl'])}** · {safe_text(claim.paraphrase)}")
        _claim_body(claim, docs, verdict, region_id, delineation)


def _claim_body(claim: Any, docs: dict[str, Any], verdict: dict[str, Any], region_id: str | None,
                delineation: str | None, inside_expander: bool = False) -> None:
    """Quote, source, verdict summary, method, the first pairs in words, and the chart and table of all pairs."""
    from dashboard.components import evidence

    doc = docs.get(claim.document)
    st.markdown(f"> “{safe_text(claim.quote)}”")
    st.caption(f"{safe_text(doc.title if doc else claim.document)} — {safe_text(claim.section)} "
               f"({safe_text(claim.id)}, {safe_text(claim.kind)})")
    loc = claim.location
    where = (", ".join(data.get_store().region_name(c) for c in loc.codes[:12]) + (" …" if len(loc.codes) > 12 else "")
             if loc.type == "area" else loc.name if loc.type == "point"
             else " – ".join(t.name for t in loc.towns) + " (schematisch)")
    st.caption(f"Locatie: {safe_text(where)}")
    others = [c for c in claims_and_documents()[0] if c.same_as == claim.id]
    for other in others:
        odoc = docs.get(other.document)
        st.markdown(f"> “{safe_text(other.quote)}”")
        st.caption(f"Zelfde strekking, één oordeel: {safe_text(odoc.title if odoc else other.document)} — "
                   f"{safe_text(other.section)} ({safe_text(other.id)})")
    st.markdown(safe_text(verdict["summary_nl"]))
    mark = robustness_line(verdict)
    if mark:
        st.caption(safe_text(mark))
    if verdict.get("cause_nl"):
        st.markdown(f"*{safe_text(verdict['cause_nl'])}*")
    strip = theme_strip(claim.id, region_id, delineation)
    if strip:
        st.caption(safe_text(strip))
    if verdict.get("method_nl"):
        st.caption(safe_text(verdict["method_nl"]))
    lines, table = _evidence_text(claim.id, region_id, delineation)
    if table is None:
        return
    for line in lines:
        st.markdown(f"- {safe_text(line)}")

    def details() -> None:
        from dashboard.components import charts

        charts.show(evidence_spec(claim.id, region_id, delineation), evidence.chart_summary(verdict))
        show_table(table, numbers=evidence.TABLE_NUMBERS, years=evidence.TABLE_YEARS, placeholder="–")
        st.caption(evidence.DREMPEL_NL + " Bron: CBS. Paren zonder bruikbare cijfers tellen niet mee; "
                   "bijna gelijke indicatoren tellen één keer.")

    if inside_expander:  # Streamlit does not nest expanders
        details()
    else:
        with lazy_expander(f"Alle {len(table)} paren en grafiek", f"pairs_{claim.id}_{region_id}_{delineation}") as is_open:
            if is_open:
                details()


def robustness_line(verdict: dict[str, Any]) -> str:
    """'Venster 2013–2022 · robuust' or '… · bij andere redelijke keuzes: gemengd beeld tot overwegend ondersteund'."""
    parts = []
    window = verdict.get("window_nl")
    if isinstance(window, str) and window:
        parts.append(window[0].upper() + window[1:])
    text = verdict.get("robustness_nl")
    if isinstance(text, str) and text:
        parts.append("robuust: hetzelfde oordeel bij andere redelijke drempels en maten" if text == "robuust"
                     else f"niet robuust: bij andere redelijke drempels of maten {text}")
    return " · ".join(parts)


def theme_strip(claim_id: str, region_id: str | None, delineation: str | None) -> str:
    """Per theme how many indicators point the claim's way, the other way, or show no clear difference."""
    effects = data.claim_indicator_effects(claim_id)
    if effects.empty:
        return ""
    if region_id is not None and (effects["region_id"] == region_id).any():
        part = effects[(effects["region_id"] == region_id) & (effects["delineation"] == delineation)]
    else:
        part = effects[effects["region_id"].isna()]
    part = part[part["counted"].astype(bool) & part["direction"].notna()]
    if part.empty or part["theme_name"].nunique() < 2:
        return ""
    cells = []
    for theme, g in part.groupby("theme_name", sort=False):
        d = g["direction"].astype(int)
        cells.append(f"{theme} {int((d == 1).sum())} mee, {int((d == -1).sum())} tegen, {int((d == 0).sum())} geen verschil")
    return "Per thema: " + "; ".join(cells) + "."


@st.cache_resource(show_spinner=False, max_entries=1024)
def _evidence_text(claim_id: str, region_id: str | None, delineation: str | None) -> tuple[list[str], pd.DataFrame | None]:
    """The first pairs in words and the table of all pairs (cached per claim and region)."""
    from dashboard.components import evidence

    pairs = claim_pairs(claim_id, region_id, delineation)
    if pairs.empty:
        return [], None
    names = region_names()
    return evidence.lines(pairs, names), evidence.table(pairs, names)


@st.cache_resource(show_spinner=False, max_entries=1024)
def evidence_spec(claim_id: str, region_id: str | None, delineation: str | None) -> dict | None:
    """The evidence chart of a claim as a Vega-Lite spec (cached: built once per claim and region)."""
    from dashboard.components import charts, evidence

    verdict = claim_verdict(claim_id, region_id, delineation)
    pairs = claim_pairs(claim_id, region_id, delineation)
    disp = data.dispersion(tuple(pairs["indicator_id"].dropna().unique())) if verdict["test"] == "spreiding" else None
    chart = evidence.chart(pairs, verdict["test"], region_names(), disp)
    return charts.spec(charts.dutch(chart)) if chart is not None else None


def render_region_claims(region_id: str, delineation: str, large: bool = False) -> None:
    """The claims about one region with that region's own verdict."""
    claims, docs = claims_and_documents()
    mine = [c for c in claims if region_id in c.regions and not c.same_as]
    if not mine:
        st.caption("De vijf documenten doen geen specifieke uitspraken over deze regio.")
        return
    ordered = sorted(mine, key=lambda c: (not c.testable, c.id))
    limit = 5 if large else len(ordered)
    if not large:
        n_tested = sum(c.testable for c in mine)
        st.caption(f"{len(mine)} claims over deze regio, {n_tested} met een toets; het oordeel geldt voor deze regio "
                   "in de gekozen afbakening.")
    for claim in ordered[:limit]:
        render_claim(claim, docs, delineation, large=large, region_id=region_id, compact=not large)
