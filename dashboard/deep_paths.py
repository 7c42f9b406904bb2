"""A Dutch not-found page for paths of two or more segments (``/zuid-limburg/extra``) on the bare Streamlit server.

Streamlit answers every unknown path with its ``index.html``, whose assets are relative (``./static/js/…``): at
``/zuid-limburg/extra`` the browser asks ``/zuid-limburg/static/js/…``, gets the HTML again and shows a blank page.
The app's own not-found page (``dashboard.app``) can only answer one-segment names. :func:`install` wraps the
``__call__`` of Starlette's ``StaticFiles`` (an internal of Streamlit 1.67's server, guarded: without it the blank
page stays) so that, for Streamlit's own static folder only, a GET or HEAD of a deeper path that is no file gets
:func:`not_found_html` with status 404, as ``deploy/nginx.conf`` does behind nginx. Files, Streamlit's reserved
probes (``/twente/_stcore/health``) and trailing-slash redirects keep their answers.

It is installed when the app script first runs in the server process (``dashboard/app.py``), so the very first
request of a fresh server, before any session ran, still gets Streamlit's own answer.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote

TITLE = "Pagina niet gevonden"
RESERVED = ("_stcore/",)  # Streamlit's own probes below a page (/twente/_stcore/health): its 404 stays
_known: set[str] = set()  # url paths of the app's pages, as registered by the last script run


def remember_pages(url_paths: Iterable[str]) -> None:
    """The app's page names (``zuid-limburg``, ``claims``), for the suggestion on the not-found page."""
    _known.clear()
    _known.update(p for p in url_paths if p)


def suggestion(path: str) -> str | None:
    """The known page the first segment of ``path`` names, ignoring case (``/Zuid-Limburg/x`` → ``zuid-limburg``)."""
    first = unquote(path.strip("/").split("/", 1)[0]).strip().casefold()
    return next((p for p in sorted(_known) if p.casefold() == first), None)


def not_found_html(path: str) -> str:
    """The Dutch not-found page for ``path`` (escaped; a link to the page it probably meant and to the start page)."""
    shown = html.escape(unquote(path)[:200])
    guess = suggestion(path)
    hint = (f'<p><a href="/{quote(guess)}" style="color: #0b3d91;">Bedoelt u ‘/{html.escape(guess)}’?</a></p>'
            if guess else "")
    return ('<!doctype html>\n<html lang="nl"><head><meta charset="utf-8">'
            f"<title>{TITLE} - Brede Welvaart Regiodashboard</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            '<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #111;">'
            f"<main><h1>{TITLE}</h1><p>De pagina ‘{shown}’ bestaat niet in het Brede Welvaart Regiodashboard.</p>{hint}"
            '<p><a href="/" style="color: #0b3d91;">Naar de startpagina (Nederland)</a></p></main></body></html>\n')


def is_deep_unknown(relative: str, directory: str, method: str) -> bool:
    """True for a GET/HEAD of a path of two or more segments below ``directory`` that is neither a file there nor a
    reserved Streamlit probe, nor ends in a slash (Streamlit redirects those)."""
    parts = [p for p in relative.replace("\\", "/").split("/") if p]
    if method not in ("GET", "HEAD") or len(parts) < 2 or relative.endswith("/"):
        return False
    joined = "/".join(parts)
    if any(r in joined + "/" for r in RESERVED):
        return False
    return not os.path.isfile(os.path.join(directory, *parts))


def install() -> bool:
    """Wrap ``StaticFiles.__call__`` once per process; True when in place."""
    try:
        from starlette.responses import HTMLResponse
        from starlette.routing import get_route_path
        from starlette.staticfiles import StaticFiles
        from streamlit import file_util

        static_dir = os.path.realpath(file_util.get_static_dir())
    except Exception:  # noqa: BLE001 - another server: Streamlit's own answer stays
        return False
    if getattr(StaticFiles.__call__, "bw_installed", False):
        return True
    original = StaticFiles.__call__

    async def call(self: Any, scope: Any, receive: Any, send: Any) -> None:
        try:
            mine = (scope.get("type") == "http" and self.directory is not None
                    and os.path.realpath(str(self.directory)) == static_dir)
            relative = get_route_path(scope) if mine else ""
            deep = mine and is_deep_unknown(relative, static_dir, scope.get("method", ""))
        except Exception:  # noqa: BLE001 - when in doubt, Streamlit answers
            deep = False
        if not deep:
            await original(self, scope, receive, send)
            return
        body = not_found_html(str(scope.get("path", "/")))
        response = HTMLResponse(body, status_code=404, headers={"Cache-Control": "no-store"})
        await response(scope, receive, send)

    call.bw_installed = True  # type: ignore[attr-defined]
    StaticFiles.__call__ = call  # type: ignore[method-assign]
    return True
