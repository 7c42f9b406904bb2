"""Memory of the worst export (issue 16): one session, ten at once, and what is left after they close.

``python -m bench.export_memory [--store PATH] [--sessions 10]`` (also run by ``python -m bench``).

Against a real server (``tests/e2e/harness.StreamlitServer``) on loopback, each visitor is a Streamlit websocket
client (``/_stcore/stream``, as in ``bench/load.py``) that opens the worst link of the issue
(``/data?indicatoren=<every indicator>&niveaus=NL,LD,PV,CR,GM``), waits for the run to finish, then clicks the
largest download (the Excel-NL CSV): it sends the deferred-file request a browser sends and fetches the file
over HTTP. The server's RSS (process + children) is sampled every 0.1 s throughout.

Reported (MB = 10^6 B): ``one_added_mb`` (peak RSS during one session minus RSS before it), ``ten_peak_mb``
(peak RSS with ten sessions at once, absolute), ``after_close_added_mb`` (RSS after every session closed and two
later page runs let Streamlit drop the stored downloads, minus the RSS before the first session).
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import Sampler, build_store
from data_loaders.cli import dutch_help, dutch_parser
from tests.e2e.harness import StreamlitServer

WORST_LEVELS = "NL,LD,PV,CR,GM"
DOWNLOAD_LABEL = "CSV voor Excel NL"
TIMEOUT_S = 300.0


@dataclass
class Visit:
    """One websocket session on the data page, kept open until :meth:`close`."""

    base_url: str
    query: str
    downloads: dict[str, str] = field(default_factory=dict)  # button label → deferred file id
    session_id: str = ""
    bytes_downloaded: int = 0
    errors: list[str] = field(default_factory=list)
    conn: Any = None

    def _recv(self, deadline: float) -> ForwardMsg | None:
        self.conn.settimeout(max(0.05, deadline - time.monotonic()))
        data = self.conn.recv()
        return ForwardMsg.FromString(data) if isinstance(data, bytes) and data else None

    def open(self) -> Visit:
        """Connect and run the page once (like a browser opening the link)."""
        deadline = time.monotonic() + TIMEOUT_S
        self.conn = websocket.create_connection(self.base_url.replace("http", "ws", 1) + "/_stcore/stream",
                                                subprotocols=["streamlit"], origin=self.base_url, timeout=TIMEOUT_S)
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_name = "data"
        self.conn.send_binary(msg.SerializeToString())
        while time.monotonic() < deadline:
            fwd = self._recv(deadline)
            if fwd is None:
                continue
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id
            elif kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "download_button":
                button = fwd.delta.new_element.download_button
                self.downloads[button.label] = button.deferred_file_id
            elif kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "exception":
                self.errors.append(fwd.delta.new_element.exception.message[:200])
            elif kind == "script_finished":
                return self
        self.errors.append("run did not finish in time")
        return self

    def download(self, label: str = DOWNLOAD_LABEL) -> None:
        """Click a download button: deferred-file request over the websocket, then GET the file."""
        file_id = next((fid for name, fid in self.downloads.items() if name.startswith(label)), "")
        if not file_id:
            self.errors.append(f"no download button {label!r}")
            return
        request_id = str(uuid.uuid4())
        msg = BackMsg()
        msg.backend_operation_request.request_id = request_id
        msg.backend_operation_request.session_id = self.session_id
        msg.backend_operation_request.deferred_file.file_id = file_id
        self.conn.send_binary(msg.SerializeToString())
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            fwd = self._recv(deadline)
            if fwd is None or fwd.WhichOneof("type") != "backend_operation_response":
                continue
            response = fwd.backend_operation_response
            if response.request_id != request_id:
                continue
            if response.error_msg:
                self.errors.append(response.error_msg)
                return
            url = response.deferred_file.url
            with urllib.request.urlopen(self.base_url + url if url.startswith("/") else url, timeout=TIMEOUT_S) as resp:
                while chunk := resp.read(1 << 20):
                    self.bytes_downloaded += len(chunk)
            return
        self.errors.append("download did not arrive in time")

    def close(self) -> None:
        """Close the websocket (the session ends on the server)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def worst_query(store: Path) -> str:
    """The query string of the issue's worst link: every indicator, levels NL, LD, PV, CR and GM."""
    from data_loaders.store import Store

    opened = Store(store)
    try:
        ids = ",".join(opened.indicators["indicator_id"])
    finally:
        opened.close()
    return urlencode({"indicatoren": ids, "niveaus": WORST_LEVELS})


