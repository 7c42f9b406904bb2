"""Issue 22.6: paths of two or more segments get the Dutch not-found page on the bare server (unit level)."""

from __future__ import annotations

from pathlib import Path

from dashboard import deep_paths


def test_deep_unknown_paths_are_recognised(tmp_path: Path) -> None:
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "index.js").write_text("x")
    assert deep_paths.is_deep_unknown("/zuid-limburg/extra", str(tmp_path), "GET")
    assert deep_paths.is_deep_unknown("/a/b/c", str(tmp_path), "HEAD")
    assert not deep_paths.is_deep_unknown("/static/js/index.js", str(tmp_path), "GET"), "a real file is served"
    assert not deep_paths.is_deep_unknown("/zuid-limburg", str(tmp_path), "GET"), "one segment: the app's own page"
    assert not deep_paths.is_deep_unknown("/twente/_stcore/health", str(tmp_path), "GET"), "Streamlit's probe"
    assert not deep_paths.is_deep_unknown("/zuid-limburg/extra", str(tmp_path), "POST")


def test_not_found_page_is_dutch_escaped_and_suggests_the_page() -> None:
    deep_paths.remember_pages(["zuid-limburg", "claims"])
    page = deep_paths.not_found_html("/Zuid-Limburg/extra")
    assert '<html lang="nl">' in page and "Pagina niet gevonden" in page
    assert 'href="/zuid-limburg"' in page and "Bedoelt u ‘/zuid-limburg’?" in page
    assert 'href="/"' in page
    hostile = deep_paths.not_found_html("/x/%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    assert "Bedoelt u" not in deep_paths.not_found_html("/bestaat/niet")


def test_install_wraps_starlette_static_files_once() -> None:
    from starlette.staticfiles import StaticFiles

    assert deep_paths.install() and deep_paths.install()
    assert getattr(StaticFiles.__call__, "bw_installed", False)
