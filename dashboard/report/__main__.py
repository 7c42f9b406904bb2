"""``python -m dashboard.report REGIO [--afbakening corop|beleid] [--out PAD]``: write one region profile (PDF);
``python -m dashboard.report --alle MAP [--niveau …] [--max N]``: every profile, in one process (:mod:`.batch`)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from data_loaders.config import REPO_ROOT

ARTIFACTS = REPO_ROOT / "artifacts"


def _quiet_streamlit() -> None:
    """Outside a Streamlit server the caches warn 'No runtime found' for each cached function; expected here.
    (A filter, not a level: Streamlit resets its loggers' levels when it reads its config.)"""
    logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(
        lambda record: "No runtime found" not in record.getMessage())


def parser() -> argparse.ArgumentParser:
    """The command line, in Dutch."""
    p = argparse.ArgumentParser(
        prog="python -m dashboard.report", add_help=False,
        description="Maak het regioprofiel (twee A4-pagina's, toegankelijke PDF) van een regio uit de datastore.",
        epilog="Voorbeeld: python -m dashboard.report twente  ·  python -m dashboard.report veenkolonien "
               "--afbakening corop --out /tmp/veenkolonien.pdf  ·  python -m dashboard.report --alle /tmp/profielen "
               "(alle regio's, gemeenten, COROP-gebieden, provincies en Nederland in één proces). De store komt uit BW_STORE (standaard "
               "data/brede_welvaart.duckdb); de link naar het dashboard begint met BW_PUBLIC_URL "
               "(standaard http://localhost:8501).",
    )
    p._positionals.title = "argumenten"
    p._optionals.title = "opties"
    p.add_argument("regio", metavar="REGIO", nargs="?",
                   help="regio-id zoals in de URL van het dashboard, bijvoorbeeld twente (niet met --alle)")
    p.add_argument("--afbakening", metavar="AFBAKENING",
                   help="corop of beleid (standaard de afbakening die de regiopagina eerst toont)")
    p.add_argument("--out", metavar="PAD", type=Path,
                   help="waar de PDF heen moet (standaard artifacts/regioprofiel_<regio>.pdf)")
    p.add_argument("--alle", metavar="MAP", type=Path,
                   help="schrijf het profiel van elke regio en elk CBS-gebied (gemeente, COROP-gebied, provincie, "
                        "Nederland) als PDF in MAP, met voortgang en een samenvatting")
    p.add_argument("--niveau", metavar="NIVEAUS",
                   help="met --alle: alleen deze niveaus, gescheiden door komma's: regio, GM, CR, PV, NL (standaard alle)")
    p.add_argument("--max", metavar="N", type=int, help="met --alle: hoogstens N PDF's per niveau (om te proberen)")
    p.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")
    return p


def main(argv: list[str] | None = None) -> int:
    """Build the profile and write it; 0 on success, 2 for an unknown region or delineation, 1 otherwise."""
    args = parser().parse_args(argv)
    _quiet_streamlit()
    if args.alle is not None or args.regio is None:
        return batch_main(args)
    from dashboard import data
    from dashboard.report import LayoutError, ReportError, build_pdf, file_name, resolve
    from dashboard.report.build import PAGES
    from dashboard.safety import shorten
    from data_loaders.store import StoreUnavailable

    try:
        region, delineation = resolve(args.regio, args.afbakening)
    except ReportError as err:
        print(f"fout: {err}", file=sys.stderr)
        return 2
    except StoreUnavailable as err:
        print(f"fout: {err} Bouw de store met: python -m data_loaders build", file=sys.stderr)
        return 1
    out = args.out or ARTIFACTS / file_name(region.region_id, delineation)
    print(f"regioprofiel {region.name} ({data.DELINEATION_NAMES.get(delineation, delineation)}) maken …",
          file=sys.stderr, flush=True)
    began = time.perf_counter()
    try:
        pdf = build_pdf(region.region_id, delineation)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pdf)
    except (LayoutError, ReportError, OSError) as err:
        print(f"fout: {err}", file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - Typst's own errors (typst.TypstError): one Dutch line, no traceback
        if type(err).__name__ != "TypstError":
            raise
        first = shorten(str(err).strip().splitlines()[0] if str(err).strip() else "", 200)
        print(f"fout: Typst kon het regioprofiel niet zetten ({first}).", file=sys.stderr)
        return 1
    seconds = f"{time.perf_counter() - began:.1f}".replace(".", ",")
    print(f"geschreven: {out} ({PAGES} pagina's, {len(pdf) // 1024} KB, {seconds} s)")
    return 0


def batch_main(args: argparse.Namespace) -> int:
    """``--alle MAP``: every profile in this one process; 0 when all were written, 1 when some failed or MAP is
    unusable, 2 for wrong arguments."""
    from dashboard.report import batch
    from data_loaders.store import StoreUnavailable

    if args.alle is None:
        print("fout: geef een regio (bijvoorbeeld twente) of --alle MAP; zie --help.", file=sys.stderr)
        return 2
    if args.regio is not None or args.afbakening or args.out:
        print("fout: --alle maakt alle profielen; geef dan geen regio, --afbakening of --out.", file=sys.stderr)
        return 2
    levels = tuple(dict.fromkeys(v.strip() for v in (args.niveau or ",".join(batch.LEVELS)).split(",") if v.strip()))
    wrong = [v for v in levels if v not in batch.LEVELS]
    if wrong or not levels:
        print(f"fout: onbekend niveau ‘{', '.join(wrong)}’; kies uit {', '.join(batch.LEVELS)}.", file=sys.stderr)
        return 2
    if args.max is not None and args.max < 1:
        print("fout: --max moet minstens 1 zijn.", file=sys.stderr)
        return 2
    try:
        batch.check_folder(args.alle)
        todo = batch.jobs(levels, args.max)
    except batch.BatchError as err:
        print(f"fout: {err}", file=sys.stderr)
        return 1
    except StoreUnavailable as err:
        print(f"fout: {err} Bouw de store met: python -m data_loaders build", file=sys.stderr)
        return 1
    print(f"{len(todo)} profielen maken in {args.alle} …", file=sys.stderr, flush=True)
    result = batch.run(args.alle, todo)
    for job, reason in result.failed:
        print(f"mislukt: {job.name} ({job.key}): {reason}", file=sys.stderr)
    print(batch.summary(result, args.alle))
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
