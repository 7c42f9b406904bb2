"""Live source: the same CBS tables pulled from the CBS OData v3 API with ``cbsodata``.

``cbsodata.get_data`` returns the TypedDataSet with dimension keys replaced by their titles
(``'Oost-Groningen (CR)'``, ``'2019'``). We fetch the ``RegioS`` and ``Perioden`` code lists too and
map titles back to CBS codes (``'GM0014    '`` → ``'GM0014'``, ``'2019JJ00'``), so the live frame
has the same shape as a bundle export and goes through the same harmonisation.

Every request cbsodata makes goes through :class:`_BoundedSession`, which bounds the source in tries, time
and pages: calls are retried a bounded number of times with exponential backoff; a table has a total deadline
(all its requests, retries and waits together) and the whole build has one too; a body is read in pieces, so a
server that drips bytes is cut off at the deadline (plus at most one read timeout); at most ``max_pages`` pages
per download; and a ``odata.nextLink`` (or any URL) on another scheme, host or port than the configured CBS
base is refused, as is every redirect.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import cbsodata
import cbsodata.cbsodata3
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
TABLE_DEADLINE_S = 600.0
BUILD_DEADLINE_S = 3600.0
MAX_PAGES = 500  # CBS pages hold 10,000 rows: 5 million rows per download
READ_CHUNK = 64 * 1024


class LiveSourceError(RuntimeError):
    """The CBS API could not deliver a table; the message says which and why."""


def with_retries(call: Callable[[], T], what: str, attempts: int = 3, backoff_s: float = 1.0,
                 remaining: Callable[[], float] | None = None) -> T:
    """Run ``call`` up to ``attempts`` times, sleeping ``backoff_s * 2**i`` between tries.

    ``remaining`` (seconds left before a deadline) stops the retries early when the next wait would pass it.
    """
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            return call()
        except (requests.RequestException, json.JSONDecodeError, KeyError, ValueError) as err:
            last = err
            if attempt + 1 < attempts:
                wait = backoff_s * 2**attempt
                if remaining is not None and remaining() <= wait:
                    break
                time.sleep(wait)
    reason = type(last).__name__ + (f": {last}" if str(last) else "")
    tries = attempt + 1
    raise LiveSourceError(f"CBS {what}: mislukt na {tries} {'poging' if tries == 1 else 'pogingen'} ({reason[:200]})")


class _BoundedSession(requests.Session):
    """The ``requests.Session`` cbsodata creates for every page, bound to one :class:`LiveSource`'s limits."""

    def __init__(self, owner: LiveSource) -> None:
        super().__init__()
        self.owner = owner

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Check the URL, the page count and the deadline; then fetch with redirects off and read in pieces."""
        owner = self.owner
        owner.check_url(str(request.url))
        owner.count_page()
        remaining = owner.remaining()
        kwargs.update(stream=True, allow_redirects=False, timeout=max(0.05, min(owner.timeout_s, remaining)))
        response = super().send(request, **kwargs)
        try:
            if 300 <= response.status_code < 400:
                raise LiveSourceError(
                    f"CBS {owner.current}: doorverwijzing naar {response.headers.get('Location', '?')[:120]} niet gevolgd"
                )
            chunks: list[bytes] = []
            while True:
                if owner.remaining() <= 0:
                    raise owner.deadline_error()
                chunk = response.raw.read1(READ_CHUNK, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
            response._content = b"".join(chunks)
        finally:
            response.close()
        return response


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
        table_deadline_s: float = TABLE_DEADLINE_S,
        build_deadline_s: float = BUILD_DEADLINE_S,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.catalog_url = catalog_url
        self.use_https = use_https
        self.timeout_s = timeout_s
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.table_deadline_s = table_deadline_s
        self.build_deadline_s = build_deadline_s
        self.max_pages = max_pages
        base = urlsplit(f"{'https' if use_https else 'http'}://{catalog_url}")
        self._base = (base.scheme, (base.hostname or "").lower(), base.port or (443 if use_https else 80))
        self._build_started: float | None = None
        self._table_started = time.monotonic()
        self._pages = 0
        self.current = "?"

    def label(self, source: Source) -> str:
        """How errors name this source: the CBS table id."""
        return f"CBS {source.table_id}"

    # --- limits (used by _BoundedSession) ---------------------------------------------------------
    def remaining(self) -> float:
        """Seconds left before the table's or the build's deadline, whichever comes first."""
        now = time.monotonic()
        build_started = self._build_started if self._build_started is not None else now
        return min(self._table_started + self.table_deadline_s, build_started + self.build_deadline_s) - now

    def deadline_error(self) -> LiveSourceError:
        """The error for a passed deadline (which one, in Dutch)."""
        now = time.monotonic()
        if self._build_started is not None and now >= self._build_started + self.build_deadline_s:
            return LiveSourceError(
                f"CBS {self.current}: tijdslimiet van {self.build_deadline_s:g} s voor de hele build overschreden"
            )
        return LiveSourceError(f"CBS {self.current}: tijdslimiet van {self.table_deadline_s:g} s per tabel overschreden")

    def check_url(self, url: str) -> None:
        """Refuse any URL (a ``odata.nextLink`` too) that is not on the configured CBS base."""
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if (parts.scheme, (parts.hostname or "").lower(), port) != self._base:
            raise LiveSourceError(
                f"CBS {self.current}: link naar een andere server geweigerd ({parts.scheme}://{parts.netloc[:80]}; "
                f"verwacht {self._base[0]}://{self.catalog_url})"
            )

    def count_page(self) -> None:
        """Count one more page of the current download; refuse past ``max_pages``."""
        self._pages += 1
        if self._pages > self.max_pages:
            raise LiveSourceError(
                f"CBS {self.current}: meer dan {self.max_pages} pagina's; afgebroken (eindeloze odata.nextLink?)"
            )

    def _call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._build_started is None:
            self._build_started = time.monotonic()

        def run() -> Any:
            if self.remaining() <= 0:
                raise self.deadline_error()
            self._pages = 0
            previous = cbsodata.options.use_https, cbsodata.cbsodata3.Session
            cbsodata.options.use_https = self.use_https
            cbsodata.cbsodata3.Session = lambda: _BoundedSession(self)
            try:
                return fn(*args, catalog_url=self.catalog_url, timeout=self.timeout_s, **kwargs)
            finally:
                cbsodata.options.use_https, cbsodata.cbsodata3.Session = previous

        return with_retries(run, what, self.attempts, self.backoff_s, self.remaining)

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
        self._table_started = time.monotonic()
        self.current = source.table_id
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
