"""Issue 24 points 1 and 4 against a real server: made-up download ids over one websocket, and a visitor's PDF while
another session floods the server with bulk exports."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
import websocket
from streamlit.proto.BackMsg_pb2 import BackendOperationRequest, BackMsg, DeferredFileRequestPayload
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.harness import StreamlitServer

pytestmark = pytest.mark.browser
MADE_UP = 200


def _connect(server: StreamlitServer, page: str = "", query: str = "",
             buttons: dict[str, str] | None = None) -> tuple[websocket.WebSocket, str]:
    """A websocket session as a browser opens one (its first script run done); returns it and its session id.

    ``buttons`` collects the deferred file id of every download button of that run, by label."""
    ws = websocket.create_connection(server.base_url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                                     timeout=120)
    rerun = BackMsg()
    rerun.rerun_script.query_string = query
    rerun.rerun_script.page_name = page
    ws.send_binary(rerun.SerializeToString())
    deadline = time.monotonic() + 120
    session_id = ""
    while time.monotonic() < deadline:
        frame = ws.recv()
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            session_id = msg.new_session.initialize.session_id
        elif kind == "delta" and msg.delta.new_element.WhichOneof("type") == "download_button" and buttons is not None:
            button = msg.delta.new_element.download_button
            buttons[button.label] = button.deferred_file_id
        elif kind == "script_finished" and session_id:
            return ws, session_id
    raise TimeoutError("geen afgeronde eerste run")


def _deferred_request(session_id: str, request_id: str, file_id: str) -> bytes:
    msg = BackMsg(backend_operation_request=BackendOperationRequest(
        request_id=request_id, session_id=session_id, deferred_file=DeferredFileRequestPayload(file_id=file_id)))
    return msg.SerializeToString()


def _answers(ws: websocket.WebSocket, wanted: int, timeout: float = 60.0) -> dict[str, str]:
    """request id -> error message of the backend operation responses received."""
    got: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while len(got) < wanted and time.monotonic() < deadline:
        frame = ws.recv()
        if not isinstance(frame, bytes):
            continue
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        if msg.WhichOneof("type") == "backend_operation_response":
            got[msg.backend_operation_response.request_id] = msg.backend_operation_response.error_msg
    return got


@pytest.fixture
def logged_server(chromium: None, built_store: Path, tmp_path: Path) -> StreamlitServer:
    with StreamlitServer(built_store, log_path=tmp_path / "server.log") as server:
        yield server


def test_made_up_download_ids_write_a_few_log_lines(logged_server: StreamlitServer) -> None:
    before = len(logged_server.log_tail(10_000_000))
    ws, session_id = _connect(logged_server)
    try:
        for i in range(MADE_UP):
            ws.send_binary(_deferred_request(session_id, f"r{i}", f"{i:032x}"))
        answers = _answers(ws, MADE_UP)
    finally:
        ws.close()
    assert len(answers) == MADE_UP
    assert set(answers.values()) == {"Deze download is niet (meer) beschikbaar. Herlaad de pagina en probeer het opnieuw."}
    time.sleep(0.5)
    new = logged_server.log_tail(10_000_000)[before:]
    lines = [line for line in new.splitlines() if line.strip()]
    assert "Traceback" not in new, new[:3000]
    assert len(lines) <= 3, lines
    assert len(new) < 1_000, new


BULK_QUERY = ("indicatoren=werkloosheid,tevredenheid_leven,mediaan_inkomen,levensverwachting,bevolkingsdichtheid,"
              "mediaan_vermogen_bw,bbp_per_inwoner,ervaren_gezondheid,afstand_ziekenhuis,afstand_huisartsenpraktijk"
              "&niveaus=GM,CR,PV,NL")
BULK_LABEL = "CSV (standaard: UTF-8, komma)"
PDF_LABEL = "Download regioprofiel (PDF)"
FLOOD = 20


def _timed_pdf(ws: websocket.WebSocket, session_id: str, file_id: str, n: int) -> float:
    started = time.monotonic()
    ws.send_binary(_deferred_request(session_id, f"pdf{n}", file_id))
    answer = _answers(ws, 1, timeout=300)
    assert answer == {f"pdf{n}": ""}, answer
    return time.monotonic() - started


def test_pdf_is_not_queued_behind_another_sessions_bulk_exports(logged_server: StreamlitServer) -> None:
    import threading

    bulk_ids: dict[str, str] = {}
    flooder, flood_session = _connect(logged_server, "data", BULK_QUERY, bulk_ids)
    pdf_ids: dict[str, str] = {}
    visitor, visitor_session = _connect(logged_server, "twente", "", pdf_ids)
    try:
        pdf = pdf_ids[PDF_LABEL]
        _timed_pdf(visitor, visitor_session, pdf, 0)  # warm: the page's caches, Typst
        unloaded = statistics.median(_timed_pdf(visitor, visitor_session, pdf, n) for n in (1, 2, 3))
        stop = threading.Event()
        answers: list[str] = []

        def flood() -> None:  # 20 at once, and one more for every answer, until the PDF is there
            sent = 0
            for _ in range(FLOOD):
                flooder.send_binary(_deferred_request(flood_session, f"bulk{sent}", bulk_ids[BULK_LABEL]))
                sent += 1
            while not stop.is_set():
                got = _answers(flooder, 1, timeout=120)
                answers.extend(got.values())
                flooder.send_binary(_deferred_request(flood_session, f"bulk{sent}", bulk_ids[BULK_LABEL]))
                sent += 1

        thread = threading.Thread(target=flood, daemon=True)
        thread.start()
        time.sleep(1.0)  # the flood is queued and the bulk lane busy
        loaded = statistics.median(_timed_pdf(visitor, visitor_session, pdf, n) for n in (4, 5, 6))
        stop.set()
        thread.join(120)
    finally:
        flooder.close()
        visitor.close()
    print(f"PDF zonder last {unloaded:.2f} s, tijdens de vloed {loaded:.2f} s (mediaan van 3)")
    # The PDF is cached after the warm-up, so unloaded is a few milliseconds; with 20 bulk exports busy on two
    # cores the same answer takes a few times longer just for CPU, which is not queueing. A PDF queued behind
    # the bulk lane waits for whole exports (seconds each), so half a second of slack cannot hide that.
    assert loaded <= max(3 * unloaded, unloaded + 0.5), (unloaded, loaded)
    refused = [a for a in answers if a]
    assert refused and set(refused) <= {"U maakt al een groot bestand; wacht tot dat klaar is en probeer het daarna opnieuw.",
                                        "Er worden nu veel grote bestanden gemaakt. Probeer het over een minuut opnieuw, "
                                        "of kies een kleinere selectie."}, set(refused)
