"""The documents' claims beside the data: verdicts, evidence and their rendering (the map layer is in maps.py)."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components.fmt import fmt_num
from dashboard.safety import safe_text

VERDICT_BADGE = {
    "ondersteund": ":green[:material/check_circle: ondersteund]",
    "niet ondersteund": ":orange[:material/cancel: niet ondersteund]",
    "gemengd": ":violet[:material/contrast: gemengd]",
    "niet toetsbaar met deze data": ":gray[:material/help: niet toetsbaar met deze data]",
}
VERDICT_HTML_COLOUR = {"ondersteund": "#1b7837", "niet ondersteund": "#b35806", "gemengd": "#762a83"}


@st.cache_data(show_spinner=False)
def claims_and_documents() -> tuple[list[Any], dict[str, Any]]:
    """All claims and the documents by file name (from seeds/*.yaml)."""
    from seeds.claims import load_claims, load_documents

    return load_claims(), {d.file: d for d in load_documents()}


def claim_evidence(claim: Any, delineation: str | None = None) -> pd.DataFrame:
    """Evidence rows for a claim from the store: per region (or area code) × linked indicator, every period,
    with the NL value, the rank among the 40 COROP areas and the indicator's direction."""
    cat = data.indicators()
    nl = data.nl_values().rename(columns={"value": "nl_value"})[["indicator_id", "period", "nl_value"]]
    corop = data.corop_values_all()
    defs = data.region_defs()
    parts = []
    targets: list[tuple[str, pd.DataFrame]] = []
    for rid in claim.regions:
        if rid in defs and rid != "nederland":
            delin = delineation if delineation in defs[rid].delineations else defs[rid].default_delineation
            targets.append((rid, data.region_values(rid, delin)))
    if not targets:
        for code in getattr(claim.location, "codes", ()):
            if code != "NL01":
                targets.append((code, _code_values(code)))
    for target, vals in targets:
        vals = vals[vals["indicator_id"].isin(claim.indicators) & vals["value"].notna()]
        if vals.empty:
            continue
        vals = vals.merge(nl, on=["indicator_id", "period"], how="left")
        vals["region_id"] = target
        vals["direction"] = vals["indicator_id"].map(cat["direction"])
        ranks, ns = [], []
        for row in vals.itertuples():
            pool = corop[(corop["indicator_id"] == row.indicator_id) & (corop["period"] == row.period)]["value"]
            if pool.empty:
                ranks.append(None)
                ns.append(0)
                continue
            better = (pool < row.value).sum() if row.direction == "lower_is_better" else (pool > row.value).sum()
            ranks.append(int(better) + 1)
            ns.append(len(pool))
        vals["rank"], vals["n_ranked"] = ranks, ns
        vals = vals.merge(data.corop_stats()[["indicator_id", "period", "sd"]], on=["indicator_id", "period"], how="left")
        parts.append(vals[["region_id", "indicator_id", "period", "value", "nl_value", "rank", "n_ranked", "direction",
                           "method", "source_table", "sd"]])
    if not parts:
        return pd.DataFrame(columns=["region_id", "indicator_id", "period", "value", "nl_value", "rank", "n_ranked",
                                     "direction", "method", "source_table", "sd"])
    return pd.concat(parts, ignore_index=True)


def _code_values(code: str) -> pd.DataFrame:
    return data.get_store().df(
        "SELECT indicator_id, period, value, method, source_table FROM observations WHERE region_code = ?", [code]
    )


@st.cache_data(show_spinner=False, max_entries=1024)
def claim_verdict(claim_id: str, delineation: str | None = None, region_id: str | None = None
                  ) -> tuple[str, str, pd.DataFrame]:
    """(label, Dutch explanation, evidence rows) for one claim, computed from the store; with ``region_id``
    only that region's evidence counts (the region pages judge a claim for the region on screen)."""
    from seeds.verdict import verdict_for_claim

    claims, _ = claims_and_documents()
    claim = next(c for c in claims if c.id == claim_id)
    evidence = claim_evidence(claim, delineation)
    if region_id is not None and region_id in claim.regions:
        evidence = evidence[evidence["region_id"] == region_id]
    verdict = verdict_for_claim(claim, evidence)
    return verdict.label, verdict.explanation_nl, evidence


def evidence_lines(evidence: pd.DataFrame, limit: int = 4) -> list[str]:
    """'Twente · Werkloosheid 2024: 3,6 (NL 3,7), positie 24/40' for the latest period of each pair."""
    if evidence.empty:
        return []
    cat = data.indicators()
    defs = data.region_defs()
    latest = evidence.sort_values("period").groupby(["region_id", "indicator_id"], as_index=False).tail(1)
    lines = []
    for row in latest.head(limit).itertuples():
        where = defs[row.region_id].name if row.region_id in defs else data.get_store().region_name(row.region_id)
        unit = cat.loc[row.indicator_id, "unit"]
        rank = f", positie {int(row.rank)}/{int(row.n_ranked)}" if pd.notna(row.rank) and row.n_ranked else ""
        lines.append(f"{where} · {cat.loc[row.indicator_id, 'name_nl']} {int(row.period)}: "
                     f"{fmt_num(row.value, unit=unit)} {unit} (NL {fmt_num(row.nl_value, unit=unit)}){rank}")
    if len(latest) > limit:
        lines.append(f"… en {len(latest) - limit} combinaties meer")
    return lines


@st.cache_resource(show_spinner=False, max_entries=1024)
def _evidence_lines_cached(claim_id: str, delineation: str | None, region_id: str | None) -> list[str]:
    return evidence_lines(claim_verdict(claim_id, delineation, region_id)[2])


def render_claim(claim: Any, docs: dict[str, Any], delineation: str | None = None, large: bool = False,
                 region_id: str | None = None) -> None:
    """One claim: verdict, paraphrase, quote, source and the numbers behind the verdict."""
    label, explanation, evidence = claim_verdict(claim.id, delineation, region_id)
    doc = docs.get(claim.document)
    if large:
        colour = VERDICT_HTML_COLOUR.get(label, "#555555")
        st.markdown(f"<div class='bw-claim'><b style='color:{colour}'>{html.escape(label)}</b> — "
                    f"{html.escape(claim.paraphrase)}</div>", unsafe_allow_html=True)
        return
    with st.container(border=True):
        st.markdown(f"**{VERDICT_BADGE.get(label, safe_text(label))}** · {safe_text(claim.paraphrase)}")
        st.markdown(f"> “{safe_text(claim.quote)}”")
        st.caption(f"{safe_text(doc.title if doc else claim.document)} — {safe_text(claim.section)} "
                   f"({safe_text(claim.id)}, {safe_text(claim.kind)})")
        if label != "niet toetsbaar met deze data":
            st.caption(safe_text(explanation))
        lines = _evidence_lines_cached(claim.id, delineation, region_id)
        if lines:
            st.caption("Wat de cijfers zeggen: " + " · ".join(safe_text(x) for x in lines) + ". Bron: CBS.")


def render_region_claims(region_id: str, delineation: str, large: bool = False) -> None:
    """The claims about one region with their verdicts."""
    claims, docs = claims_and_documents()
    mine = [c for c in claims if region_id in c.regions]
    if not mine:
        st.caption("De vijf documenten doen geen specifieke uitspraken over deze regio.")
        return
    testable = sorted(mine, key=lambda c: (not c.testable, not c.indicators, c.id))
    limit = 5 if large else len(testable)
    if not large:
        st.caption(f"{len(mine)} claims over deze regio; het oordeel vergelijkt de gekoppelde CBS-indicatoren met NL.")
    box = st.container(height=520) if not large and len(testable) > 3 else st.container()
    with box:
        for claim in testable[:limit]:
            render_claim(claim, docs, delineation, large=large, region_id=region_id)
