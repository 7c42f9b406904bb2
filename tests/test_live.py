"""The live CBS source, offline: a fake OData v3 server on 127.0.0.1 serves recorded responses.

The recorded responses (``tests/fixtures/odata``, made by ``make_odata_fixtures.py`` from the bundle) go
through the real ``cbsodata`` client and ``LiveSource``; the result must equal the bundle path row for row.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import cbsodata
import pandas as pd
import pytest

from data_loaders import live
from data_loaders.build import build_store
from data_loaders.bundle import BundleSource
from data_loaders.catalogue import load_catalogue
from data_loaders.harmonise import DataError, tidy_from_raw
from data_loaders.live import LiveSource, LiveSourceError, with_retries
from data_loaders.store import Store
from tests.conftest import file_digest

pytestmark = pytest.mark.usefixtures("no_network")

FIXTURES = Path(__file__).parent / "fixtures" / "odata"
PREFIX = "/ODataFeed/odata/"
Reply = tuple[int, bytes, float]  # status, body, delay in seconds
Override = Callable[[str, int], Reply | None]  # (decoded path + query, request index) → reply or None


class FakeCBS:
    """A CBS OData v3 feed on 127.0.0.1 serving ``tests/fixtures/odata``; counts requests; can misbehave."""

    def __init__(self, root: Path = FIXTURES) -> None:
        self.root = root
        self.requests: list[str] = []
        self.override: Override | None = None
        self.drip: Callable[[str], float] | None = None  # path → seconds between single body bytes (0: no drip)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def host(self) -> str:
        """``127.0.0.1:<port>``: what ``LiveSource(catalog_url=...)`` expects."""
        return f"127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> FakeCBS:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def count(self, fragment: str) -> int:
        """Requests whose path contains ``fragment``."""
        return sum(fragment in r for r in self.requests)

    def recorded(self, path: str) -> Reply:
        """The recorded response for a request path, or 404."""
        parts = urlsplit(path)
        rest = unquote(parts.path)[len(PREFIX):] if parts.path.startswith(PREFIX) else ""
        table, _, entity = rest.partition("/")
        skip = parse_qs(parts.query).get("$skip", ["0"])[0]
        name = "root.json" if not entity else f"{entity}.json" if skip == "0" else f"{entity}.skip{skip}.json"
        file = self.root / table / name
        if not table or not file.is_file():
            return 404, b'{"odata.error": {"code": "", "message": {"lang": "nl", "value": "Not found"}}}', 0.0
        return 200, file.read_text(encoding="utf-8").replace("{base}", f"http://{self.host}").encode("utf-8"), 0.0

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                path = unquote(self.path)
                with fake._lock:
                    index = len(fake.requests)
                    fake.requests.append(path)
                reply = fake.override(path, index) if fake.override else None
                status, body, delay = reply or fake.recorded(self.path)
                if delay:
                    fake._stop.wait(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json;odata=minimalmetadata;charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    pause = fake.drip(path) if fake.drip else 0.0
                    if not pause:
                        self.wfile.write(body)
                    for i in range(len(body) if pause else 0):  # a server that sends one byte at a time
                        if fake._stop.wait(pause):
                            return
                        self.wfile.write(body[i:i + 1])
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return None

        return Handler


@pytest.fixture
def cbs_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCBS]:
    """A fresh fake CBS server per test (no proxies: the client must talk to 127.0.0.1 directly)."""
    monkeypatch.setitem(cbsodata.options.requests, "proxies", {"http": None, "https": None})
    server = FakeCBS().start()
    try:
        yield server
    finally:
        server.stop()


def live_source(server: FakeCBS, **kwargs: float) -> LiveSource:
    options = {"timeout_s": 5.0, "attempts": 3, "backoff_s": 0.01, **kwargs}
    return LiveSource(catalog_url=server.host, use_https=False, **options)


def fixture_slice(table_id: str) -> tuple[set[str], set[int]]:
    """Region codes and years present in the recorded responses of one table."""
    regio = json.loads((FIXTURES / table_id / "RegioS.json").read_text(encoding="utf-8"))["value"]
    periods = json.loads((FIXTURES / table_id / "Perioden.json").read_text(encoding="utf-8"))["value"]
    return {r["Key"].strip() for r in regio}, {int(p["Key"][:4]) for p in periods}


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order; text columns as plain ``str`` (the bundle reads text as ``string``, cbsodata as ``str``)."""
    keys = ["indicator_id", "region_code", "period"]
    text = {c: str for c in frame.columns if c not in ("period", "value")}
    return frame.sort_values(keys).reset_index(drop=True).astype({"period": "int64", "value": "float64", **text})


