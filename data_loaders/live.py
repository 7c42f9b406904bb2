"""Live source: the same CBS tables pulled from the CBS OData v3 API with ``cbsodata``.

``cbsodata.get_data`` returns the TypedDataSet with dimension keys replaced by their titles
(``'Oost-Groningen (CR)'``, ``'2019'``). We fetch the ``RegioS`` and ``Perioden`` code lists too and
map titles back to CBS codes (``'GM0014    '`` → ``'GM0014'``, ``'2019JJ00'``), so the live frame
has the same shape as a bundle export and goes through the same harmonisation.
Calls are retried a bounded number of times with exponential backoff.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import cbsodata
import pandas as pd
import requests

from data_loaders.catalogue import Source
from data_loaders.harmonise import REGION_CODE, DataError

T = TypeVar("T")
DEFAULT_CATALOG = "opendata.cbs.nl"
# Gebieden in Nederland: CBS measure keys → the column names the bundle uses.
CLASSIFICATION_COLUMNS = {
    "Code_1": "region_code", "Naam_2": "region_name", "Code_10": "corop_code", "Naam_11": "corop_naam",
    "Code_12": "coropsubgebied_code", "Naam_13": "coropsubgebied_naam", "Code_14": "coropplusgebied_code",
    "Naam_15": "coropplusgebied_naam", "Code_28": "provincie_code", "Naam_29": "provincie_naam",
    "Code_26": "landsdeel_code", "Naam_27": "landsdeel_naam", "Inwonertal_56": "inwonertal",
}
CLASSIFICATION_YEAR = {"85385NED": "2023", "85755NED": "2024", "86059NED": "2025"}


class LiveSourceError(RuntimeError):
    """The CBS API could not deliver a table; the message says which and why."""


def with_retries(call: Callable[[], T], what: str, attempts: int = 3, backoff_s: float = 1.0) -> T:
    """Run ``call`` up to ``attempts`` times, sleeping ``backoff_s * 2**i`` between tries."""
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            return call()
        except (requests.RequestException, json.JSONDecodeError, KeyError, ValueError) as err:
            last = err
            if attempt + 1 < attempts:
                time.sleep(backoff_s * 2**attempt)
    reason = type(last).__name__ + (f": {last}" if str(last) else "")
    raise LiveSourceError(f"CBS {what}: mislukt na {attempts} pogingen ({reason[:200]})")


class LiveSource:
    """Pulls each catalogue source from CBS StatLine (OData v3) with cbsodata."""

    name = "live"

    def __init__(
        self,
        catalog_url: str = DEFAULT_CATALOG,
        use_https: bool = True,
        timeout_s: float = 30.0,
        attempts: int = 3,
        backoff_s: float = 1.0,
    ) -> None:
        self.catalog_url = catalog_url
        self.use_https = use_https
        self.timeout_s = timeout_s
        self.attempts = attempts
        self.backoff_s = backoff_s

    def label(self, source: Source) -> str:
        """How errors name this source: the CBS table id."""
        return f"CBS {source.table_id}"

    def _call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        def run() -> Any:
            previous = cbsodata.options.use_https
            cbsodata.options.use_https = self.use_https
            try:
                return fn(*args, catalog_url=self.catalog_url, timeout=self.timeout_s, **kwargs)
            finally:
                cbsodata.options.use_https = previous

        return with_retries(run, what, self.attempts, self.backoff_s)

    def code_list(self, table_id: str, dimension: str) -> dict[str, str]:
        """Title → stripped key for one dimension (e.g. RegioS, Perioden)."""
        meta = self._call(f"{table_id}/{dimension}", cbsodata.get_meta, table_id, dimension)
        return {str(item["Title"]).strip(): str(item["Key"]).strip() for item in meta}

    def raw_table(self, source: Source) -> pd.DataFrame:
        """The table in the common raw shape (``region_code``, ``Perioden``, measures, filter titles)."""
        if source.layout in ("rmbw_wide", "kwb_basis"):
            raise LiveSourceError(
                f"{source.table_id}: niet beschikbaar als StatLine-tabel; gebruik de bundel voor deze bron"
            )
        rows = self._call(f"{source.table_id}/TypedDataSet", cbsodata.get_data, source.table_id)
        if not rows:
            raise LiveSourceError(f"CBS {source.table_id}: lege tabel ontvangen")
        frame = pd.DataFrame(rows)
        for column, wanted in source.live_filters.items():
            if column in frame:
                frame = frame[frame[column].astype(str).str.strip() == wanted]
        if source.layout == "classification":
            frame = frame.rename(columns=CLASSIFICATION_COLUMNS)
            frame["region_code"] = frame["region_code"].astype(str).str.strip()
            frame["Perioden"] = CLASSIFICATION_YEAR.get(source.table_id, "")
        else:
            regions = self.code_list(source.table_id, "RegioS")
            periods = self.code_list(source.table_id, "Perioden")
            titles = frame["RegioS"].astype(str).str.strip()
            frame["region_name"] = titles
            frame["region_code"] = titles.map(regions)
            unknown = frame["region_code"].isna()
            if unknown.any():
                raise DataError(f"CBS {source.table_id}: regiotitel '{titles[unknown].iloc[0]}' niet in RegioS")
            # Keep NL, landsdelen, provinces, COROP and gemeenten, as the bundle does; drop AM, GG, CS, … areas.
            frame = frame[frame["region_code"].str.match(REGION_CODE)]
            frame["Perioden"] = frame["Perioden"].astype(str).str.strip().map(periods).fillna(frame["Perioden"])
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].map(lambda v: v.strip() if isinstance(v, str) else v)
        frame["_row"] = range(1, len(frame) + 1)
        return frame
