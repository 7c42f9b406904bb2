"""``python -m dashboard``: build the store from the bundle if it is missing, then serve the app.

Listens on 127.0.0.1:8501 unless ``--server.address`` / ``--server.port`` say otherwise; a port that is taken is
reported in Dutch (Streamlit itself would silently move to the next free port). Other options go to
``streamlit run`` unchanged.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from data_loaders.cli import dutch_help, dutch_parser
from data_loaders.config import store_path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8501
READY_TIMEOUT_S = 120


def port_taken(address: str, port: int) -> bool:
    """True when something already listens on ``address:port`` (a probe bind, released at once)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT leftovers do not count
        try:
            sock.bind((address, port))
        except OSError:
            return True
    return False


def _url(address: str, port: int) -> str:
    host = "localhost" if address in ("0.0.0.0", "::") else (f"[{address}]" if ":" in address else address)  # noqa: S104
    return f"http://{host}:{port}"


def _where(address: str, port: int) -> str:
    """Dutch: where the app listens and how to choose another address or port."""
    if address in ("0.0.0.0", "::"):  # noqa: S104
        scope = "op alle netwerkinterfaces (ook bereikbaar voor andere computers)"
    elif address in ("127.0.0.1", "::1", "localhost"):
        scope = "alleen op deze computer (voor het netwerk: --server.address 0.0.0.0)"
    else:
        scope = f"op adres {address}"
    return f"{_url(address, port)}, {scope}; andere poort: --server.port N"


def _wait_ready(proc: subprocess.Popen[bytes], url: str) -> bool:
    """Poll Streamlit's health endpoint until it answers ok (False when the server stopped first)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:  # noqa: S310 - local http
                if resp.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def main(argv: list[str]) -> int:
    """Build the store when needed and start Streamlit (extra arguments go to ``streamlit run``)."""
    parser = dutch_parser(
        "python -m dashboard",
        "Start het Brede Welvaart Regiodashboard; bouwt eerst de store uit de bundel als die ontbreekt. "
        "Andere opties gaan ongewijzigd naar streamlit run (bijvoorbeeld --server.headless true).",
    )
    parser.add_argument("--server.address", dest="address", metavar="ADRES",
                        default=os.environ.get("STREAMLIT_SERVER_ADDRESS", DEFAULT_ADDRESS),
                        help=f"adres om op te luisteren: {DEFAULT_ADDRESS} (standaard) alleen deze computer, "
                             "0.0.0.0 alle netwerkinterfaces")
    parser.add_argument("--server.port", dest="port", type=int, metavar="POORT",
                        default=int(os.environ.get("STREAMLIT_SERVER_PORT", DEFAULT_PORT)),
                        help=f"poort (standaard {DEFAULT_PORT}); is die bezet, dan stopt het dashboard met een melding")
    args, rest = dutch_help(parser).parse_known_args(argv)
    if port_taken(args.address, args.port):
        print(f"fout: poort {args.port} op {args.address} is al in gebruik (draait het dashboard al?); "
              f"kies een andere, bijvoorbeeld: python -m dashboard --server.port {args.port + 1}", file=sys.stderr)
        return 1
    store = store_path()
    if not store.is_file():
        print(f"Geen store op {store}: nu bouwen uit de bundel …", flush=True)
        code = subprocess.call([sys.executable, "-m", "data_loaders", "build"], cwd=ROOT)
        if code != 0:
            return code
    print(f"Dashboard start op {_where(args.address, args.port)} …", flush=True)
    env = {**os.environ, "BW_STORE": str(store)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
           "--server.address", args.address, "--server.port", str(args.port), "--logger.hideWelcomeMessage", "true",
           *rest]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    signal.signal(signal.SIGTERM, lambda signum, frame: proc.terminate())  # stopping us stops the server too
    try:
        if _wait_ready(proc, _url(args.address, args.port)):
            print(f"Het dashboard draait: open {_url(args.address, args.port)} (stoppen: Ctrl-C)", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        return proc.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
