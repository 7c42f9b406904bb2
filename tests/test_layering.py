"""Layering of the dashboard: no view imports another view, the printed profile reads no view (issue 21)."""

from __future__ import annotations

import ast
from pathlib import Path

from data_loaders.config import REPO_ROOT

DASHBOARD = REPO_ROOT / "dashboard"


def _imports(path: Path) -> set[str]:
    """Every module a file imports (absolute names; ``from x import y`` also gives ``x.y``)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def _view_imports(path: Path) -> set[str]:
    return {m for m in _imports(path) if m == "dashboard.views" or m.startswith("dashboard.views.")}


def test_only_the_app_imports_views() -> None:
    offenders = {str(p.relative_to(REPO_ROOT)): sorted(_view_imports(p)) for p in DASHBOARD.rglob("*.py")
                 if p != DASHBOARD / "app.py" and _view_imports(p)}
    assert offenders == {}, f"modules die een view importeren (alleen dashboard/app.py mag dat): {offenders}"


def test_the_report_imports_no_view() -> None:
    report = [p for p in (DASHBOARD / "report").rglob("*.py") if _view_imports(p)]
    assert report == []


def test_the_scan_sees_a_view_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from dashboard.views import regio\nimport dashboard.views.nederland as n\n", encoding="utf-8")
    assert _view_imports(probe) == {"dashboard.views", "dashboard.views.regio", "dashboard.views.nederland"}
