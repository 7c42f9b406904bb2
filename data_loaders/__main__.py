"""Command line: ``python -m data_loaders build|info``."""

from __future__ import annotations

import argparse
import signal
import sys

from tqdm import tqdm

from data_loaders.config import DUCKDB_OFFLINE, data_dir, store_path


def _build(args: argparse.Namespace) -> int:
    from data_loaders.build import build_store
    from data_loaders.bundle import BundleSource
    from data_loaders.catalogue import load_catalogue
    from data_loaders.harmonise import DataError
    from data_loaders.live import LiveSource, LiveSourceError

    store = store_path(args.store)
    steps = len(load_catalogue().sources) + 5  # sources, derived values, regions, shapes, claim tests, write
    bar = tqdm(total=steps, desc="store bouwen", unit="stap", file=sys.stderr, disable=args.quiet)

    def progress(message: str) -> None:
        bar.set_postfix_str(message[:60])
        bar.update(1)

    try:
        if args.source == "live":
            import os

            url = os.environ.get("BW_CBS_URL", "https://opendata.cbs.nl")
            https = not url.startswith("http://")
            source = LiveSource(catalog_url=url.split("://", 1)[-1], use_https=https)
        else:
            source = BundleSource(data_dir(args.bundle))
        result = build_store(store, source, progress)
    except (DataError, LiveSourceError, OSError) as err:
        bar.close()
        print(f"fout: {err}", file=sys.stderr)
        print(f"de bestaande store is niet gewijzigd: {store}", file=sys.stderr)
        return 1
    bar.close()
    print(
        f"store gebouwd: {result.store} — {result.n_observations} waarnemingen "
        f"({result.n_derived} afgeleid), {result.n_region_observations} regiowaarden, {result.seconds:.1f} s"
    )
    return 0


def _info(args: argparse.Namespace) -> int:
    import duckdb

    store = store_path(args.store)
    if not store.is_file():
        print(f"fout: geen store op {store}; bouw hem met: python -m data_loaders build", file=sys.stderr)
        return 1
    con = duckdb.connect(str(store), read_only=True, config=DUCKDB_OFFLINE)
    info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
    print(f"store: {store}\ngebouwd: {info.get('built_at')} uit bron '{info.get('source')}' {info.get('data_dir')}")
    themes = con.execute(
        "SELECT theme_group, count(*) FROM indicators GROUP BY 1 ORDER BY 1"
    ).fetchall()
    print("indicatoren per groep: " + ", ".join(f"{g}={n}" for g, n in themes))
    levels = con.execute(
        "SELECT region_level, count(*), count(DISTINCT indicator_id) FROM observations GROUP BY 1 ORDER BY 1"
    ).fetchall()
    print("waarnemingen per niveau: " + ", ".join(f"{lv}={n} ({k} indicatoren)" for lv, n, k in levels))
    rows = con.execute(
        """
        SELECT o.indicator_id, i.theme, o.region_level, min(o.period), max(o.period), count(DISTINCT o.period),
               count(*), sum(CASE WHEN o.method = 'cbs' THEN 0 ELSE 1 END)
        FROM observations o JOIN indicators i USING (indicator_id)
        GROUP BY ALL ORDER BY i.theme, o.indicator_id, o.region_level
        """
    ).fetchall()
    print(f"\n{'indicator':34} {'thema':20} {'niv':3} {'periodes':>14} {'n':>7} {'afgeleid':>8}")
    for iid, theme, level, first, last, nper, n, derived in rows:
        print(f"{iid:34} {theme:20} {level:3} {first}-{last} ({nper:>2}) {n:>7} {derived:>8}")
    bw = con.execute(
        "SELECT count(*) FROM indicators WHERE source_table = 'RMBW'"
    ).fetchone()[0]
    fac = con.execute("SELECT count(*) FROM indicators WHERE theme = 'voorzieningen'").fetchone()[0]
    print(f"\nbrede-welvaartindicatoren (RMBW): {bw}; voorzieningen (80305NED): {fac}")
    con.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `info | head` ends quietly
    parser = argparse.ArgumentParser(prog="python -m data_loaders", description="Brede welvaart: store bouwen")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="bouw de DuckDB-store uit de bundel of live uit CBS")
    build.add_argument("--source", choices=["bundle", "live"], default="bundle")
    build.add_argument("--bundle", help="datamap met cbs/ en geo/ (standaard BW_DATA_DIR of ../shared/data)")
    build.add_argument("--store", help="pad van de store (standaard BW_STORE of data/brede_welvaart.duckdb)")
    build.add_argument("--quiet", action="store_true", help="geen voortgangsbalk")
    info = sub.add_parser("info", help="tellingen per indicator, niveau en periode")
    info.add_argument("--store")
    args = parser.parse_args(argv)
    return _build(args) if args.command == "build" else _info(args)


if __name__ == "__main__":
    sys.exit(main())
