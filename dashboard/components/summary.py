"""Region figures compared with the Netherlands: headline rows and the standardised profile (pure pandas)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SIGN = {"higher_is_better": 1.0, "lower_is_better": -1.0, "neutral": 0.0}
EQUAL_Z = 0.25  # |scaled difference| below this counts as "vergelijkbaar met NL"


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    """Latest non-missing period per indicator."""
    frame = frame[frame["value"].notna()]
    return frame.sort_values("period").groupby("indicator_id", as_index=False).tail(1)


def tone(score: float) -> str:
    """'better', 'worse' or '' (comparable, or no spread to judge by) using the profile's threshold."""
    if score is None or np.isnan(score):
        return ""
    return "better" if score >= EQUAL_Z else ("worse" if score <= -EQUAL_Z else "")


def headline_rows(
    region_vals: pd.DataFrame,
    nl_vals: pd.DataFrame,
    corop_vals: pd.DataFrame,
    catalogue: pd.DataFrame,
    indicator_ids: Sequence[str],
) -> pd.DataFrame:
    """One row per indicator: latest region value, NL value (same period), difference, rank among the
    COROP areas (1 = best), trend since the first available period."""
    rows = []
    for iid in indicator_ids:
        if iid not in catalogue.index:
            continue
        meta = catalogue.loc[iid]
        reg = region_vals[(region_vals["indicator_id"] == iid) & region_vals["value"].notna()].sort_values("period")
        if reg.empty:
            rows.append({"indicator_id": iid, "name": meta["name_nl"], "unit": meta["unit"], "value": np.nan,
                         "direction": meta["direction"], "reason": _reason(region_vals, iid)})
            continue
        last = reg.iloc[-1]
        period = int(last["period"])
        nl = nl_vals[(nl_vals["indicator_id"] == iid) & (nl_vals["period"] == period)]
        nl_value = float(nl["value"].iloc[0]) if len(nl) else np.nan
        cr = corop_vals[(corop_vals["indicator_id"] == iid) & (corop_vals["period"] == period)]["value"].dropna()
        rank, n = rank_in(cr, float(last["value"]), meta["direction"])
        sd = float(cr.std()) if len(cr) >= 10 else np.nan
        diff = float(last["value"]) - nl_value if not np.isnan(nl_value) else np.nan
        score = diff / sd * SIGN.get(meta["direction"], 0.0) if sd and not np.isnan(sd) else np.nan
        first = reg.iloc[0]
        rows.append(
            {
                "indicator_id": iid, "name": meta["name_nl"], "unit": meta["unit"], "direction": meta["direction"],
                "period": period, "value": float(last["value"]), "nl_value": nl_value,
                "diff": diff, "score": score,
                "rank": rank, "n_ranked": n, "method": last["method"], "source_table": last["source_table"],
                "coverage": last.get("coverage", np.nan),
                "trend_from": int(first["period"]), "trend_delta": float(last["value"]) - float(first["value"]),
                "reason": None,
            }
        )
    return pd.DataFrame(rows)


def _reason(region_vals: pd.DataFrame, iid: str) -> str:
    hit = region_vals[(region_vals["indicator_id"] == iid) & region_vals.get("reason", pd.Series(dtype=str)).notna()]
    return str(hit["reason"].iloc[-1]) if len(hit) else "geen gegevens voor deze regio"


def rank_in(values: pd.Series, value: float, direction: str) -> tuple[int | None, int]:
    """Position of ``value`` among ``values`` (1 = best); ties share the better rank."""
    if values.empty or np.isnan(value):
        return None, int(len(values))
    if direction == "lower_is_better":
        better = int((values < value - 1e-9).sum())
    else:
        better = int((values > value + 1e-9).sum())
    return better + 1, int(len(values))


def profile(
    region_vals: pd.DataFrame,
    nl_vals: pd.DataFrame,
    corop_stats: pd.DataFrame,
    catalogue: pd.DataFrame,
    theme_groups: Sequence[str] = ("hier_en_nu", "later"),
) -> pd.DataFrame:
    """Latest value per directed indicator, scaled: (region − NL) / sd of the 40 COROP values in that
    period, sign-flipped so that positive = better than NL. Indicators without NL value or spread are left out."""
    cat = catalogue[catalogue["theme_group"].isin(theme_groups) & (catalogue["direction"] != "neutral")]
    reg = latest(region_vals[region_vals["indicator_id"].isin(cat.index)])
    merged = reg.merge(nl_vals[["indicator_id", "period", "value"]].rename(columns={"value": "nl_value"}),
                       on=["indicator_id", "period"], how="inner")
    merged = merged.merge(corop_stats[["indicator_id", "period", "sd", "n"]], on=["indicator_id", "period"], how="inner")
    merged = merged[(merged["sd"] > 0) & (merged["n"] >= 10)]
    merged["direction"] = merged["indicator_id"].map(cat["direction"])
    merged["score"] = (merged["value"] - merged["nl_value"]) / merged["sd"] * merged["direction"].map(SIGN)
    merged["name"] = merged["indicator_id"].map(cat["name_nl"])
    merged["theme_name"] = merged["indicator_id"].map(cat["theme_name"])
    merged["theme"] = merged["indicator_id"].map(cat["theme"])
    merged["unit"] = merged["indicator_id"].map(cat["unit"])
    merged["verdict"] = np.select(
        [merged["score"] >= EQUAL_Z, merged["score"] <= -EQUAL_Z], ["beter dan NL", "slechter dan NL"],
        "vergelijkbaar met NL",
    )
    return merged.sort_values(["theme", "score"]).reset_index(drop=True)
