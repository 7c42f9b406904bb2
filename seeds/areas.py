"""Build-time tables for the area pages (``/gebied``): every gemeente, COROP area and province gets what a region has.

* the theme overview of every CBS area (same counts as :func:`seeds.engine.build_theme_overview`, stored in
  ``theme_overview`` under the delineation ``cbs``);
* ``similar_areas`` — per area the (up to) 20 most similar areas of the same level. Distance: the root mean square
  difference of the stored standardised gaps to NL (``z`` of ``comparisons``: distance to NL in robust sd of the 40
  COROP areas) over the directed primary broad-welfare indicators both areas have (at least
  ``MIN_OVERLAP`` of the area's own). The one-line Dutch description names the indicators on which both areas
  differ most from NL in the same direction.

Only reads the engine's ``comparisons``; makes no comparison of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from seeds import engine

AREA_DELINEATION = "cbs"
AREA_LEVELS = ("GM", "CR", "PV")
N_SIMILAR = 20
MIN_OVERLAP = 0.7
N_DESCRIBED = 3
SIMILAR_SCHEMA = """
CREATE TABLE similar_areas (
    code VARCHAR, level VARCHAR, similar_code VARCHAR, similar_rank INTEGER, distance DOUBLE,
    n_indicators INTEGER, description VARCHAR
);
"""


def area_theme_overview(comparisons: pd.DataFrame, catalogue: pd.DataFrame, theme_order: Sequence[str]) -> pd.DataFrame:
    """``theme_overview`` rows of every CBS area (region_id = CBS code, delineation = :data:`AREA_DELINEATION`)."""
    areas = comparisons[comparisons["subject_kind"].isin(AREA_LEVELS)].assign(subject_kind="regio",
                                                                              delineation=AREA_DELINEATION)
    return engine.build_theme_overview(areas, catalogue, theme_order)


def _describe(own: np.ndarray, other: np.ndarray, labels: Sequence[str]) -> str:
    """'Beide beter dan NL in A, B; beide slechter in C' for the indicators where both deviate most alike."""
    with np.errstate(invalid="ignore"):
        strength = np.where(np.sign(own) == np.sign(other), np.minimum(np.abs(own), np.abs(other)), 0.0)
    strength = np.nan_to_num(strength)
    top = [k for k in np.argsort(-strength)[:N_DESCRIBED] if strength[k] > 0.5]
    if not top:
        return "Beide liggen op de meeste indicatoren dicht bij Nederland."
    better = [labels[k] for k in top if own[k] > 0]
    worse = [labels[k] for k in top if own[k] < 0]
    parts = ([f"beide beter dan NL in {', '.join(better)}"] if better else []) + (
        [f"beide slechter in {', '.join(worse)}"] if worse else [])
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def build_similar_areas(comparisons: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The ``similar_areas`` table (see the module docstring); the stored ``z`` is signed: positive = better than NL."""
    cat = engine.primary_directed(catalogue)
    cat = cat[cat["theme_group"].isin(("hier_en_nu", "later"))]
    labels = cat.set_index("indicator_id")["label_nl"]
    comp = comparisons[comparisons["indicator_id"].isin(labels.index) & comparisons["z"].notna()]
    rows = []
    for level in AREA_LEVELS:
        wide = comp[comp["subject_kind"] == level].pivot_table(index="subject_id", columns="indicator_id", values="z")
        if wide.empty:
            continue
        z = wide.to_numpy(dtype=float)
        have = np.isfinite(z)
        filled = np.where(have, z, 0.0)
        both = have.astype(float) @ have.T.astype(float)  # indicators both areas have
        sq = (filled**2) @ have.T + have @ (filled**2).T - 2 * filled @ filled.T  # sum of squared differences
        with np.errstate(invalid="ignore", divide="ignore"):
            rms = np.sqrt(np.clip(sq, 0, None) / both)
        own_n = have.sum(axis=1)
        codes = wide.index.to_list()
        names = [str(labels.get(c, c)) for c in wide.columns]
        for i, code in enumerate(codes):
            ok = (both[i] >= MIN_OVERLAP * own_n[i]) & (np.arange(len(codes)) != i) & np.isfinite(rms[i])
            order = [j for j in np.argsort(rms[i]) if ok[j]][:N_SIMILAR]
            for rank, j in enumerate(order, start=1):
                rows.append({"code": code, "level": level, "similar_code": codes[j], "similar_rank": rank,
                             "distance": float(rms[i, j]), "n_indicators": int(both[i, j]),
                             "description": _describe(z[i], z[j], names)})
    return pd.DataFrame(rows, columns=["code", "level", "similar_code", "similar_rank", "distance", "n_indicators",
                                       "description"])


def run(engine_frames: dict[str, pd.DataFrame], catalogue: pd.DataFrame, theme_order: Sequence[str]
        ) -> dict[str, pd.DataFrame]:
    """The engine's tables with the areas' theme overview added and the ``similar_areas`` table."""
    comps = engine_frames["comparisons"]
    overview = pd.concat([engine_frames["theme_overview"], area_theme_overview(comps, catalogue, theme_order)],
                         ignore_index=True)
    return {**engine_frames, "theme_overview": overview, "similar_areas": build_similar_areas(comps, catalogue)}
