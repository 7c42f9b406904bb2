"""``python -m bench``: measure the dashboard, print a table with PASS/FAIL per budget, write ``bench/results.json``."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.build import build_times
from bench.common import BUDGETS, REPO_ROOT, RESULTS, format_table, median
from data_loaders.cli import dutch_help, dutch_parser
from tests.e2e.harness import chromium_available

SERVER_SIDE_TIMEOUT_S = 600


def _progress(message: str) -> None:
    print(message, flush=True)


def _server_side(store: Path, runs: int, baseline_runs: int, workdir: Path) -> dict[str, Any]:
    """AppTest timings and figure sizes, in a separate process (clean imports and caches)."""
    out = workdir / "server_side.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    proc = subprocess.run(
        [sys.executable, "-m", "bench.server_side", "--store", str(store), "--out", str(out), "--runs", str(runs),
         "--baseline-runs", str(baseline_runs)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=SERVER_SIDE_TIMEOUT_S, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench.server_side mislukt (rc={proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def _export_memory(store: Path, sessions: int, workdir: Path) -> dict[str, Any] | None:
    """Server memory with the worst export link, one and ``sessions`` at once (``bench/export_memory.py``)."""
    from bench.export_memory import measure, report

    _progress(f"export-geheugen: de zwaarste exportlink, 1 en {sessions} sessies tegelijk …")
    try:
        result = measure(store, sessions, workdir, _progress)
    except Exception as err:  # noqa: BLE001 - keep the other measurements; report what failed
        _progress(f"  export-geheugenmeting mislukt: {type(err).__name__}: {str(err)[:300]}")
        return None
    _progress("  " + report(result))
    return result


def _burst(store: Path, workdir: Path) -> dict[str, Any] | None:
    """25 browser-like sessions at once, one server and nginx + 2 replicas; interaction ratios (``bench/burst.py``)."""
    from bench.burst import measure

    _progress("   burst: 25 sessies binnen 5 s, één server en nginx + 2 replica's …")
    if not Path("/usr/sbin/nginx").is_file():
        _progress("  burst overgeslagen: /usr/sbin/nginx ontbreekt (apt-get install nginx-light)")
        return None
    burst_dir = workdir / "burst"
    burst_dir.mkdir(exist_ok=True)
    try:
        return measure(store, burst_dir, _progress)
    except Exception as err:  # noqa: BLE001 - keep the other measurements; report what failed
        _progress(f"  burstmeting mislukt: {type(err).__name__}: {str(err)[:300]}")
        return None


def _only_burst(out: Path) -> int:
    """``--alleen burst``: one build, the burst, merged into the existing results file."""
    from bench.burst import format_burst

    with tempfile.TemporaryDirectory(prefix="bw_bench_") as tmp:
        store = Path(tmp) / "store" / "brede_welvaart.duckdb"
        store.parent.mkdir()
        _progress("store bouwen (1×) …")
        build_times(store, 1)
        burst = _burst(store, Path(tmp))
    if burst is None:
        return 1
    results = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    results["burst"] = burst
    results["budgets"] = [b.check(results) for b in BUDGETS]
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print("\n" + format_burst(burst))
    for b in results["budgets"]:
        if b["key"].startswith("burst"):
            print(f"  {b['status']:<4}  {b['budget']}: {b['value']} (≤ {b['limit']:g} {b['unit']})")
    return 0


def _report(store: Path, runs: int, workdir: Path) -> dict[str, Any]:
    """Region profile PDF build times and sizes (bench.report), in a separate process (clean caches)."""
    out = workdir / "report.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    proc = subprocess.run([sys.executable, "-m", "bench.report", "--store", str(store), "--out", str(out), "--runs",
                           str(runs)], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=SERVER_SIDE_TIMEOUT_S, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench.report mislukt (rc={proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def _pick(values: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: values.get(k) for k in keys}


def main(argv: list[str] | None = None) -> int:
    """Run every measurement; exit 0 (or 1 with ``--strict`` when a budget fails)."""
    parser = dutch_parser("python -m bench", "Meet het dashboard: store bouwen, serverruns, figuurgroottes, browser, "
                          "geheugen van de zwaarste export; drukt een tabel af met per budget PASS of FAIL en schrijft "
                          "bench/results.json.")
    parser.add_argument("--runs", type=int, metavar="N", default=5, help="herhalingen per meting (mediaan; standaard 5)")
    parser.add_argument("--baseline-runs", type=int, metavar="N", default=3,
                        help="herhalingen per meting van de naïeve variant (standaard 3)")
    parser.add_argument("--builds", type=int, metavar="N", default=3, help="aantal store-builds (mediaan; standaard 3)")
    parser.add_argument("--sessions", type=int, metavar="N", default=10, help="gelijktijdige browsersessies voor rss_mb_10")
    parser.add_argument("--browser-runs", type=int, metavar="N", default=7,
                        help="runs per paginatype en variant van de kaartvergelijking SVG/MapLibre (standaard 7)")
    parser.add_argument("--no-browser", action="store_true", help="sla de browsermetingen over")
    parser.add_argument("--no-export", action="store_true", help="sla de geheugenmeting van de zwaarste export over")
    parser.add_argument("--no-burst", action="store_true", help="sla de burst van 25 sessies (één server, nginx + 2) over")
    parser.add_argument("--alleen", choices=["burst"], help="meet alleen dit onderdeel (één build) en werk alleen dat deel "
                        "van het resultatenbestand bij")
    parser.add_argument("--out", type=Path, default=RESULTS, metavar="PAD",
                        help="resultatenbestand (standaard bench/results.json)")
    parser.add_argument("--strict", action="store_true", help="exitcode 1 als een budget niet gehaald wordt")
    args = dutch_help(parser).parse_args(argv)

    if args.alleen == "burst":
        return _only_burst(args.out)

    began = time.perf_counter()
    load_before = os.getloadavg()
    results: dict[str, Any] = {}
    baseline: dict[str, Any] = {"build_s": None}
    diagnostics: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bw_bench_") as tmp:
        workdir = Path(tmp)
        store = workdir / "store" / "brede_welvaart.duckdb"
        store.parent.mkdir()

        _progress(f"1/5 store bouwen ({args.builds}×) …")
        builds = build_times(store, args.builds)
        results["build_s"] = median(builds)
        diagnostics["build_runs_s"] = [round(b, 2) for b in builds]
        _progress(f"  builds: {', '.join(f'{b:.1f} s' for b in builds)}")

        _progress("2/5 server-side (AppTest) en figuurgroottes …")
        side = _server_side(store, args.runs, args.baseline_runs, workdir)
        for key in ("page_server_ms", "page_apptest_ms", "figure_kb"):
            results[key] = side["current"][key]
            baseline[key] = side["baseline"][key]
        diagnostics["page_runs_ms"] = {"current": side["current"]["page_runs_ms"],
                                       "baseline": side["baseline"]["page_runs_ms"]}
        if "profile_region_top15" in side:
            diagnostics["profile_region_top15"] = side["profile_region_top15"]

        results["export_memory"] = None if args.no_export else _export_memory(store, args.sessions, workdir)
        results["burst"] = None if args.no_burst else _burst(store, workdir)
        _progress("   regioprofielen (PDF, 13 regio's, koud en warm) …")
        pdf = _report(store, args.runs, workdir)
        results["report_pdf_s"] = {**pdf["warm_s"], "max": pdf["warm_max_s"]}
        diagnostics["report_pdf"] = {k: pdf.get(k) for k in ("cold_s", "size_kb", "pages", "first_build_s", "cached_s",
                                                              "runs")}
        _progress(f"  PDF warm {min(pdf['warm_s'].values()):.2f}–{pdf['warm_max_s']:.2f} s, koud tot "
                  f"{pdf['cold_max_s']:.2f} s, {min(pdf['size_kb'].values()):.0f}–{max(pdf['size_kb'].values()):.0f} KB")

        browser_keys = ("cold_start_s", "rss_mb_1", "rss_mb_10")
        map_keys = ("browser_map_s", "browser_last_chart_s", "browser_map_ratio")
        if args.no_browser or not chromium_available():
            reason = "--no-browser" if args.no_browser else "/usr/bin/chromium ontbreekt"
            _progress(f"3/5 t/m 5/5 browsermetingen overgeslagen ({reason})")
            results.update(dict.fromkeys(browser_keys + map_keys))
            baseline.update(dict.fromkeys(browser_keys))
        else:
            from bench.browser import compare_maps, measure, profile_slowest

            def attempt(key: str, run: Any) -> dict[str, Any]:
                try:
                    return run()
                except Exception as err:  # noqa: BLE001 - keep the other measurements; report what failed
                    diagnostics.setdefault("browser_errors", {})[key] = f"{type(err).__name__}: {err}"[:2000]
                    _progress(f"  browsermeting ({key}) mislukt: {type(err).__name__}: {str(err)[:300]}")
                    return {}

            _progress("3/5 browser tegen de echte server (koude start, RSS) …")
            cur = attempt("current", lambda: measure(store, naive=False, sessions=args.sessions, log_dir=workdir,
                                                     progress=_progress))
            _progress("4/5 browser tegen de naïeve server (caches elke run leeg, ruwe grenzen) …")
            naive = attempt("baseline", lambda: measure(store, naive=True, sessions=args.sessions, log_dir=workdir,
                                                        progress=_progress))
            _progress(f"5/5 navigatie → geschilderde kaart: SVG (geen WebGL) tegen MapLibre (WebGL), "
                      f"{args.browser_runs}× afwisselend …")
            comparison = attempt("maps", lambda: compare_maps(store, runs=args.browser_runs, log_dir=workdir,
                                                              progress=_progress))
            results.update(_pick(cur, browser_keys))
            baseline.update(_pick(naive, browser_keys))
            pages = comparison.get("pages", {})
            results["browser_map_s"] = {k: e["map_s"]["svg"]["median"] for k, e in pages.items()} or None
            results["browser_last_chart_s"] = {k: e["last_chart_s"]["svg"]["median"] for k, e in pages.items()} or None
            results["browser_map_ratio"] = {k: e["map_s"]["ratio"]["median"] for k, e in pages.items()} or None
            diagnostics["browser"] = {"current": {k: v for k, v in cur.items() if k not in browser_keys},
                                      "baseline": {k: v for k, v in naive.items() if k not in browser_keys}}
            if comparison:
                diagnostics["map_comparison"] = comparison
                profile = attempt("profile", lambda: profile_slowest(store, comparison, workdir) or {})
                if profile:
                    diagnostics["browser_cpu_profile"] = profile

    results["baseline"] = baseline
    results["budgets"] = [b.check(results) for b in BUDGETS]
    results["diagnostics"] = diagnostics
    results["meta"] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(), "cpus": os.cpu_count(), "runs": args.runs,
        "baseline_runs": args.baseline_runs, "browser_runs": args.browser_runs, "sessions": args.sessions,
        "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "duration_s": round(time.perf_counter() - began, 1),
        "notes": {
            "page_server_ms": "render() time inside an AppTest run, median after one warm-up; page_apptest_ms = wall of AppTest.run()",
            "figure_kb": "map payload as the page sends it (SVG + table, the v2 component's JSON data); 1 KB = 1024 B; "
                         "national map = default indicator, latest period, ten regions outlined; region maps = page "
                         "default (claims on)",
            "browser_map_s": "navigation start → painted SVG map (all area paths in the DOM + one animation frame), "
                             "chromium without WebGL, new page in a warm browser context; median of --browser-runs",
            "browser_last_chart_s": "navigation start → painted map, every chart drawn and the script run finished",
            "browser_map_ratio": "SVG / MapLibre baseline (BW_MAP_RENDERER=maplibre, software WebGL), pair by pair, "
                                 "alternating in the same run; median",
            "rss": "peak RSS (MB = 10^6 B) of the server process and children while the sessions load their map",
            "baseline": "naive variant: caches cleared at every run and unsimplified 6-decimal boundaries; no naive build",
            "export_memory": "bench/export_memory.py: websocket sessions open the worst /data link and download the "
                             "Excel-NL CSV; server RSS (process + children) sampled every 0.1 s",
            "report_pdf_s": "region profile PDF, default delineation: median of --runs builds after the region's first "
                            "(data caches warm, Typst and layout fitting every time); max = slowest region; cold "
                            "builds and sizes in diagnostics.report_pdf",
        },
    }
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")

    print()
    print(format_table(results))
    if results.get("burst"):
        from bench.burst import format_burst

        print("\n" + format_burst(results["burst"]))
    if "profile_region_top15" in diagnostics:
        print("\nregiopagina boven budget — cProfile (top 15, cumulatief) van één warme run:")
        print("\n".join(diagnostics["profile_region_top15"]))
    if "map_comparison" in diagnostics:
        from bench.browser import format_comparison

        comparison = diagnostics["map_comparison"]
        print("\n" + format_comparison(comparison))
        print("grootste websocketbericht vóór de geschilderde kaart (mediaan): " + ", ".join(
            f"{k} SVG {e['frame_kb']['svg']:.0f} KB / MapLibre {e['frame_kb']['maplibre']:.0f} KB"
            for k, e in comparison["pages"].items()))
    profile = diagnostics.get("browser_cpu_profile")
    if profile:
        print(f"\nbrowser boven budget — JS-CPU-profiel van één laadbeurt ({profile['page']}), top op eigen tijd:")
        print("\n".join(profile["top"]))
    print(f"\nduur {results['meta']['duration_s']:.0f} s · load {load_before[0]:.1f} → {os.getloadavg()[0]:.1f} · "
          f"resultaten in {args.out.relative_to(REPO_ROOT) if args.out.is_relative_to(REPO_ROOT) else args.out}")
    failed = [b for b in results["budgets"] if b["status"] == "FAIL"]
    return 1 if (args.strict and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
