"""Command line: ``python -m data_loaders build|info``.

Every failure of a build ends in ONE line ``fout: …`` on stderr (file, and row where there is one) and a
non-zero exit code, never a traceback (``BW_DEBUG=1`` shows it); the existing store is then unchanged.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from types import FrameType

from tqdm import tqdm

from data_loaders.cli import dutch_help, dutch_parser
from data_loaders.config import DUCKDB_OFFLINE, README_DATA_HINT, data_dir, store_path


class BuildStopped(BaseException):
    """SIGTERM arrived during a build (a BaseException, like KeyboardInterrupt, so cleanup code runs)."""


_signalled: list[int] = []  # the signals that arrived during this build (DuckDB may turn them into "Query interrupted")


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    _signalled.append(signum)
    raise BuildStopped


def _os_error(err: OSError) -> str:
    """A Dutch one-line reason for an OSError, with the file it is about."""
    where = err.filename or ""
    reasons = {errno.ENOSPC: "schijf vol", errno.EDQUOT: "schijfquotum vol", errno.EACCES: "geen toegang",
               errno.EPERM: "niet toegestaan", errno.EROFS: "alleen-lezen bestandssysteem", errno.ENOENT: "bestaat niet"}
    reason = reasons.get(err.errno or -1, err.strerror or type(err).__name__)
    return f"{where}: {reason}" if where else reason


def _build(args: argparse.Namespace) -> int:
    import duckdb

    from data_loaders.build import build_store
    from data_loaders.bundle import BundleSource
    from data_loaders.catalogue import load_catalogue
    from data_loaders.harmonise import DataError
    from data_loaders.live import LiveSource, LiveSourceError
    from geo.regions import RegionConfigError
    from geo.shapes import ShapeValidationError

    store = store_path(args.store)
    existed = store.is_file()
    if args.bundle:  # the geo/ boundaries and the lookup are read through BW_DATA_DIR: the same bundle
        os.environ["BW_DATA_DIR"] = str(data_dir(args.bundle))
    bar = None
    previous_term = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        steps = len(load_catalogue().sources) + 5  # sources, derived values, regions, shapes, claim tests, write
        bar = tqdm(total=steps, desc="store bouwen", unit="stap", file=sys.stderr, disable=args.quiet)

        def progress(message: str) -> None:
            bar.set_postfix_str(message[:60])
            bar.update(1)

        if args.source == "live":
            url = os.environ.get("BW_CBS_URL", "https://opendata.cbs.nl")
            https = not url.startswith("http://")
            source = LiveSource(catalog_url=url.split("://", 1)[-1], use_https=https)
        else:
            source = BundleSource(data_dir(args.bundle))
        result = build_store(store, source, progress)
        error, code = None, 0
    except (DataError, LiveSourceError, RegionConfigError, ShapeValidationError) as err:
        error, code = str(err), 1
    except OSError as err:
        error, code = _os_error(err), 1
    except (KeyboardInterrupt, duckdb.InterruptException):
        error, code = "bouwen afgebroken (Ctrl-C)", 130
    except BuildStopped:
        error, code = "bouwen gestopt (SIGTERM)", 143
    except Exception as err:  # noqa: BLE001 - the contract is one 'fout:' line, never a traceback
        if isinstance(err, RuntimeError) and "interrupted" in str(err).lower():  # a signal inside a DuckDB query
            error, code = (("bouwen gestopt (SIGTERM)", 143) if signal.SIGTERM in _signalled
                           else ("bouwen afgebroken (Ctrl-C)", 130))
        elif os.environ.get("BW_DEBUG"):
            raise
        else:
            error, code = f"onverwachte fout ({type(err).__name__}: {' '.join(str(err).split())[:200]}; BW_DEBUG=1 toont de traceback)", 1
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        if bar is not None:
            bar.close()
    if error is not None:
        print(f"fout: {' '.join(error.split())}", file=sys.stderr)
        if existed:
            print(f"de bestaande store is niet gewijzigd: {store}", file=sys.stderr)
        else:
            print(f"er is geen store gemaakt (er was er nog geen op {store})", file=sys.stderr)
        return code
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
    parser = dutch_parser("python -m data_loaders", "Brede Welvaart Regiodashboard: de DuckDB-store bouwen en bekijken.")
    sub = parser.add_subparsers(dest="command", required=True, title="opdrachten", metavar="{build,info}")
    build = sub.add_parser(
        "build", help="bouw de DuckDB-store uit de bundel of live uit CBS",
        description="Bouw de store opnieuw; de bestaande store wordt pas vervangen als de nieuwe klaar en gecontroleerd is.",
    )
    build.add_argument(
        "--source", choices=["bundle", "live"], default="bundle",
        help="waar de CBS-cijfers vandaan komen: bundle = de CSV-bestanden in de bundel (standaard); live = de "
             "StatLine-tabellen van CBS via internet (de Monitor Brede Welvaart, de KWB-basis en de grenzen komen "
             f"ook dan uit de bundel; {README_DATA_HINT})",
    )
    build.add_argument("--bundle", metavar="MAP", help="datamap met cbs/ en geo/ (standaard BW_DATA_DIR of ../shared/data)")
    build.add_argument("--store", metavar="PAD", help="pad van de store (standaard BW_STORE of data/brede_welvaart.duckdb)")
    build.add_argument("--quiet", action="store_true", help="geen voortgangsbalk")
    info = sub.add_parser("info", help="tellingen per indicator, niveau en periode",
                          description="Toon wat er in de store staat: tellingen per indicator, niveau en periode.")
    info.add_argument("--store", metavar="PAD", help="pad van de store (standaard BW_STORE of data/brede_welvaart.duckdb)")
    dutch_help(parser)
    args = parser.parse_args(argv)
    if args.command == "build":
        return _build(args)
    previous = signal.signal(signal.SIGPIPE, signal.SIG_DFL) if hasattr(signal, "SIGPIPE") else None
    try:  # `info | head` ends quietly
        return _info(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGPIPE, previous)


if __name__ == "__main__":
    sys.exit(main())