def _peak_during(sampler: Sampler, action: Any) -> tuple[float, Any]:
    """Run ``action`` while sampling; return (peak RSS in MB, the action's result)."""
    peak = [sampler.server_rss_mb()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.1):
            peak.append(sampler.server_rss_mb())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        result = action()
    finally:
        stop.set()
        thread.join(timeout=5)
    peak.append(sampler.server_rss_mb())
    return max(peak), result


def _settle(server: StreamlitServer, sampler: Sampler) -> float:
    """Two short page runs (Streamlit drops stored downloads after two runs), a pause, then the RSS in MB."""
    for _ in range(2):
        Visit(server.base_url, "").open().close()
    time.sleep(2.0)
    return sampler.server_rss_mb()


def measure(store: Path, sessions: int = 10, log_dir: Path | None = None, progress: Any = print) -> dict[str, Any]:
    """Start a server on ``store`` and measure one and ``sessions`` concurrent worst exports."""
    query = worst_query(store)
    log = (log_dir or Path(tempfile.gettempdir())) / "export_memory_server.log"
    with StreamlitServer(store, log_path=log) as server:
        sampler = Sampler(server)
        warm = Visit(server.base_url, "").open()  # first run: imports, caches, store opened
        warm.close()
        start = _settle(server, sampler)
        progress(f"  export-geheugen: server {start:.0f} MB na opwarmen; 1 sessie …")

        def one() -> Visit:
            visit = Visit(server.base_url, query).open()
            visit.download()
            return visit

        t0 = time.monotonic()
        peak_one, visit = _peak_during(sampler, one)
        one_s = time.monotonic() - t0
        visit.close()
        errors = list(visit.errors)
        size_mb = visit.bytes_downloaded / 1e6
        after_one = _settle(server, sampler)
        progress(f"  export-geheugen: piek {peak_one:.0f} MB, na sluiten {after_one:.0f} MB; {sessions} tegelijk …")

        visits = [Visit(server.base_url, query) for _ in range(sessions)]

        def many() -> None:
            threads = [threading.Thread(target=lambda v=v: (v.open(), v.download()), daemon=True) for v in visits]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=TIMEOUT_S)

        t0 = time.monotonic()
        peak_ten, _ = _peak_during(sampler, many)
        ten_s = time.monotonic() - t0
        for v in visits:
            errors += v.errors
            v.close()
        after = _settle(server, sampler)
        complete = sum(1 for v in visits if v.bytes_downloaded > 0)
        tracebacks = server.log_tail(10_000_000).count("Traceback")
    return {
        "rss_start_mb": round(start, 1), "one_peak_mb": round(peak_one, 1), "one_added_mb": round(peak_one - start, 1),
        "one_s": round(one_s, 1), "download_mb": round(size_mb, 1), "after_one_added_mb": round(after_one - start, 1),
        "ten_peak_mb": round(peak_ten, 1), "ten_s": round(ten_s, 1), "ten_complete": complete, "sessions": sessions,
        "after_close_mb": round(after, 1), "after_close_added_mb": round(after - start, 1),
        "errors": errors[:10], "server_tracebacks": tracebacks,
    }


def report(result: dict[str, Any]) -> str:
    """Dutch one-paragraph summary."""
    return (f"zwaarste export ({result['download_mb']:.0f} MB CSV): 1 sessie +{result['one_added_mb']:.0f} MB "
            f"(piek {result['one_peak_mb']:.0f} MB, {result['one_s']:.0f} s); {result['sessions']} tegelijk piek "
            f"{result['ten_peak_mb']:.0f} MB ({result['ten_complete']} downloads compleet, {result['ten_s']:.0f} s); "
            f"na sluiten +{result['after_close_added_mb']:.0f} MB boven de start ({result['rss_start_mb']:.0f} MB); "
            f"fouten: {len(result['errors'])}, tracebacks in het serverlog: {result['server_tracebacks']}")


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = dutch_parser("python -m bench.export_memory", "Meet het servergeheugen bij de zwaarste export.")
    parser.add_argument("--store", type=Path, metavar="PAD", help="bestaande store (anders wordt er een gebouwd)")
    parser.add_argument("--sessions", type=int, default=10, metavar="N", help="gelijktijdige sessies (standaard 10)")
    args = dutch_help(parser).parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bw_export_mem_") as tmp:
        store = args.store or build_store(Path(tmp))
        result = measure(store, args.sessions, Path(tmp))
    print(report(result))
    print(json.dumps(result, indent=1))
    return 0 if not result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
