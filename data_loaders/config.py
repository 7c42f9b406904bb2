"""Where the project finds its inputs and its store.

The bundle directory (holding ``cbs/`` and ``geo/``) comes from ``BW_DATA_DIR`` and defaults to
``../shared/data`` relative to the repository root; the DuckDB store comes from ``BW_STORE`` and
defaults to ``data/brede_welvaart.duckdb`` inside the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Where a newcomer learns which CBS files the bundle holds and how to obtain them.
README_DATA_HINT = 'zie de README, sectie "Gegevens"'
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
DEFAULT_STORE = REPO_ROOT / "data" / "brede_welvaart.duckdb"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the bundle directory: explicit override, else ``BW_DATA_DIR``, else ``../shared/data``."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("BW_DATA_DIR")
    return Path(env).expanduser().resolve() if env else DEFAULT_DATA_DIR.resolve()


def store_path(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the DuckDB store path: explicit override, else ``BW_STORE``, else ``data/brede_welvaart.duckdb``."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("BW_STORE")
    return Path(env).expanduser().resolve() if env else DEFAULT_STORE


def seeds_dir() -> Path:
    """Return the folder with the five source documents (``../shared/seeds`` beside the data dir)."""
    env = os.environ.get("BW_SEEDS_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return (data_dir().parent / "seeds").resolve()


# DuckDB must never reach the network (it would try to fetch extensions for unknown file formats).
DUCKDB_OFFLINE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
