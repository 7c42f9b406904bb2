"""Budgets, statistics and the results table shared by the benchmark modules."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.json"

REGION_PAGE = "twente"
AREA_PAGE = "GM0928"  # Kerkrade: the area page /gebied?code=… of a gemeente
# an own region of 30 gemeenten (the upper bound) spread over three provinces: no CBS area, all derived
OWN_REGION = ("GM0014,GM0034,GM0037,GM0047,GM0050,GM0059,GM0060,GM0072,GM0074,GM0080,GM0085,GM0086,GM0088,GM0090,"
              "GM0093,GM0096,GM0098,GM0106,GM0109,GM0114,GM0118,GM0119,GM0141,GM0147,GM0148,GM0150,GM0153,GM0158,"
              "GM0160,GM0163")
# page name (as in the URL) → AppTest target: a module in dashboard.views (with "?key=value" query parameters),
# or "regio:<id>"
SERVER_PAGES = {"nederland": "nederland", REGION_PAGE: f"regio:{REGION_PAGE}", "vergelijk": "vergelijk", "data": "data_export",
                "gebied": f"gebied?code={AREA_PAGE}", "eigen_regio": f"gebied?gemeenten={OWN_REGION}"}
BROWSER_PATHS = {"national": "/", "region": f"/{REGION_PAGE}", "presentation": f"/{REGION_PAGE}?presentatie=1"}
RAW_GEO = {"GM": "gemeente_2024.geojson", "CR": "coropgebied_2024.geojson", "PV": "provincie_2024.geojson"}


def median(values: Iterable[float]) -> float | None:
    """Median, or None for no values."""
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def ratio(current: float | None, baseline: float | None) -> float | None:
    """baseline / current (how many times better the current variant is), or None."""
    if current in (None, 0) or baseline is None:
        return None
    return baseline / current


@dataclass(frozen=True)
class Budget:
    """A limit on one measured value."""

    name: str
    key: str
    sub: str | None
    limit: float
    unit: str

    def value(self, results: Mapping[str, Any]) -> float | None:
        """The measured value this budget applies to."""
        val = results.get(self.key)
        if self.sub is not None:
            val = (val or {}).get(self.sub)
        return val

    def check(self, results: Mapping[str, Any]) -> dict[str, Any]:
        """PASS/FAIL (or 'n/a' when not measured)."""
        val = self.value(results)
        status = "n/a" if val is None else ("PASS" if val <= self.limit else "FAIL")
        return {"budget": self.name, "key": self.key + (f"[{self.sub}]" if self.sub else ""), "value": val,
                "limit": self.limit, "unit": self.unit, "status": status}


BUDGETS = [
    Budget("warme server-run regiopagina", "page_server_ms", REGION_PAGE, 250, "ms"),
    Budget("warme server-run gebiedspagina (gemeente)", "page_server_ms", "gebied", 250, "ms"),
    Budget("warme server-run eigen regio (30 gemeenten)", "page_server_ms", "eigen_regio", 1000, "ms"),
    Budget("browser navigatie→geschilderde kaart (landelijk)", "browser_map_s", "national", 3.0, "s"),
    Budget("browser navigatie→geschilderde kaart (regio)", "browser_map_s", "region", 3.0, "s"),
    Budget("browser navigatie→geschilderde kaart (presentatie)", "browser_map_s", "presentation", 3.0, "s"),
    Budget("kaart SVG/MapLibre (landelijk)", "browser_map_ratio", "national", 0.5, "×"),
    Budget("kaart SVG/MapLibre (regio)", "browser_map_ratio", "region", 0.5, "×"),
    Budget("kaart SVG/MapLibre (presentatie)", "browser_map_ratio", "presentation", 0.5, "×"),
    Budget("gemeentekaart-payload (342 gemeenten)", "figure_kb", "GM", 250, "KB"),
    Budget("store bouwen", "build_s", None, 60, "s"),
    Budget("RSS met 10 sessies", "rss_mb_10", None, 1000, "MB"),
    Budget("zwaarste export: 1 sessie erbij", "export_memory", "one_added_mb", 200, "MB"),
    Budget("zwaarste export: 10 tegelijk (RSS)", "export_memory", "ten_peak_mb", 1000, "MB"),
    Budget("zwaarste export: over na sluiten", "export_memory", "after_close_added_mb", 150, "MB"),
    Budget("regioprofiel PDF warm (traagste regio)", "report_pdf_s", "max", 2.0, "s"),
    Budget("burst 25 via nginx + 2: laden p95 ÷ één sessie p50", "burst", "p95_over_single", 3.0, "×"),
    Budget("burst 25 via nginx + 2: fouten", "burst", "proxy_2_errors", 0, "fouten"),
]


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit in ("ms", "KB", "MB"):
        return f"{value:,.0f} {unit}".replace(",", " ")
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:.2f} {unit}"


def table_rows(results: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """(metric, current, baseline, ratio) rows for every measured value."""
    base = results.get("baseline") or {}
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, cur: float | None, bas: float | None, unit: str) -> None:
        r = ratio(cur, bas)
        rows.append((label, _fmt(cur, unit), _fmt(bas, unit), "–" if r is None else f"{r:.1f}×"))

    add("build_s", results.get("build_s"), base.get("build_s"), "s")
    add("cold_start_s", results.get("cold_start_s"), base.get("cold_start_s"), "s")
    for key, unit in (("page_server_ms", "ms"), ("page_apptest_ms", "ms"), ("figure_kb", "KB"), ("browser_map_s", "s"),
                      ("browser_last_chart_s", "s"), ("report_pdf_s", "s")):
        cur = results.get(key) or {}
        bas = base.get(key) or {}
        for sub in list(dict.fromkeys([*cur, *bas])):
            add(f"{key}[{sub}]", cur.get(sub), bas.get(sub), unit)
    add("rss_mb_1", results.get("rss_mb_1"), base.get("rss_mb_1"), "MB")
    add("rss_mb_10", results.get("rss_mb_10"), base.get("rss_mb_10"), "MB")
    export = results.get("export_memory") or {}
    for sub in ("one_added_mb", "ten_peak_mb", "after_close_added_mb"):
        add(f"export_memory[{sub}]", export.get(sub), None, "MB")
    burst = results.get("burst") or {}
    add("burst[single_p50_s]", burst.get("single_p50_s"), None, "s")
    for part in ("one_server", "proxy_2"):
        for sub, unit in (("load_p50_s", "s"), ("load_p95_s", "s"), ("step_p95_s", "s"), ("cpu_s_per_session", "s")):
            add(f"burst[{part}][{sub}]", (burst.get(part) or {}).get(sub), None, unit)
    for sub, val in (burst.get("interaction_ratio") or {}).items():
        add(f"burst[interaction_ratio][{sub}]", val, None, "×")
    for sub, val in (burst.get("first_visit_bytes") or {}).items():
        add(f"burst[first_visit_kb][{sub}]", val / 1024, None, "KB")
    return rows


def format_table(results: Mapping[str, Any]) -> str:
    """The results and budgets as plain-text tables."""
    rows = [("metric", "current", "baseline (naive)", "baseline/current"), *table_rows(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(r))
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("budgets:")
    for b in results.get("budgets", []):
        lines.append(f"  {b['status']:<4}  {b['budget']:<40} {_fmt(b['value'], b['unit']):>12}  (≤ {b['limit']:g} {b['unit']})")
    return "\n".join(lines)
