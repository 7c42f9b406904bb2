"""Cached access to the store for the pages (the only module that opens it).

Results are cached with ``st.cache_resource``: one shared, read-only object per argument set instead of a
pickled copy per call (the catalogue alone was unpickled hundreds of times per page). Callers never modify
them in place (pandas copy-on-write makes derived frames independent).

One script run reads one store version from start to end. :func:`run_scope` (around every run in ``app.py``)
checks the file's identity (device, inode, size, mtime) once and pins the run's thread to that store; every
``get_store`` of the run returns it. When the file was replaced, the new file is opened and every
``st.cache_resource``/``st.cache_data`` cache cleared only after the runs still pinned to the old store have
finished (new runs wait for that, at most :data:`SWAP_WAIT_S`), so the caches never hold two versions. A run that
outlasts that wait may see the new version in cached results. Downloads made when clicked check the version
they were offered with (:func:`reading`) and raise :class:`StoreChanged` when it is gone.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
SWAP_WAIT_S = 30.0  # a swap waits at most this long for the runs on the old store to finish
_COND = threading.Condition()
_LOGGED: set[str] = set()
_RUN = threading.local()  # .generation: the store version this thread's run is pinned to


class StoreChanged(StoreUnavailable):
    """The store was replaced after a page offered something (a download) made from the old version."""

    def __init__(self) -> None:
        super().__init__("De gegevens zijn bijgewerkt sinds deze pagina werd geladen. Herlaad de pagina en probeer het "
                         "opnieuw.", "datastore vervangen sinds de pagina werd getoond")


@dataclass
class _Generation:
    """One opened store file: the store, the file's identity, and how many runs are reading it."""

    path: str
    identity: tuple[int, int, int, int] | None
    store: Store
    token: int
    readers: int = 0


_STATE: dict[str, Any] = {"current": None, "opened": 0}


def _identity(path: str) -> tuple[int, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def _current() -> _Generation:
    """The generation of the file at the configured path; opens it (after the old one's readers are done) when the
    file changed. Caller holds ``_COND``. Raises ``StoreUnavailable`` when the file is missing or broken."""
    path = str(store_path())
    deadline = time.monotonic() + SWAP_WAIT_S
    while True:
        gen: _Generation | None = _STATE["current"]
        identity = _identity(path)
        if gen is not None and gen.path == path and gen.identity == identity:
            return gen
        if gen is None or gen.readers <= 0 or time.monotonic() >= deadline:
            break
        _COND.wait(max(0.01, deadline - time.monotonic()))  # the runs on the old store finish first
    if gen is not None:
        if gen.readers > 0:
            LOG.warning("datastore %s vervangen terwijl nog %d run(s) de oude lezen (na %.0f s wachten)", path,
                        gen.readers, SWAP_WAIT_S)
        LOG.warning("datastore %s is vervangen of verplaatst: opnieuw geopend, caches geleegd", path)
        _STATE["current"] = None
        st.cache_resource.clear()
        st.cache_data.clear()
    store = Store(path)
    _STATE["opened"] += 1
    gen = _Generation(path=path, identity=identity, store=store, token=_STATE["opened"])
    _STATE["current"] = gen
    LOG.info("datastore %s geopend (integriteitscontrole %.0f ms)", path, store.verify_ms or 0.0)
    return gen


def _pinned() -> _Generation | None:
    return getattr(_RUN, "generation", None)


def _release() -> None:
    gen = _pinned()
    if gen is not None:
        _RUN.generation = None
        with _COND:
            gen.readers -= 1
            _COND.notify_all()


def get_store() -> Store:
    """The store of this run (:func:`run_scope`); outside a run the current one, reopened (and every cache
    cleared) when the file was replaced.

    Raises ``StoreUnavailable`` when the file is missing or broken; that is not remembered, so the next run
    tries again.
    """
    gen = _pinned()
    if gen is not None:
        return gen.store
    with _COND:
        return _current().store


@contextmanager
def run_scope() -> Iterator[None]:
    """Pin this thread to one store version for the duration of a script run (a broken store pins nothing)."""
    _release()  # a run that ended without leaving its scope (never expected) must not hold the old store
    try:
        with _COND:
            gen = _current()
            gen.readers += 1
        _RUN.generation = gen
    except StoreUnavailable:
        pass  # every get_store of this run tries again and raises; the pages show the notice
    try:
        yield
    finally:
        _release()


def run_token() -> int | None:
    """The store version this run is pinned to (None outside a run or on a broken store)."""
    gen = _pinned()
    return gen.token if gen is not None else None


@contextmanager
def reading(token: int | None) -> Iterator[None]:
    """Read the store version ``token`` (from :func:`run_token` of the run that offered a download) in this thread.

    Raises :class:`StoreChanged` when the store was replaced since, ``StoreUnavailable`` when it cannot be used.
    """
    with _COND:
        gen = _current()
        if token is not None and gen.token != token:
            raise StoreChanged()
        gen.readers += 1
    previous = _pinned()
    _RUN.generation = gen
    try:
        yield
    finally:
        _RUN.generation = previous
        with _COND:
            gen.readers -= 1
            _COND.notify_all()


def store_version() -> str:
    """An id of the store file this process serves now (its build time and file identity): it changes with every
    rebuild or swap, so it can key anything derived from the store outside the Streamlit caches."""
    gen = _pinned()
    if gen is None:
        with _COND:
            gen = _current()
    return f"{gen.store.path}|{gen.store.info.get('built_at', '')}|{gen.identity}"


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
