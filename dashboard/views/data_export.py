"""Data: choose indicators, levels (CBS areas or the regions), regions and periods → capped preview → downloads.

The downloads (CSV standard, CSV Excel NL, .xlsx with a *Bron en methode* sheet, and that sheet as its own CSV)
are made only when clicked (``st.download_button`` with a callable), streamed from the store in bounded memory by
``dashboard.exports``; the page itself runs two small queries (a count and a 500-row preview).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from dashboard import common, data, downloads, exports
from dashboard.components.fmt import rounded, shared_decimals
from dashboard.params import ViewParams, set_params
from data_loaders.store import Store

LEVELS = {"NL": "Nederland", "LD": "Landsdelen", "PV": "Provincies", "CR": "COROP-gebieden", "GM": "Gemeenten",
          exports.REGION_LEVEL: "Regio's (tien regio's, voorbeeldregio's, Noord-Nederland)"}
DEFAULT_INDICATORS = ["tevredenheid_leven", "werkloosheid"]
EXPORT_COLUMNS = [c.name for c in exports.OBSERVATION_COLUMNS]
XLSX_MAX_ROWS = 200_000  # openpyxl writes ~3,800 rows/s with formats and the wide sheet: ~55 s at this size
PERIOD_KEY = "dl_period"  # the period slider (a suffix _1, _2, … when the page replaced it)
PERIOD_GENERATION = "_dl_period_generation"  # how often the page replaced the slider (its key's suffix)
PERIOD_AUTO = "_dl_period_auto"  # the whole range the page last put in the slider (None: the visitor's own range)
SMALL_FILE_ROWS = 20_000  # up to this many rows a file is made in the small lane (dashboard.downloads), beyond in bulk


def _nearest(periods: list[int], year: int) -> int:
    """The period in ``periods`` closest to ``year`` (the earlier one on a tie)."""
    return min(periods, key=lambda p: (abs(p - year), p))


def _period_range(params: ViewParams, periods: list[int]) -> tuple[tuple[int, int], str]:
    """The period range to show and the slider's key: the selected indicators' whole range unless the visitor set one
    themselves (with the slider, or a link's ``van``/``tot`` that is not simply the whole range).

    The whole range follows the selection (adding mediaan inkomen, from 2011, moves the start to 2011); a range the
    visitor set stays, moved to the nearest years the selection has. A range the page changes gets a slider under a
    new key (Streamlit keeps a keyed slider's own value; writing it through the session state would warn).
    """
    whole = (periods[0], periods[-1])
    state = st.session_state
    generation = int(state.get(PERIOD_GENERATION, 0))
    key = PERIOD_KEY if generation == 0 else f"{PERIOD_KEY}_{generation}"
    current = tuple(state[key]) if isinstance(state.get(key), (list, tuple)) else None
    if params.from_link("van") is not None or params.from_link("tot") is not None:
        first = params.integer("van", periods, whole[0], "beginjaar")
        last = params.integer("tot", periods, whole[1], "eindjaar")
        chosen = (min(first, last), max(first, last))
    elif current is not None and current != state.get(PERIOD_AUTO):
        chosen = current  # the visitor moved the slider (or a link set it): it stays
    else:
        chosen = whole
    chosen = (_nearest(periods, chosen[0]), _nearest(periods, chosen[1]))
    if current is not None and current != chosen:
        state[PERIOD_GENERATION] = generation + 1
        key = f"{PERIOD_KEY}_{generation + 1}"
    state[PERIOD_AUTO] = chosen if chosen == whole else None  # the whole range follows the selection
    return chosen, key


def ten_regions() -> list[str]:
    """The ids of the ten regions (SER Noord-Nederland, voetnoot 5), in the order of regions.yaml."""
    return [rid for rid, region in data.region_defs().items() if "tien" in region.groups]


def selection_export(indicator_ids: list[str], levels: list[str], first: int, last: int, region_id: str | None,
                     permalink: str = "", only_ten: bool = False) -> exports.Export:
    """The export of a selection (with a region, or ``only_ten``: the gemeenten, COROP areas and provinces of that
    region or of the ten regions, NL, and the region(s) themselves)."""
    codes = None
    region_ids = [region_id] if region_id else ten_regions() if only_ten else None
    if region_ids:
        regions = data.regions_table()
        members = [m for rid in region_ids for m in data.region_members(rid, data.region_defs()[rid].default_delineation)]
        inside = regions[regions["region_code"].isin(members)]
        corops = inside["corop_code"].dropna().unique().tolist()
        provs = inside["province_code"].dropna().unique().tolist()
        codes = list(dict.fromkeys([*members, *corops, *provs, "NL01"]))
    names = data.region_defs()
    scope = f"; alleen {names[region_id].name}" if region_id else "; alleen de tien regio's" if only_ten else ""
    selection = (f"indicatoren: {', '.join(indicator_ids)}; niveaus: {', '.join(LEVELS[lv] for lv in levels)}; "
                 f"periode {first}-{last}" + scope)
    return exports.observations_export(indicator_ids, levels, first, last, codes=codes, region_ids=region_ids,
                                       info=data.build_info(), permalink=permalink, selection=selection)


def file_maker(store: Store, write: Callable[[Store, IO[bytes]], object], rows: int = 0) -> Callable[[], bytes]:
    """A callable for ``st.download_button``: ``write(store, fh)`` into a temp file when clicked, returns its bytes.

    Made from ``store`` (the store of the run that offered it), in the small lane up to :data:`SMALL_FILE_ROWS`
    rows and else in the bulk lane, reading politely (:mod:`dashboard.downloads`); the temp file is gone afterwards.
    """
    bulk = rows > SMALL_FILE_ROWS
    source: Any = downloads.PoliteStore(store) if bulk else store

    def make() -> bytes:
        with tempfile.TemporaryFile(prefix="bw_export_") as fh:
            write(source, fh)
            fh.seek(0)
            return fh.read()

    return downloads.offered(make, lane=downloads.BULK if bulk else downloads.SMALL, same_version=False)


def _absolute(permalink: str) -> str:
    """The permalink with the server's scheme and host when Streamlit knows them (else as given)."""
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there is no URL
        url = None
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}{permalink}" if parts.scheme and parts.netloc else permalink


def render() -> None:
    """The page."""
    if not common.require_store():
        return
    params = ViewParams()
    st.title("Data downloaden")
    st.caption("Kies indicatoren, niveaus, een periode en eventueel een regio; bekijk het voorbeeld en download.")
    options = common.indicator_options()
    region_ids = [rid for rid in data.region_defs() if rid != "nederland"]
    ids = params.choices("indicatoren", options, DEFAULT_INDICATORS, "indicatoren", name=common.indicator_name)
    levels = params.choices("niveaus", list(LEVELS), ["NL", "CR"], "niveaus")
    region_id = params.choice("regio", ["", *region_ids], "", "regio") or None
    only_ten = params.flag("tien")
    # select_all=False: Enter takes the highlighted match, not "Alle 3 treffers selecteren" (issue 22.14)
    ids = st.multiselect("Indicatoren", options, default=ids, format_func=common.indicator_label, key="dl_ind",
                         placeholder="Kies indicatoren", select_all=False)
    c1, c2, c3 = st.columns([2, 2, 3])
    with c1:
        levels = st.multiselect("Niveaus", list(LEVELS), default=levels, format_func=LEVELS.get, key="dl_lv", placeholder="Kies niveaus",
                                select_all=False)
    with c2:
        region_id = st.selectbox("Alleen regio (optioneel)", [None, *region_ids], index=([None, *region_ids].index(region_id)),
                                 format_func=lambda r: "— heel Nederland —" if r is None else data.region_defs()[r].name,
                                 key="dl_region", placeholder="Kies een regio")
        only_ten = st.checkbox("Alleen de tien regio's", value=only_ten, key="dl_ten", disabled=region_id is not None,
                               help="Alleen de tien regio's uit het SER-advies, hun gemeenten, COROP-gebieden en "
                                    "provincies, en Nederland.") and region_id is None
    all_periods = sorted({p for i in ids for p in data.periods(i)}) or [2022]
    (first, last), period_key = _period_range(params, all_periods)
    with c3:
        if len(all_periods) > 1:
            first, last = st.select_slider("Periode", all_periods, value=(first, last), key=period_key)
    params.show_messages()
    query: dict[str, str | int] = {"indicatoren": ",".join(ids), "niveaus": ",".join(levels), "van": first, "tot": last}
    if region_id:
        query["regio"] = region_id
    if only_ten:
        query["tien"] = 1
    set_params(**{**query, "regio": region_id, "tien": 1 if only_ten else None})  # None removes the key
    if not ids or not levels:
        st.info("Kies ten minste één indicator en één niveau.")
        return
    permalink = _absolute("/data?" + urlencode(query))
    export = selection_export(ids, levels, first, last, region_id, permalink, only_ten)
    stem = exports.file_stem(ids, levels, first, last, region_id or ("tien-regios" if only_ten else ""))
    store = data.get_store()
    n_rows = exports.count_rows(store, export)
    st.markdown(f"**{n_rows:,} rijen**".replace(",", ".") + f" · permalink: [`{permalink}`]({permalink})")
    preview = _dutch(exports.preview(store, export))
    decimals = shared_decimals(preview["waarde"], preview["eenheid"].fillna("")) if len(preview) else None
    common.show_table(preview, numbers={"waarde": decimals, "dekking": 0}, years=["periode"],
                      column_config={"dekking": common.number_column("dekking (%)", 0)}, height=360, placeholder="")
    if n_rows > exports.PREVIEW_ROWS:
        st.caption(f"Voorbeeld: de eerste {exports.PREVIEW_ROWS} rijen; de downloads bevatten alle rijen.")
    d1, d2, d3, d4 = st.columns(4)
    with d1:
        st.download_button("CSV (standaard: UTF-8, komma)",
                           file_maker(store, lambda src, fh: exports.write_csv(src, export, fh, "standard"), n_rows),
                           file_name=f"{stem}.csv", mime="text/csv", icon=":material/download:", key="dl_std",
                           on_click="ignore")
    with d2:
        st.download_button("CSV voor Excel NL (puntkomma, decimale komma)",
                           file_maker(store, lambda src, fh: exports.write_csv(src, export, fh, "excel"), n_rows),
                           file_name=f"{stem}_excel.csv", mime="text/csv", icon=":material/download:",
                           key="dl_xl", on_click="ignore")
    with d3:
        too_big = n_rows > XLSX_MAX_ROWS
        st.download_button("Excel-werkmap (.xlsx: gegevens, per jaar, bron en methode)",
                           file_maker(store, lambda src, fh: exports.write_xlsx(src, export, fh), n_rows),
                           file_name=f"{stem}.xlsx", icon=":material/table_view:", key="dl_xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           on_click="ignore", disabled=too_big)
    with d4:
        st.download_button("Bron en methode (CSV)",
                           file_maker(store, lambda src, fh: exports.write_metadata_csv(export, fh, "standard", n_rows)),
                           file_name=f"{stem}_bron-en-methode.csv", mime="text/csv",
                           icon=":material/description:", key="dl_meta", on_click="ignore")
    if too_big:
        st.caption(f"De Excel-werkmap is er tot {XLSX_MAX_ROWS:,} rijen".replace(",", ".")
                   + "; kies minder indicatoren, niveaus of jaren, of gebruik de CSV.")
    st.caption("Elke CSV heeft de kopregel op rij 1 en in elke rij evenveel velden. Bron (CBS), licentie (CC BY 4.0), "
               "ophaaldatum, permalink en methode staan in *Bron en methode*: een apart bestand en het tweede blad van "
               "de Excel-werkmap. Elke rij vermeldt eenheid, brontabel, periode en methode; afgeleide waarden hun "
               "methode en dekking.")
    _claims_downloads(store)
    common.footer()


def _dutch(preview: pd.DataFrame) -> pd.DataFrame:
    """The preview as the page shows numbers: rounded as on the other pages, coverage as a percentage (the grid shows
    them the Dutch way and sorts them as numbers)."""
    shown = preview.copy()
    if "waarde" in shown:
        shown["waarde"] = rounded(shown["waarde"].tolist(), shown["eenheid"].fillna("").tolist()
                                         if "eenheid" in shown else "")
    if "dekking" in shown:
        shown["dekking"] = (100 * pd.to_numeric(shown["dekking"], errors="coerce")).round(0)
    return shown


def _claims_downloads(store: Store) -> None:
    """All claims with their verdicts and the evidence per tested pair (the same rows as the claims page)."""
    st.header("Claims en oordelen")
    export = exports.claims_export(data.build_info(), _absolute("/claims"))
    n_rows = exports.count_rows(store, export)
    st.markdown(f"Alle claims uit de vijf documenten met het oordeel en de cijfers per getoetst paar: "
                f"**{n_rows:,} rijen**.".replace(",", "."))
    c1, c2, c3 = st.columns(3)
    with c1:
        st.download_button("Claims: CSV (standaard)", file_maker(store, lambda src, fh: exports.write_csv(src, export, fh), n_rows),
                           file_name="claims_oordelen.csv", mime="text/csv", icon=":material/download:",
                           key="dl_claims_std", on_click="ignore")
    with c2:
        st.download_button("Claims: CSV voor Excel NL",
                           file_maker(store, lambda src, fh: exports.write_csv(src, export, fh, "excel"), n_rows),
                           file_name="claims_oordelen_excel.csv", mime="text/csv", icon=":material/download:",
                           key="dl_claims_xl", on_click="ignore")
    with c3:
        st.download_button("Claims: werkmap voor Excel (.xlsx)",
                           file_maker(store, lambda src, fh: exports.write_xlsx(src, export, fh), n_rows),
                           file_name="claims_oordelen.xlsx", icon=":material/table_view:", key="dl_claims_xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
    st.caption("Kolommen en regels staan in het blad *Bron en methode* van de werkmap.")
