"""Downloads made when clicked (``st.download_button`` with a callable): lanes, Dutch refusals, quiet logs.

Streamlit runs such a callable through its ``DeferredFileHandler``: on asyncio's default thread pool (shared
with everything else, so a flood of big exports queues a visitor's PDF behind it), and any failure becomes the
English "Failed to generate file for download" plus a traceback in the log, one per request (also for made-up
file ids sent over the websocket). :func:`install` replaces that handler's ``handle`` (an internal of Streamlit,
guarded: without it Streamlit's own handler stays) with one that

- runs small files (PDFs, small CSVs: lane ``klein``) and bulk exports (lane ``groot``) on separate thread
  pools, so a small file never waits behind a bulk export; one bulk export per session at a time and at most
  :data:`BULK_QUEUE` waiting in the process, each started within :data:`BULK_WAIT_S` or refused, in Dutch; a bulk
  export reads the store through :class:`PoliteStore`, which pauses it while small files are being made;
- answers a :class:`DownloadRefused` (store changed or unavailable, too busy) with its Dutch message, which the
  frontend shows under the button, and logs one line for it;
- answers an unknown or expired file id in Dutch and logs at most one line per :data:`LOG_WINDOW_S` for all of
  them (:class:`QuietLog`).

:func:`offered` wraps a page's callable: a PDF is made from the store version of the page that offered it
(:func:`dashboard.data.reading`), a store problem becomes the Dutch store notice.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from dashboard import data
from data_loaders.store import StoreUnavailable

LOG = data.LOG
SMALL, BULK = "klein", "groot"
SMALL_WORKERS = 2
BULK_WORKERS = 1  # bulk exports are CPU-bound Python (openpyxl, csv): more threads would only share the GIL
BULK_QUEUE = 4  # bulk exports waiting for a worker, in the whole process
BULK_WAIT_S = 90.0  # Streamlit's frontend gives up on a download after 180 s
LOG_WINDOW_S = 10.0
YIELD_MAX_S = 5.0  # a bulk export pauses at most this long per chunk while small files are made
POLITE_ROWS = 500  # bulk exports read the store in chunks of this many rows, yielding to small files in between
STORE_NOTICE = "De gegevens zijn op dit moment niet beschikbaar; het bestand kon niet worden gemaakt."
EXPIRED = "Deze download is niet (meer) beschikbaar. Herlaad de pagina en probeer het opnieuw."
FAILED = "Het bestand kon niet worden gemaakt. Probeer het opnieuw of herlaad de pagina."
BUSY_SESSION = "U maakt al een groot bestand; wacht tot dat klaar is en probeer het daarna opnieuw."
BUSY = "Er worden nu veel grote bestanden gemaakt. Probeer het over een minuut opnieuw, of kies een kleinere selectie."


class DownloadRefused(Exception):
    """A download that is not made; ``str(err)`` is the Dutch message shown under the button."""


class QuietLog:
    """At most one log line per ``window`` seconds for one kind of event; the next line counts the ones left out."""

    def __init__(self, window: float = LOG_WINDOW_S) -> None:
        self.window = window
        self._lock = threading.Lock()
        self._last = -1e18
        self._suppressed = 0

    def __call__(self, level: int, message: str, *args: object, exc_info: bool = False) -> bool:
        """Log unless a line was written less than ``window`` seconds ago; True when it was written."""
        with self._lock:
            now = time.monotonic()
            if now - self._last < self.window:
                self._suppressed += 1
                return False
            suppressed, self._suppressed, self._last = self._suppressed, 0, now
        if suppressed:
            message += f" (en {suppressed} dergelijke sinds de vorige melding, niet gelogd)"
        LOG.log(level, message, *args, exc_info=exc_info)
        return True


_QUIET_UNKNOWN = QuietLog()
_QUIET_REFUSED = QuietLog()
_QUIET_FAILED = QuietLog()


def offered(make: Callable[[], bytes], *, lane: str = SMALL, same_version: bool = True) -> Callable[[], bytes]:
    """A callable for ``st.download_button`` made from ``make``, run in ``lane``.

    ``same_version``: made from the store version of this run (call it during the run that offers the button);
    when the store was replaced since, it is refused with the Dutch "data changed" message. Use False for files
    that carry their own store object (the data page's exports). A store problem is refused with the store notice.
    """
    token = data.run_token()

    def run() -> bytes:
        try:
            if not same_version:
                return make()
            with data.reading(token):
                return make()
        except data.StoreChanged as err:
            raise DownloadRefused(str(err)) from None
        except StoreUnavailable as err:
            data.log_unavailable(err)
            raise DownloadRefused(f"{STORE_NOTICE} {err.notice}") from None

    run.bw_lane = lane  # type: ignore[attr-defined]
    return run


class Lanes:
    """Two thread pools (small files, bulk exports) with a per-session cap and a bounded wait for bulk work."""

    def __init__(self) -> None:
        self.small = ThreadPoolExecutor(SMALL_WORKERS, thread_name_prefix="bw_download_small")
        self.bulk = ThreadPoolExecutor(BULK_WORKERS, thread_name_prefix="bw_download_bulk")
        self._lock = threading.Lock()
        self._bulk_sessions: set[str] = set()
        self._bulk_waiting = 0
        self._small_running = 0
        self._small_done = threading.Condition(self._lock)

    def _small(self, job: Callable[[], Any]) -> Any:
        with self._lock:
            self._small_running += 1
        try:
            return job()
        finally:
            with self._lock:
                self._small_running -= 1
                self._small_done.notify_all()

    def yield_to_small(self, max_wait: float = YIELD_MAX_S) -> None:
        """Called by bulk work between chunks: wait while small files are being made (at most ``max_wait``)."""
        with self._lock:
            if self._small_running:
                self._small_done.wait_for(lambda: not self._small_running, timeout=max_wait)

    async def run(self, lane: str, session_id: str, job: Callable[[], Any]) -> Any:
        """Run ``job`` on its lane's pool; bulk jobs are capped per session and refused when the queue is full."""
        loop = asyncio.get_running_loop()
        if lane != BULK:
            return await loop.run_in_executor(self.small, self._small, job)
        with self._lock:
            if session_id in self._bulk_sessions:
                raise DownloadRefused(BUSY_SESSION)
            if self._bulk_waiting >= BULK_QUEUE:
                raise DownloadRefused(BUSY)
            self._bulk_sessions.add(session_id)
            self._bulk_waiting += 1
        queued = time.monotonic()
        started = threading.Event()

        def guarded() -> Any:
            with self._lock:
                self._bulk_waiting -= 1
            started.set()
            if time.monotonic() - queued > BULK_WAIT_S:
                raise DownloadRefused(BUSY)
            return job()

        try:
            return await loop.run_in_executor(self.bulk, guarded)
        finally:
            with self._lock:
                self._bulk_sessions.discard(session_id)
                if not started.is_set():  # cancelled before it ran
                    self._bulk_waiting -= 1


LANES = Lanes()


class PoliteStore:
    """A store for bulk exports: reads in chunks of :data:`POLITE_ROWS` rows and lets small files go first in between
    (Python threads share one interpreter lock, so a running bulk export would otherwise slow a PDF down)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def batches(self, sql: str, params: Any = None, size: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        for batch in self._store.batches(sql, params, size):
            for start in range(0, len(batch), POLITE_ROWS):
                LANES.yield_to_small()
                yield batch[start:start + POLITE_ROWS]


def _lane_of(manager: Any, file_id: str) -> str | None:
    """The lane of a registered callable; None when the id is unknown (made up, or expired)."""
    try:
        deferred = manager._deferred_callables.get(file_id)  # an internal of Streamlit's MediaFileManager
    except Exception:  # noqa: BLE001 - without the internal every file goes to the small lane
        return SMALL
    if deferred is None:
        return None
    return getattr(deferred.get("callable"), "bw_lane", SMALL)


def _refusal(err: BaseException) -> DownloadRefused | None:
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, DownloadRefused):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


async def handle(handler: Any, request: Any, session_id: str) -> Any:
    """Streamlit's deferred-file request, answered as the module docstring says."""
    from streamlit.proto.ForwardMsg_pb2 import BackendOperationResponse, DeferredFileResponsePayload

    file_id = str(request.deferred_file.file_id)
    shown = file_id[:40]
    manager = handler._get_media_file_mgr()
    lane = _lane_of(manager, file_id)
    if lane is None:
        _QUIET_UNKNOWN(logging.WARNING, "download met onbekende of verlopen id %r geweigerd", shown)
        return BackendOperationResponse(request_id=request.request_id, error_msg=EXPIRED)
    try:
        url = await LANES.run(lane, session_id, lambda: manager.execute_deferred(file_id))
    except Exception as err:  # noqa: BLE001 - every failure is answered in Dutch
        refused = _refusal(err)
        if refused is not None:
            _QUIET_REFUSED(logging.INFO, "download %s geweigerd: %s", shown, refused)
            message = str(refused)
        elif "not found" in str(err):  # expired between the lookup and the run
            _QUIET_UNKNOWN(logging.WARNING, "download met onbekende of verlopen id %r geweigerd", shown)
            message = EXPIRED
        else:
            _QUIET_FAILED(logging.ERROR, "download %s mislukt", shown, exc_info=True)
            message = FAILED
        return BackendOperationResponse(request_id=request.request_id, error_msg=message)
    return BackendOperationResponse(request_id=request.request_id, deferred_file=DeferredFileResponsePayload(url=url))


def install() -> bool:
    """Put :func:`handle` in place of Streamlit's deferred-file handler (once per process); True when in place."""
    try:
        from streamlit.runtime.backend_operation_handler import DeferredFileHandler
    except Exception:  # noqa: BLE001 - another Streamlit: its own handler stays
        return False
    if getattr(DeferredFileHandler.handle, "bw_installed", False):
        return True

    async def patched(self: Any, request: Any, session_id: str) -> Any:
        return await handle(self, request, session_id)

    patched.bw_installed = True  # type: ignore[attr-defined]
    DeferredFileHandler.handle = patched  # type: ignore[method-assign]
    return True
