"""``python -m dashboard``: build the store from the bundle if it is missing, then serve the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from data_loaders.config import store_path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    """Build the store when needed and start Streamlit (extra arguments go to ``streamlit run``)."""
    store = store_path()
    if not store.is_file():
        print(f"Geen store op {store}: nu bouwen uit de bundel …", flush=True)
        code = subprocess.call([sys.executable, "-m", "data_loaders", "build"], cwd=ROOT)
        if code != 0:
            return code
    env = {**os.environ, "BW_STORE": str(store)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), *argv]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
