"""Cached access to the store for the pages (the only module that opens it).

Results are cached with ``st.cache_resource``: one shared, read-only object per argument set instead of a
pickled copy per call (the catalogue alone was unpickled hundreds of times per page). Callers never modify
them in place (pandas copy-on-write makes derived frames independent).

The store is opened once per server process and checked at the start of every page run: when the file's
identity (device, inode, size, mtime) changed, a rebuild replaced it, so the new file is opened and every
``st.cache_resource``/``st.cache_data`` cache is cleared. Runs that still hold the old store finish on it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from data_loaders.config import store_path
from data_loaders.store import Store, StoreUnavailable

LEVEL_NAMES = {"GM": "Gemeente", "CR": "COROP-gebied", "PV": "Provincie", "LD": "Landsdeel", "NL": "Nederland"}
DELINEATION_NAMES = {"corop": "COROP-indeling (CBS)", "beleid": "Beleidsregio"}
KEY_INDICATORS = [
    "levensverwachting",
    "mediaan_inkomen",
    "werkloosheid",
    "tevredenheid_leven",
    "ervaren_gezondheid",
    "afstand_huisartsenpraktijk",
    "afstand_ziekenhuis",
]
KEY_FACILITIES = [
    "afstand_huisartsenpraktijk",
    "afstand_huisartsenpost",
    "afstand_apotheek",
    "afstand_ziekenhuis",
    "afstand_grote_supermarkt",
    "afstand_basisschool",
    "afstand_kinderdagverblijf",
    "afstand_treinstation",
    "afstand_overstapstation",
    "afstand_bibliotheek",
    "afstand_zwembad",
    "afstand_podiumkunsten",
]


LOG = logging.getLogger("dashboard.store")
if not LOG.handlers:  # Streamlit configures only its own loggers; this one goes to the server's stderr
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
    LOG.setLevel(logging.INFO)
_LOCK = threading.Lock()
_OPEN: dict[str, Any] = {}  # "path", "identity", "store": the store this process serves
_LOGGED: set[str] = set()


def _identity(path: str) -> tuple[int, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def get_store() -> Store:
    """The shared read-only store; reopened (and every cache cleared) when the file was replaced.

    Raises ``StoreUnavailable`` when the file is missing or broken; that is not remembered, so the next run
    tries again.
    """
    path = str(store_path())
    identity = _identity(path)
    with _LOCK:
        if _OPEN.get("path") == path and _OPEN.get("identity") == identity:
            return _OPEN["store"]
        if _OPEN:
            LOG.warning("datastore %s is vervangen of verplaatst: opnieuw geopend, caches geleegd", path)
            _OPEN.clear()
            st.cache_resource.clear()
            st.cache_data.clear()
        store = Store(path)
        _OPEN.update(path=path, identity=identity, store=store)
        LOG.info("datastore %s geopend (integriteitscontrole %.0f ms)", path, store.verify_ms or 0.0)
        return store


def log_unavailable(err: StoreUnavailable) -> None:
    """Write the detail of a store problem (path, cause, remedy) to the server log, once per distinct detail."""
    if err.detail not in _LOGGED:
        _LOGGED.add(err.detail)
        LOG.error("datastore niet beschikbaar: %s", err.detail)


def store_or_none() -> tuple[Store | None, str | None]:
    """The store, or None and the visitor notice (no paths; the detail goes to the log) when it is unusable."""
    try:
        return get_store(), None
    except StoreUnavailable as err:
        log_unavailable(err)
        return None, str(err)


@dataclass(frozen=True)
class RegionDef:
    """A region as the store describes it (from geo/regions.yaml at build time)."""

    region_id: str
    name: str
    groups: tuple[str, ...]
    default_delineation: str
    notes: str
    sub_areas: tuple[dict[str, Any], ...]
    delineations: dict[str, dict[str, Any]]


@st.cache_resource(show_spinner=False)
def region_defs() -> dict[str, RegionDef]:
    """All regions by id, in the order of regions.yaml."""
    store = get_store()
    defs = store.df("SELECT * FROM region_defs ORDER BY sort_order")
    delins = store.df("SELECT * FROM region_delineations")
    out: dict[str, RegionDef] = {}
    for row in defs.itertuples(index=False):
        d = delins[delins["region_id"] == row.region_id]
        out[row.region_id] = RegionDef(
            region_id=row.region_id,
            name=row.name,
            groups=tuple(row.groups.split(",")),
            default_delineation=row.default_delineation,
            notes=row.notes or "",
            sub_areas=tuple(json.loads(row.sub_areas or "[]")),
            delineations={r["delineation"]: r for r in d.to_dict("records")},
        )
    return out


@st.cache_resource(show_spinner=False, max_entries=64)
def shape(key: str) -> dict[str, Any]:
    """A plotly-ready GeoJSON from the store: 'GM', 'CR', 'PV' or 'outline:<region>:<delineation>'."""
    frame = get_store().df("SELECT geojson FROM shapes WHERE shape_key = ?", [key])
    if frame.empty:
        raise KeyError(key)
    return json.loads(frame.iloc[0, 0])


@st.cache_resource(show_spinner=False)
def indicators() -> pd.DataFrame:
    """The catalogue as stored, indexed by indicator id."""
    return get_store().indicators.set_index("indicator_id", drop=False)


@st.cache_resource(show_spinner=False)
def regions_table() -> pd.DataFrame:
    """All CBS areas (code, level, name, parents, population)."""
    return get_store().regions.copy()


@st.cache_resource(show_spinner=False)
def periods(indicator_id: str, level: str | None = None) -> list[int]:
    """Periods with data."""
    return get_store().periods(indicator_id, level)


@st.cache_resource(show_spinner=False, max_entries=512)
def level_values(indicator_id: str, level: str, period: int) -> pd.DataFrame:
    """Values of one level, with rank (1 = best) and the NL value of the same period."""
    frame = get_store().level_values(indicator_id, level, period)
    direction = indicators().loc[indicator_id, "direction"]
    frame["rank"] = rank_values(frame["value"], direction)
    nl = get_store().df(
        "SELECT value FROM observations WHERE indicator_id = ? AND region_code = 'NL01' AND period = ?",
        [indicator_id, int(period)],
    )
    frame["nl_value"] = float(nl.iloc[0, 0]) if len(nl) else np.nan
    return frame


def rank_values(values: pd.Series, direction: str) -> pd.Series:
    """Rank 1 = best given the direction; neutral indicators rank from high to low."""
    ascending = direction == "lower_is_better"
    return values.rank(ascending=ascending, method="min").astype("Int64")


@st.cache_resource(show_spinner=False, max_entries=256)
def region_values(region_id: str, delineation: str) -> pd.DataFrame:
    """Every value for one region × delineation."""
    return get_store().region_values(region_id, delineation)


@st.cache_resource(show_spinner=False, max_entries=256)
def series(indicator_id: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """Time series for CBS codes."""
    return get_store().values_for(indicator_id, list(codes))


@st.cache_resource(show_spinner=False, max_entries=64)
def region_members(region_id: str, delineation: str) -> list[str]:
    """Gemeente codes of a region."""
    return get_store().region_members(region_id, delineation)


@st.cache_resource(show_spinner=False)
def nl_values() -> pd.DataFrame:
    """NL value per indicator and period."""
    return get_store().df("SELECT indicator_id, period, value, method, source_table FROM observations WHERE region_code='NL01'")


def build_info() -> dict[str, str]:
    """When and from what the store was built."""
    return get_store().info


# --- claim tests and comparisons (computed by the pipeline, seeds.engine; pages only read them) ------------
@st.cache_resource(show_spinner=False)
def claim_verdicts() -> pd.DataFrame:
    """Every claim's verdict as a whole, indexed by claim id."""
    return get_store().claim_verdicts().set_index("claim_id", drop=False)