# --- one normalisation ----------------------------------------------------------------------------
@pytest.mark.parametrize("table_id", ["80305NED", "86088NED"])
def test_live_tidy_equals_bundle_tidy(cbs_server: FakeCBS, bundle_dir: Path, table_id: str) -> None:
    cat = load_catalogue()
    src, indicators = cat.sources[table_id], cat.for_source(table_id)
    source = live_source(cbs_server)
    tidy_live = tidy_from_raw(source.raw_table(src), src, indicators, source.label(src))

    bundle = BundleSource(bundle_dir)
    tidy_bundle = tidy_from_raw(bundle.raw_table(src), src, indicators, bundle.label(src))
    codes, years = fixture_slice(table_id)
    tidy_bundle = tidy_bundle[tidy_bundle["region_code"].isin(codes) & tidy_bundle["period"].isin(years)]

    assert len(tidy_bundle) >= 60
    assert set(tidy_live["region_level"]) == {"NL", "PV", "CR", "GM"}  # AM01 rows dropped
    pd.testing.assert_frame_equal(_sorted(tidy_live), _sorted(tidy_bundle), check_exact=True)
    assert cbs_server.count("$skip=") >= 2, "pagination (odata.nextLink) not exercised"


def test_live_filters_drop_non_total_category(cbs_server: FakeCBS) -> None:
    cat = load_catalogue()
    src = cat.sources["86088NED"]
    raw = live_source(cbs_server).raw_table(src)
    assert set(raw["Persoonskenmerken"]) == {"Totaal personen"}
    unfiltered = dataclasses.replace(src, live_filters={})
    raw_all = live_source(cbs_server).raw_table(unfiltered)
    assert set(raw_all["Persoonskenmerken"]) == {"Totaal personen", "Mannen"}
    with pytest.raises(DataError, match="dubbele rij"):
        tidy_from_raw(raw_all, unfiltered, cat.for_source("86088NED"), "CBS 86088NED")


def test_live_raw_table_shape(cbs_server: FakeCBS) -> None:
    raw = live_source(cbs_server).raw_table(load_catalogue().sources["80305NED"])
    assert raw["region_code"].str.fullmatch(r"(NL01|PV\d\d|CR\d\d|GM\d{4})").all()  # padding stripped
    assert set(raw["Perioden"]) == {"2006JJ00", "2023JJ00"}
    assert "Groningen (gemeente)" in set(raw["region_name"])
    assert raw["AfstandTotHuisartsenpraktijk_1"].isna().any()  # nulls survive as missing


def test_bundle_only_sources_are_refused(cbs_server: FakeCBS) -> None:
    with pytest.raises(LiveSourceError, match="RMBW"):
        live_source(cbs_server).raw_table(load_catalogue().sources["RMBW"])
    assert cbs_server.requests == []


# --- failures: bounded retries, clear errors ------------------------------------------------------
def test_http_500_every_time(cbs_server: FakeCBS) -> None:
    cbs_server.override = lambda path, n: (500, b"Internal Server Error", 0.0)
    with pytest.raises(LiveSourceError) as err:
        live_source(cbs_server, attempts=3).raw_table(load_catalogue().sources["80305NED"])
    assert len(cbs_server.requests) == 3
    message = str(err.value)
    assert "80305NED" in message and "3 pogingen" in message and "500" in message and "\n" not in message


def test_http_500_twice_then_ok(cbs_server: FakeCBS, bundle_dir: Path) -> None:
    cbs_server.override = lambda path, n: (500, b"Internal Server Error", 0.0) if n < 2 else None
    raw = live_source(cbs_server, attempts=3).raw_table(load_catalogue().sources["80305NED"])
    assert cbs_server.requests[:3] == [f"{PREFIX}80305NED/?$format=json"] * 3
    assert len(raw) == 16


def test_malformed_json(cbs_server: FakeCBS) -> None:
    cbs_server.override = lambda path, n: (200, b'{"value": [{"Key": ', 0.0) if "/RegioS" in path else None
    with pytest.raises(LiveSourceError, match="pogingen"):
        live_source(cbs_server, attempts=2).raw_table(load_catalogue().sources["80305NED"])
    assert cbs_server.count("/RegioS") == 2


def test_partial_pagination(cbs_server: FakeCBS) -> None:
    cbs_server.override = lambda path, n: (503, b"Service Unavailable", 0.0) if "$skip=14" in path else None
    with pytest.raises(LiveSourceError, match="503"):
        live_source(cbs_server, attempts=2).raw_table(load_catalogue().sources["80305NED"])
    assert cbs_server.count("$skip=7") == 2 and cbs_server.count("$skip=14") == 2


def test_timeout(cbs_server: FakeCBS) -> None:
    cbs_server.override = lambda path, n: (200, b"{}", 2.0) if "TypedDataSet" in path else None
    started = time.monotonic()
    with pytest.raises(LiveSourceError, match="Timeout"):
        live_source(cbs_server, timeout_s=0.2, attempts=2).raw_table(load_catalogue().sources["80305NED"])
    assert time.monotonic() - started < 3.0
    assert cbs_server.count("TypedDataSet") == 2


def test_with_retries_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr(live.time, "sleep", sleeps.append)
    calls = []

    def failing() -> None:
        calls.append(1)
        raise ValueError("kapot")

    with pytest.raises(LiveSourceError, match=r"CBS X/Y: mislukt na 4 pogingen \(ValueError: kapot\)"):
        with_retries(failing, "X/Y", attempts=4, backoff_s=0.5)
    assert len(calls) == 4 and sleeps == [0.5, 1.0, 2.0]


