"""``python -m dashboard.healthcheck``: exit 0 when this replica can serve, else 1 (compose and Docker health checks).

Healthy means both: the store file opens and every table reads back without a checksum or read error (the same
check the app does when it opens the store), and the Streamlit server answers ``ok`` on ``/_stcore/health``.
Streamlit's own health endpoint says ``ok`` even when the store is broken, so it is not enough on its own.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

from data_loaders.cli import dutch_help, dutch_parser
from data_loaders.store import Store, StoreUnavailable

DEFAULT_URL = "http://127.0.0.1:8501"
HEALTH_PATH = "/_stcore/health"


def check_store(path: str | None) -> tuple[bool, str]:
    """(healthy, one Dutch line) for the store file."""
    try:
        store = Store(path)
    except StoreUnavailable as err:
        return False, err.detail
    try:
        return True, f"store {store.path}: {len(store.tables)} tabellen gelezen in {store.verify_ms:.0f} ms"
    finally:
        store.close()


def check_server(url: str, timeout_s: float) -> tuple[bool, str]:
    """(healthy, one Dutch line) for Streamlit's health endpoint."""
    target = url.rstrip("/") + HEALTH_PATH
    try:
        with urllib.request.urlopen(target, timeout=timeout_s) as resp:  # noqa: S310 - a local http URL
            body = resp.read(64).strip()
            if resp.status == 200 and body == b"ok":
                return True, f"server {target}: ok"
            return False, f"server {target}: antwoord {resp.status} {body[:40]!r}"
    except (urllib.error.URLError, OSError) as err:
        return False, f"server {target}: geen antwoord ({type(err).__name__}: {str(err)[:120]})"


def main(argv: list[str] | None = None) -> int:
    """Command line; prints one line per check and returns the exit code."""
    parser = dutch_parser("python -m dashboard.healthcheck",
                          "Gezondheidscontrole van één dashboardserver: de store is leesbaar en de server antwoordt.")
    parser.add_argument("--store", metavar="PAD", help="pad van de store (standaard BW_STORE of data/brede_welvaart.duckdb)")
    parser.add_argument("--url", metavar="URL", default=os.environ.get("BW_HEALTH_URL", DEFAULT_URL),
                        help=f"adres van de server (standaard BW_HEALTH_URL of {DEFAULT_URL})")
    parser.add_argument("--alleen-store", action="store_true", help="alleen de store controleren, niet de server")
    parser.add_argument("--timeout", type=float, metavar="SECONDEN", default=4.0, help="wachttijd voor de server in seconden (standaard 4)")
    args = dutch_help(parser).parse_args(argv)
    checks = [check_store(args.store)]
    if not args.alleen_store:
        checks.append(check_server(args.url, args.timeout))
    for healthy, line in checks:
        print(("gezond: " if healthy else "niet gezond: ") + line, file=sys.stdout if healthy else sys.stderr)
    return 0 if all(healthy for healthy, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
