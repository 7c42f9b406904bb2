"""Brede Welvaart Regiodashboard — entry point (``streamlit run dashboard/app.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import common, data  # noqa: E402
from dashboard.views import claims, nederland, over, regio, vergelijk  # noqa: E402
from dashboard.views import data_export as data_page  # noqa: E402

st.set_page_config(page_title="Brede Welvaart Regiodashboard", page_icon=str(ROOT / "dashboard" / "assets" / "favicon.png"), layout="wide")


def _store_missing() -> None:
    common.require_store()


def main() -> None:
    """Build the navigation and run the selected page."""
    store, _ = data.store_or_none()
    if store is None:
        st.navigation([st.Page(_store_missing, title="Gegevens ontbreken", icon=":material/database:", default=True)]).run()
        return
    defs = data.region_defs()
    overview = [
        st.Page(nederland.render, title="Nederland", icon=":material/map:", url_path="nederland", default=True),
        st.Page(vergelijk.render, title="Vergelijk", icon=":material/compare_arrows:", url_path="vergelijk"),
        st.Page(claims.render, title="Claims uit de documenten", icon=":material/format_quote:", url_path="claims"),
        st.Page(data_page.render, title="Data downloaden", icon=":material/download:", url_path="data"),
        st.Page(over.render, title="Over", icon=":material/info:", url_path="over"),
    ]
    tien = [regio.page_for(r) for r in defs.values() if "tien" in r.groups]
    voorbeeld = [regio.page_for(r) for r in defs.values() if "voorbeeld" in r.groups and "tien" not in r.groups]
    context = [regio.page_for(r) for r in defs.values() if "context" in r.groups and r.region_id != "nederland"]
    regio.register_pages(tien + voorbeeld + context, overview)
    pages = {"Overzicht": overview, "Tien regio's": tien, "Voorbeeldregio's": voorbeeld, "Context": context}
    nav = st.navigation(pages)
    nav.run()


main()