def test_with_retries_does_not_retry_other_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live.time, "sleep", lambda s: None)
    calls = []

    def failing() -> None:
        calls.append(1)
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        with_retries(failing, "X", attempts=3, backoff_s=0.0)
    assert len(calls) == 1


def test_failing_live_build_leaves_store_untouched(
    cbs_server: FakeCBS, store_copy: Path, bundle_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BW_DATA_DIR", str(bundle_dir))  # RMBW and KWB come from the bundle in a live build
    cbs_server.override = lambda path, n: (500, b"Internal Server Error", 0.0)
    before = file_digest(store_copy)
    with pytest.raises(LiveSourceError, match="80305NED"):
        build_store(store_copy, live_source(cbs_server, attempts=2))
    assert len(cbs_server.requests) == 2, "the build did not reach the live fetch"
    assert file_digest(store_copy) == before
    assert sorted(p.name for p in store_copy.parent.iterdir()) == [store_copy.name]
    store = Store(store_copy)
    try:
        assert store.info["source"] == "bundle"
    finally:
        store.close()


# --- bounded in time and pages, and only on the configured host (issue 16) ------------------------------
def _page(next_link: str | None, rows: int = 0) -> bytes:
    doc: dict[str, object] = {"odata.metadata": "x", "value": [{"ID": i} for i in range(rows)]}
    if next_link:
        doc["odata.nextLink"] = next_link
    return json.dumps(doc).encode("utf-8")


def test_slow_drip_is_cut_off_at_the_table_deadline(cbs_server: FakeCBS) -> None:
    cbs_server.drip = lambda path: 0.2 if "TypedDataSet" in path else 0.0
    started = time.monotonic()
    with pytest.raises(LiveSourceError, match="tijdslimiet van 1.5 s per tabel"):
        live_source(cbs_server, timeout_s=5.0, table_deadline_s=1.5).raw_table(load_catalogue().sources["80305NED"])
    assert time.monotonic() - started < 3.0, "the deadline did not bound the drip"


def test_build_deadline_spans_tables(cbs_server: FakeCBS) -> None:
    cat = load_catalogue()
    source = live_source(cbs_server, build_deadline_s=1.0)
    cbs_server.override = lambda path, n: (200, b"", 0.4) if "/RegioS" in path else None
    with pytest.raises(LiveSourceError, match="pogingen|tijdslimiet"):
        source.raw_table(cat.sources["80305NED"])
    before = len(cbs_server.requests)
    time.sleep(max(0.0, source.remaining()) + 0.05)
    with pytest.raises(LiveSourceError, match="voor de hele build"):
        source.raw_table(cat.sources["86088NED"])
    assert len(cbs_server.requests) == before, "no request after the build deadline"


def test_endless_next_links_stop_at_the_page_limit(cbs_server: FakeCBS) -> None:
    def endless(path: str, n: int) -> Reply | None:
        if "TypedDataSet" not in path:
            return None
        return 200, _page(f"http://{cbs_server.host}{PREFIX}80305NED/TypedDataSet?$format=json&$skip={n + 1}", 1), 0.0

    cbs_server.override = endless
    with pytest.raises(LiveSourceError, match="meer dan 25 pagina's"):
        live_source(cbs_server, max_pages=25, attempts=3).raw_table(load_catalogue().sources["80305NED"])
    assert cbs_server.count("TypedDataSet") <= 25, "retries must not multiply an endless download"


@pytest.mark.parametrize("where", ["other-port", "other-host", "https"])
def test_next_link_to_another_server_is_refused(cbs_server: FakeCBS, where: str) -> None:
    other = FakeCBS().start()
    try:
        port = other.host.rsplit(":", 1)[1]
        base = {"other-port": f"http://127.0.0.1:{port}", "other-host": f"http://localhost:{cbs_server.host.rsplit(':', 1)[1]}",
                "https": f"https://{cbs_server.host}"}[where]
        cbs_server.override = lambda path, n: (
            (200, _page(f"{base}{PREFIX}80305NED/TypedDataSet?$format=json&$skip=7", 1), 0.0)
            if "TypedDataSet" in path else None)
        with pytest.raises(LiveSourceError, match="andere server geweigerd"):
            live_source(cbs_server).raw_table(load_catalogue().sources["80305NED"])
        assert other.requests == [], "a request reached the other server"
        assert cbs_server.count("TypedDataSet") == 1, "a refused link is not retried"
    finally:
        other.stop()


def test_redirects_are_not_followed(cbs_server: FakeCBS) -> None:
    cbs_server.override = lambda path, n: (302, b"", 0.0) if "TypedDataSet" in path else None
    with pytest.raises(LiveSourceError, match="doorverwijzing"):
        live_source(cbs_server).raw_table(load_catalogue().sources["80305NED"])
