"""Region figures against the Netherlands for the cards and the profile, read from the stored comparisons.

The comparison itself (niveau, gap trend, rank) is made once, in the pipeline (:mod:`seeds.engine`, rules in
:mod:`seeds.rules`); this module only selects and shapes the stored rows (pure pandas).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from seeds.rules import BETER, KLOOF_GUNSTIG, KLOOF_ONGUNSTIG, SLECHTER

TONE = {BETER: "better", SLECHTER: "worse"}
PROFILE_GROUPS = ("hier_en_nu", "later")


def tone(niveau: str | None) -> str:
    """'better', 'worse' or '' (comparable, no direction or not testable), from the stored niveau outcome."""
    return TONE.get(niveau or "", "")


def gap_tone(kloof: str | None) -> str:
    """'better' when the gap moved in the region's favour, 'worse' against it, '' otherwise."""
    if kloof in KLOOF_GUNSTIG:
        return "better"
    return "worse" if kloof in KLOOF_ONGUNSTIG else ""


def headline_rows(comparisons: pd.DataFrame, catalogue: pd.DataFrame, indicator_ids: Sequence[str],
                  reasons: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator: the stored comparison with the catalogue's name and unit (NaN value = geen data)."""
    rows = []
    for iid in indicator_ids:
        if iid not in catalogue.index:
            continue
        meta = catalogue.loc[iid]
        base = {"indicator_id": iid, "name": meta["name_nl"], "label": meta["label_nl"], "unit": meta["unit"],
                "direction": meta["direction"]}
        if iid not in comparisons.index:
            rows.append({**base, "value": np.nan, "reason": _reason(reasons, iid)})
            continue
        comp = comparisons.loc[iid]
        rows.append({**base, **{k: comp[k] for k in (
            "period", "value", "nl_value", "diff", "z", "niveau", "niveau_reason", "rank", "n_ranked", "method",
            "source_table", "coverage", "index_nl", "kloof", "kloof_from", "kloof_to", "gap_first", "gap_last",
            "gap_change")}, "reason": None})
    return pd.DataFrame(rows)


def _reason(reasons: pd.DataFrame | None, iid: str) -> str:
    if reasons is not None and "reason" in reasons:
        hit = reasons[(reasons["indicator_id"] == iid) & reasons["reason"].notna()]
        if len(hit):
            return str(hit["reason"].iloc[-1])
    return "geen gegevens voor deze regio"


def profile(comparisons: pd.DataFrame, catalogue: pd.DataFrame, theme_groups: Sequence[str] = PROFILE_GROUPS,
            primary_only: bool = True, theme_order: Sequence[str] | None = None) -> pd.DataFrame:
    """Directed indicators with a stored niveau outcome, with theme and unique label, ordered by theme then score."""
    cat = catalogue[catalogue["theme_group"].isin(theme_groups) & (catalogue["direction"] != "neutral")]
    if primary_only:
        cat = cat[cat["twin_of"].isna()]
    comp = comparisons[comparisons["indicator_id"].isin(cat.index) & comparisons["z"].notna()].copy()
    comp["name"] = comp["indicator_id"].map(cat["label_nl"])
    comp["theme"] = comp["indicator_id"].map(cat["theme"])
    comp["theme_name"] = comp["indicator_id"].map(cat["theme_name"])
    comp["unit"] = comp["indicator_id"].map(cat["unit"])
    comp["score"] = comp["z"]
    order = list(theme_order or []) + [t for t in dict.fromkeys(cat["theme"]) if t not in (theme_order or [])]
    comp["_t"] = comp["theme"].map(order.index)
    return comp.sort_values(["_t", "score"]).drop(columns="_t").reset_index(drop=True)


def rank_in(values: pd.Series, value: float, direction: str) -> tuple[int | None, int]:
    """Position of ``value`` among ``values`` (1 = best); ties share the better rank (used for maps' tables)."""
    if values.empty or np.isnan(value):
        return None, int(len(values))
    if direction == "lower_is_better":
        better = int((values < value - 1e-9).sum())
    else:
        better = int((values > value + 1e-9).sum())
    return better + 1, int(len(values))
