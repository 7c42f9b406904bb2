"""Brede Welvaart Regiodashboard — entry point (``streamlit run dashboard/app.py``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import common, data, deep_paths, document, downloads  # noqa: E402
from dashboard.safety import inert_text  # noqa: E402
from dashboard.views import claims, gebied, nederland, over, regio, vergelijk  # noqa: E402
from dashboard.views import data_export as data_page  # noqa: E402
from data_loaders.store import StoreUnavailable  # noqa: E402

st.set_page_config(page_title="Brede Welvaart Regiodashboard", page_icon=str(ROOT / "dashboard" / "assets" / "favicon.png"), layout="wide")

HOME = "nederland"  # the default page's url_path (it is served at /; /nederland gets the not-found page)


def requested_page() -> str:
    """The page name the browser asked for by URL (``bestaat-niet`` for ``/bestaat-niet``); '' when unknown.

    Streamlit resolves that name only inside ``st.navigation`` and, for an unknown one, sends its own English
    "Page not found" dialog. Reading it first (an internal of Streamlit's ``PagesManager``, guarded) lets the
    app register a Dutch not-found page under exactly that name instead.
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is None or ctx.pages_manager.intended_page_script_hash:
            return ""
        return str(ctx.pages_manager.intended_page_name or "")
    except Exception:  # noqa: BLE001 - without the internal, Streamlit's own dialog is the fallback
        return ""


class _AnyNamePage(st.Page):
    """A hidden page that answers exactly ``name`` in the URL, whatever ``st.Page`` allows in a ``url_path`` (blanks,
    more than 200 characters, the home page's own name ``nederland``), under a script hash of its own."""

    def __init__(self, page: Any, name: str, **kwargs: Any) -> None:
        super().__init__(page, url_path="bw-niet-gevonden", visibility="hidden", **kwargs)
        self._bw_name = name

    @property
    def url_path(self) -> str:
        return self._bw_name


def dropped_query_notice() -> str | None:
    """A Dutch notice when Streamlit dropped the whole query string (over 1,000 parameters or 512 Ki characters:
    ``streamlit.runtime.state.query_params``, which only logs it); None otherwise. Reads the run's raw query string
    (an internal of Streamlit's script run context, guarded)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.state.query_params import (
            CLIENT_STATE_QUERY_STRING_MAX_FIELDS as MAX_FIELDS,
        )
        from streamlit.runtime.state.query_params import (
            CLIENT_STATE_QUERY_STRING_MAX_LENGTH as MAX_LENGTH,
        )

        ctx = get_script_run_ctx()
        raw = str(getattr(ctx, "query_string", "") or "")
    except Exception:  # noqa: BLE001 - without the internals there is nothing to say
        return None
    fields = raw.count("&") + 1 if raw else 0
    if fields > MAX_FIELDS:
        return (f"De link heeft te veel parameters ({fields:,}; hoogstens {MAX_FIELDS:,}) en is daarom genegeerd; "
                "getoond wordt de standaardweergave.").replace(",", ".")
    if len(raw) > MAX_LENGTH:
        return "De link is te lang en is daarom genegeerd; getoond wordt de standaardweergave."
    return None


def _suggestion(name: str, pages: dict[str, Any]) -> tuple[str, Any] | None:
    """The known page a mistyped name probably meant: same letters but for case and surrounding blanks."""
    folded = name.strip().casefold()
    return next(((path, page) for path, page in pages.items() if path.casefold() == folded), None)


def _not_found_page(name: str, home: Any, pages: dict[str, Any]) -> Any:
    """A hidden page at ``/<name>`` that says, in Dutch, that the page does not exist, with a way back (and the page
    it probably meant: ``/Zuid-Limburg`` → ``/zuid-limburg``)."""
    guess = _suggestion(name, pages)

    def not_found() -> None:
        if not common.require_store():
            return
        st.title("Pagina niet gevonden")
        st.markdown(f"De pagina ‘/{inert_text(name)}’ bestaat niet in dit dashboard.")
        if guess is not None and guess[1] is home:
            st.markdown("De startpagina (Nederland) staat op ‘/’.")
        elif guess is not None:
            st.page_link(guess[1], label=f"Bedoelt u ‘/{guess[0]}’?", icon=":material/arrow_forward:")
        st.page_link(home, label="Naar de startpagina (Nederland)", icon=":material/home:")
        st.caption("Of kies een regio of onderdeel in het menu.")

    return _AnyNamePage(not_found, name, title="Pagina niet gevonden", icon=":material/help:")


def main() -> None:
    """Build the navigation and run the selected page; a store that fails gives a Dutch notice, not a traceback.

    Every run, whatever the page (also the not-found and store-missing pages), first mounts the Dutch document
    helper; the navigation is the app's own (:func:`dashboard.document.navigation`), not Streamlit's. The whole run
    reads one store version (:func:`dashboard.data.run_scope`).
    """
    document.mount(home=HOME)
    store, _ = data.store_or_none()
    home = st.Page(nederland.render, title="Nederland", icon=":material/map:", url_path=HOME, default=True)
    overview = [
        home,
        st.Page(vergelijk.render, title="Vergelijk", icon=":material/compare_arrows:", url_path="vergelijk"),
        st.Page(claims.render, title="Claims uit de documenten", icon=":material/format_quote:", url_path="claims"),
        st.Page(data_page.render, title="Data downloaden", icon=":material/download:", url_path="data"),
        st.Page(over.render, title="Over", icon=":material/info:", url_path="over"),
        st.Page(gebied.render, title="Gebied", icon=":material/location_city:", url_path=gebied.URL_PATH,
                visibility="hidden"),
    ]
    pages: dict[str, list[Any]] = {"Overzicht": overview}
    if store is not None:
        try:
            defs = data.region_defs()
        except StoreUnavailable as err:
            data.log_unavailable(err)
            defs = {}
        tien = [regio.page_for(r) for r in defs.values() if "tien" in r.groups]
        voorbeeld = [regio.page_for(r) for r in defs.values() if "voorbeeld" in r.groups and "tien" not in r.groups]
        context = [regio.page_for(r) for r in defs.values() if "context" in r.groups and r.region_id != "nederland"]
        regio.register_pages(tien + voorbeeld + context, overview)
        gebied.register_pages([*overview, *tien, *voorbeeld, *context])
        pages.update({"Tien regio's": tien, "Voorbeeldregio's": voorbeeld, "Context": context})
    known = {p.url_path: p for group in pages.values() for p in group if p is not home}
    deep_paths.remember_pages(p for p in known if p != gebied.URL_PATH)
    wanted = requested_page()
    if wanted and wanted not in known:  # also /nederland: the home page answers only at /
        pages["Overzicht"] = [*overview, _not_found_page(wanted, home, {HOME: home, **known})]
    sections = {section: group for section, group in pages.items() if group}
    nav = st.navigation(sections, position="hidden")
    document.navigation(sections)
    notice = dropped_query_notice()
    if notice:
        st.info(notice, icon=":material/info:")
    try:
        nav.run()
    except StoreUnavailable as err:  # the file broke (or was cut off) after it was opened
        data.log_unavailable(err)
        common.store_notice(str(err))


deep_paths.install()  # /zuid-limburg/extra: the Dutch not-found page, not a blank one
downloads.install()  # Dutch answers and separate lanes for the downloads made when clicked
with data.run_scope():
    main()
