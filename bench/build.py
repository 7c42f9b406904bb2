"""Store build time: ``python -m data_loaders build --store <tmp>`` as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import REPO_ROOT

BUILD_TIMEOUT_S = 300


def build_once(store: Path) -> float:
    """Build a fresh store at ``store``; wall seconds of the subprocess."""
    store.unlink(missing_ok=True)
    env = dict(os.environ)
    env.pop("BW_STORE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "data_loaders", "build", "--store", str(store), "--quiet"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or not store.is_file():
        raise RuntimeError(f"store bouwen mislukt (rc={proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed


def build_times(store: Path, repeats: int) -> list[float]:
    """``repeats`` builds into the same path; the last one stays for the other measurements."""
    return [build_once(store) for _ in range(repeats)]