@st.cache_resource(show_spinner=False, max_entries=64)
def region_claim_verdicts(region_id: str) -> pd.DataFrame:
    """Verdicts of the claims about one region, per delineation."""
    return get_store().claim_verdicts(region_id)


@st.cache_resource(show_spinner=False, max_entries=256)
def claim_evidence(claim_id: str) -> pd.DataFrame:
    """Every tested pair of one claim."""
    return get_store().claim_evidence(claim_id)


@st.cache_resource(show_spinner=False, max_entries=256)
def claim_indicator_effects(claim_id: str) -> pd.DataFrame:
    """Per indicator the effect behind a claim's verdicts (see :meth:`Store.claim_indicator_effects`)."""
    return get_store().claim_indicator_effects(claim_id)


@st.cache_resource(show_spinner=False, max_entries=256)
def comparisons(subject_id: str, delineation: str | None) -> pd.DataFrame:
    """Niveau and gap-trend comparisons of a region delineation (or CBS area), indexed by indicator."""
    return get_store().comparisons(subject_id, delineation).set_index("indicator_id", drop=False)


@st.cache_resource(show_spinner=False, max_entries=64)
def theme_overview(region_id: str, delineation: str) -> pd.DataFrame:
    """Counts per theme of indicators better / comparable / worse than NL and of gap movements."""
    return get_store().theme_overview(region_id, delineation)


@st.cache_resource(show_spinner=False, max_entries=64)
def dispersion(indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    """Dispersion statistics per indicator, level and year."""
    return get_store().dispersion(list(indicator_ids))


@st.cache_resource(show_spinner=False, max_entries=64)
def peers(region_id: str, delineation: str) -> pd.DataFrame:
    """The five most similar COROP areas of a region (stored by the pipeline)."""
    return get_store().peers(region_id, delineation)


@st.cache_resource(show_spinner=False, max_entries=512)
def similar_areas(code: str) -> pd.DataFrame:
    """The (up to) 20 most similar areas of the same level as a CBS area (stored by the pipeline, seeds/areas.py)."""
    return get_store().similar_areas(code)


@st.cache_resource(show_spinner=False, max_entries=512)
def area_values(code: str) -> pd.DataFrame:
    """Every value of one CBS area (every period)."""
    return get_store().area_values(code)


@st.cache_resource(show_spinner=False, max_entries=64)
def own_region_values(gemeenten: tuple[str, ...]) -> pd.DataFrame:
    """Every value of an own region (a set of current gemeenten), aggregated as the build aggregates a region."""
    return get_store().own_region_values(list(gemeenten))
