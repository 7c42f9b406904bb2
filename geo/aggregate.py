"""Aggregate gemeente values to region groups (pure pandas/numpy; no streamlit, no duckdb).

Every (indicator, period) present in ``obs`` yields one row per group. Weights are gemeente populations of the
same period, or of the nearest period with a population (ties → the later one). Values below the coverage
threshold are withheld (NaN) with a Dutch ``reason``. ``reason`` may also carry a note next to a valid value
(mixed weight periods); test ``value.isna()`` to find withheld values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

METHODS: dict[str, str] = {
    "weighted_mean": "derived:bevolkingsgewogen_gemiddelde",
    "median_approx": "derived:bevolkingsgewogen_gemiddelde_van_medianen (benadering)",
    "sum": "derived:som",
    "none": "niet_aggregeerbaar",
}
OUTPUT_COLUMNS = [
    "indicator_id",
    "group_code",
    "period",
    "value",
    "method",
    "coverage",
    "n_members",
    "n_with_data",
    "weight_period",
    "reason",
]
_CHUNK = 2048  # (indicator, period) rows per dense block; bounds memory at _CHUNK × members × 8 bytes


def _require(df: pd.DataFrame, cols: list[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: kolommen ontbreken: {missing} (aanwezig: {list(df.columns)})")


def _period_numbers(periods: pd.Series, name: str) -> np.ndarray:
    """Periods as numbers: ints, floats or strings starting with a year (``2022``, ``2022JJ00``)."""
    num = pd.to_numeric(periods, errors="coerce")
    if num.isna().any():
        year = pd.to_numeric(periods.astype(str).str.extract(r"^(\d{4})", expand=False), errors="coerce")
        num = num.fillna(year)
    if num.isna().any():
        bad = sorted(set(periods[num.isna()].astype(str)))[:5]
        raise ValueError(f"{name}: periode is geen jaartal: {bad}")
    return num.to_numpy(dtype=float)


def _weight_matrix(
    population: pd.DataFrame, regions: pd.Index, targets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(weights, weight periods), each targets × regions; 0 / NaN where a region has no population."""
    _require(population, ["region_code", "period", "population"], "population")
    pop = population.loc[population["region_code"].isin(regions), ["region_code", "period", "population"]]
    values = pd.to_numeric(pop["population"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    keep = ~np.isnan(values)
    pop, values = pop[keep], values[keep]
    if (values < 0).any():
        raise ValueError("population: negatieve bevolkingsaantallen")
    pnum = _period_numbers(pop["period"], "population")
    q_uni, q_idx = np.unique(pnum, return_inverse=True)
    r_idx = regions.get_indexer(pop["region_code"])
    if pd.Series(q_idx * len(regions) + r_idx).duplicated().any():
        raise ValueError("population: meer dan één bevolkingswaarde per (region_code, period)")
    n_t, n_r, n_q = len(targets), len(regions), len(q_uni)
    if n_q == 0:
        return np.zeros((n_t, n_r)), np.full((n_t, n_r), np.nan)
    mat = np.full((n_r, n_q), np.nan)
    mat[r_idx, q_idx] = values
    # Search candidate periods from late to early so that argmin picks the later one on ties.
    mat_desc, q_desc = mat[:, ::-1], q_uni[::-1]
    dist = np.abs(q_desc[None, :] - targets[:, None])  # T × Q
    masked = np.where(np.isnan(mat_desc)[None, :, :], np.inf, dist[:, None, :])  # T × R × Q
    best = masked.argmin(axis=2)
    found = np.take_along_axis(masked, best[:, :, None], axis=2)[:, :, 0] < np.inf
    weights = np.where(found, mat_desc[np.arange(n_r)[None, :], best], 0.0)
    periods = np.where(found, q_desc[best], np.nan)
    return weights, periods


def nearest_population_weights(population: pd.DataFrame, region_codes: Any, periods: Any) -> pd.DataFrame:
    """``region_code, period, weight, weight_period`` per region and period (nearest; ties → later)."""
    regions = pd.Index(pd.unique(pd.Series(list(region_codes), dtype=object)))
    targets = pd.Series(list(periods))
    weights, wp = _weight_matrix(population, regions, _period_numbers(targets, "periods"))
    return pd.DataFrame(
        {
            "region_code": np.tile(regions.to_numpy(), len(targets)),
            "period": np.repeat(targets.to_numpy(), len(regions)),
            "weight": weights.ravel(),
            "weight_period": wp.ravel(),
        }
    )


def aggregate_regions(
    obs: pd.DataFrame,
    membership: pd.DataFrame,
    population: pd.DataFrame,
    how: Mapping[str, str],
    min_coverage: float = 0.5,
) -> pd.DataFrame:
    """Aggregate ``obs`` (indicator_id, region_code, period, value) to the groups in ``membership``.

    ``how[indicator_id]``: ``weighted_mean`` | ``median_approx`` | ``sum`` | ``none``. ``coverage`` is the
    population share of a group's members with a value; below ``min_coverage`` the value is NaN. Sums need
    every member to have a value. Returns :data:`OUTPUT_COLUMNS`, sorted by indicator, group and period.
    """
    _require(obs, ["indicator_id", "region_code", "period", "value"], "obs")
    _require(membership, ["group_code", "region_code"], "membership")
    if not 0.0 <= min_coverage <= 1.0:
        raise ValueError(f"min_coverage moet tussen 0 en 1 liggen, niet {min_coverage}")
    indicators = pd.unique(obs["indicator_id"])
    missing = sorted(str(i) for i in indicators if i not in how)
    if missing:
        raise ValueError(f"geen aggregatiemethode in 'how' voor: {missing}")
    unknown = sorted({str(how[i]) for i in indicators} - set(METHODS))
    if unknown:
        raise ValueError(f"onbekende aggregatiemethode(s) {unknown}; kies uit {list(METHODS)}")

    mem = membership[["group_code", "region_code"]].drop_duplicates()
    if obs.empty or mem.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OUTPUT_COLUMNS})
    g_codes, groups = pd.factorize(mem["group_code"], sort=True)
    regions = pd.Index(pd.unique(mem["region_code"]))
    member = np.zeros((len(groups), len(regions)))
    member[g_codes, regions.get_indexer(mem["region_code"])] = 1.0
    member_t = member.T  # R × G
    n_members = member.sum(axis=1)

    # (indicator, period) keys, sorted by indicator then period.
    ind_codes, ind_uni = pd.factorize(obs["indicator_id"], sort=True)
    pnum = _period_numbers(obs["period"], "obs")
    per_codes, per_uni = pd.factorize(pnum, sort=True)
    per_labels = pd.Series(obs["period"].to_numpy()).groupby(per_codes).first().to_numpy()
    n_per = len(per_uni)
    key_all = ind_codes.astype(np.int64) * n_per + per_codes
    keys, key_inv = np.unique(key_all, return_inverse=True)
    key_ind, key_per = keys // n_per, keys % n_per

    values = pd.to_numeric(obs["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    r_idx = regions.get_indexer(obs["region_code"])
    sel = (r_idx >= 0) & ~np.isnan(values)
    if pd.Series(key_all[sel] * len(regions) + r_idx[sel]).duplicated().any():
        raise ValueError("obs: meer dan één waarde per (indicator_id, region_code, period)")
    order = np.argsort(key_inv[sel], kind="stable")
    s_key, s_reg, s_val = key_inv[sel][order], r_idx[sel][order], values[sel][order]

    weights, wperiods = _weight_matrix(population, regions, np.asarray(per_uni, dtype=float))
    wp_mode, wp_mixed = _weight_period_mode(wperiods, member)

    n_keys, n_groups = len(keys), len(groups)
    num = np.empty((n_keys, n_groups))
    wsum, total, n_with, vsum = (np.empty_like(num) for _ in range(4))
    for start in range(0, n_keys, _CHUNK):
        stop = min(start + _CHUNK, n_keys)
        lo, hi = np.searchsorted(s_key, [start, stop])
        block = np.full((stop - start, len(regions)), np.nan)
        block[s_key[lo:hi] - start, s_reg[lo:hi]] = s_val[lo:hi]
        has = ~np.isnan(block)
        w = weights[key_per[start:stop]]
        vz = np.where(has, block, 0.0)
        num[start:stop] = (vz * w) @ member_t
        wsum[start:stop] = (has * w) @ member_t
        total[start:stop] = w @ member_t
        n_with[start:stop] = has @ member_t
        vsum[start:stop] = vz @ member_t

    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(total > 0, wsum / total, np.nan)
        mean = np.where(wsum > 0, num / wsum, np.nan)

    how_per_key = np.array([how[i] for i in ind_uni], dtype=object)[key_ind]
    method_key = np.broadcast_to(how_per_key[:, None], num.shape)
    n_mem = np.broadcast_to(n_members[None, :], num.shape)
    is_sum = method_key == "sum"
    is_mean = (method_key == "weighted_mean") | (method_key == "median_approx")
    mean_ok = is_mean & (coverage >= min_coverage - 1e-12) & (n_with > 0) & (wsum > 0)
    sum_ok = is_sum & (n_with == n_mem) & (n_mem > 0)
    value = np.where(mean_ok, mean, np.where(sum_ok, vsum, np.nan))

    reason = _reasons(method_key, value, coverage, n_with, n_mem, wsum, min_coverage)
    note = "gewichten uit meerdere perioden"  # rare: members weighted from different population periods
    for idx in zip(*np.nonzero(wp_mixed[key_per]), strict=True):
        reason[idx] = note if reason[idx] is None else f"{reason[idx]}; {note}"

    out = pd.DataFrame(
        {
            "indicator_id": np.repeat(ind_uni.to_numpy()[key_ind], n_groups),
            "group_code": np.tile(groups.to_numpy(), n_keys),
            "period": np.repeat(per_labels[key_per], n_groups),
            "value": value.ravel(),
            "method": pd.Series(method_key.ravel()).map(METHODS).to_numpy(),
            "coverage": coverage.ravel(),
            "n_members": n_mem.ravel().astype(np.int64),
            "n_with_data": n_with.ravel().astype(np.int64),
            "weight_period": pd.array(wp_mode[key_per].ravel(), dtype="Float64"),
            "reason": reason.ravel(),
        }
    )
    if np.all(np.isnan(wp_mode) | (wp_mode == np.round(wp_mode))):
        out["weight_period"] = out["weight_period"].astype("Int64")
    # Keys are ordered by indicator, period; reorder to indicator, group, period.
    sort = np.lexsort(
        (np.repeat(key_per, n_groups), np.tile(np.arange(n_groups), n_keys), np.repeat(key_ind, n_groups))
    )
    return out.iloc[sort].reset_index(drop=True)[OUTPUT_COLUMNS]


def _weight_period_mode(wperiods: np.ndarray, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per target period × group: the weight period used by most members (ties → later) and a mixed flag."""
    cand = np.unique(wperiods[~np.isnan(wperiods)])[::-1]  # late → early, so argmax prefers later on ties
    if len(cand) == 0:
        shape = (wperiods.shape[0], member.shape[0])
        return np.full(shape, np.nan), np.zeros(shape, dtype=bool)
    counts = np.stack([(wperiods == q).astype(float) @ member.T for q in cand])  # C × T × G
    mode = np.where(counts.max(axis=0) > 0, cand[counts.argmax(axis=0)], np.nan)
    mixed = (counts > 0).sum(axis=0) > 1
    return mode, mixed


def _reasons(
    method: np.ndarray,
    value: np.ndarray,
    coverage: np.ndarray,
    n_with: np.ndarray,
    n_mem: np.ndarray,
    wsum: np.ndarray,
    min_coverage: float,
) -> np.ndarray:
    """Dutch explanation for every withheld value (None where a value is given)."""
    reason = np.full(value.shape, None, dtype=object)
    idx = np.nonzero(np.isnan(value))
    if not len(idx[0]):
        return reason
    m, cov, nw, nm = method[idx], coverage[idx], n_with[idx].astype(int), n_mem[idx].astype(int)
    pct = pd.Series(np.floor(np.nan_to_num(cov) * 100 + 1e-9).astype(int)).astype(str) + "%"
    counts = pd.Series(nw).astype(str) + " van " + pd.Series(nm).astype(str)
    texts: list[tuple[np.ndarray, str | pd.Series]] = [
        (m == "none", "niet aggregeerbaar naar regio's"),
        (nm == 0, "groep heeft geen leden"),
        (nw == 0, "geen waarden voor de gemeenten van deze regio"),
        (m == "sum", "som onvolledig: " + counts + " gemeenten met waarde, dekking " + pct),
        (wsum[idx] <= 0, "geen bevolkingsgewichten voor de gemeenten met waarde"),
    ]
    out = "dekking " + pct + f" < {min_coverage * 100:g}%"
    for cond, text in reversed(texts):  # first matching condition wins
        out = out.where(~cond, text)
    reason[idx] = out.to_numpy(dtype=object)
    return reason


def rank_among(values: pd.Series, value: float | None, higher_is_better: bool) -> tuple[int | None, int]:
    """Competition rank of ``value`` among the non-missing ``values`` (1 = best) and how many were ranked.

    Ties share the better rank. ``value`` is expected to be one of ``values``; NaN/None gives ``(None, n)``.
    """
    arr = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    arr = arr[~np.isnan(arr)]
    if value is None or pd.isna(value):
        return None, len(arr)
    better = arr > value if higher_is_better else arr < value
    return int(better.sum()) + 1, len(arr)
