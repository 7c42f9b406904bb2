"""Data: choose indicators, levels, regions and periods → preview → CSV (standard or Excel NL) with attribution."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import common, data
from dashboard.params import ViewParams, set_params
from dashboard.safety import neutralise_frame

LEVELS = {"NL": "Nederland", "LD": "Landsdelen", "PV": "Provincies", "CR": "COROP-gebieden", "GM": "Gemeenten"}
DEFAULT_INDICATORS = ["tevredenheid_leven", "werkloosheid"]
EXPORT_COLUMNS = ["indicator_id", "indicator", "region_code", "regio", "region_level", "period", "value", "unit",
                  "source_table", "source_title", "method", "coverage"]


def selection_frame(indicator_ids: list[str], levels: list[str], first: int, last: int,
                    region_id: str | None) -> pd.DataFrame:
    """The rows of a selection (optionally only the gemeenten/COROP areas of one region)."""
    codes = None
    if region_id:
        region = data.region_defs()[region_id]
        members = data.region_members(region_id, region.default_delineation)
        regions = data.regions_table()
        corops = regions[regions["region_code"].isin(members)]["corop_code"].dropna().unique().tolist()
        provs = regions[regions["region_code"].isin(members)]["province_code"].dropna().unique().tolist()
        codes = [*members, *corops, *provs, "NL01"]
    frame = data.get_store().extract(indicator_ids, levels, first, last, codes)
    return frame.reindex(columns=EXPORT_COLUMNS)


def header_lines(info: dict[str, str], permalink: str, n_rows: int) -> list[str]:
    """Attribution block written above the CSV rows."""
    return [
        "# Brede Welvaart Regiodashboard - export",
        "# Bron: CBS (Centraal Bureau voor de Statistiek), open data, licentie CC BY 4.0 (Bron: CBS)",
        f"# Gegevens opgehaald/gebouwd: {info.get('retrieved', '?')} (store {info.get('built_at', '?')}, "
        f"bron {info.get('source', '?')})",
        "# Kolom method: 'cbs' = door CBS gepubliceerd; 'derived:...' = door dit dashboard afgeleid (methode in de naam)",
        f"# Rijen: {n_rows}",
        f"# Selectie: {permalink}",
    ]


def to_csv(frame: pd.DataFrame, flavour: str, header: list[str]) -> bytes:
    """Standard: UTF-8, comma, decimal point. Excel NL: UTF-8 with BOM, semicolon, decimal comma."""
    frame = frame.copy()
    for column in ("value", "coverage"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    safe = neutralise_frame(frame)
    buf = io.StringIO()
    sep = ";" if flavour == "excel" else ","
    for line in header:
        buf.write(line.replace(sep, " ") + "\n")
    safe.to_csv(buf, index=False, sep=sep, decimal="," if flavour == "excel" else ".", lineterminator="\n")
    text = buf.getvalue()
    return (("\ufeff" + text) if flavour == "excel" else text).encode("utf-8")


def render() -> None:
    """The page."""
    if not common.require_store():
        return
    params = ViewParams()
    st.title("Data downloaden")
    st.caption("Kies indicatoren, niveaus, een periode en eventueel een regio; bekijk het voorbeeld en download.")
    options = common.indicator_options()
    region_ids = [rid for rid in data.region_defs() if rid != "nederland"]
    ids = params.choices("indicatoren", options, DEFAULT_INDICATORS, "indicatoren")
    levels = params.choices("niveaus", list(LEVELS), ["NL", "CR"], "niveaus")
    region_id = params.choice("regio", ["", *region_ids], "", "regio") or None
    ids = st.multiselect("Indicatoren", options, default=ids, format_func=common.indicator_label, key="dl_ind",
                         placeholder="Kies indicatoren")
    c1, c2, c3 = st.columns([2, 2, 3])
    with c1:
        levels = st.multiselect("Niveaus", list(LEVELS), default=levels, format_func=LEVELS.get, key="dl_lv", placeholder="Kies niveaus")
    with c2:
        region_id = st.selectbox("Alleen regio (optioneel)", [None, *region_ids], index=([None, *region_ids].index(region_id)),
                                 format_func=lambda r: "— heel Nederland —" if r is None else data.region_defs()[r].name,
                                 key="dl_region")
    all_periods = sorted({p for i in ids for p in data.periods(i)}) or [2022]
    first = params.integer("van", all_periods, all_periods[0], "beginjaar")
    last = params.integer("tot", all_periods, all_periods[-1], "eindjaar")
    with c3:
        if len(all_periods) > 1:
            first, last = st.select_slider("Periode", all_periods, value=(min(first, last), max(first, last)),
                                           key="dl_period")
    params.show_messages()
    query = {"indicatoren": ",".join(ids), "niveaus": ",".join(levels), "van": first, "tot": last}
    if region_id:
        query["regio"] = region_id
    set_params(**{**query, "regio": region_id})  # regio=None removes the key; **query may already hold it
    if not ids or not levels:
        st.info("Kies ten minste één indicator en één niveau.")
        return
    frame = selection_frame(ids, levels, first, last, region_id)
    permalink = "/data?" + urlencode(query)
    st.markdown(f"**{len(frame):,} rijen**".replace(",", ".") + f" · permalink: [`{permalink}`]({permalink})")
    st.dataframe(frame.head(500), hide_index=True, width="stretch", height=360)
    if len(frame) > 500:
        st.caption("Voorbeeld: eerste 500 rijen; de download bevat alle rijen.")
    header = header_lines(data.build_info(), permalink, len(frame))
    d1, d2 = st.columns(2)
    with d1:
        st.download_button("CSV (standaard: UTF-8, komma)", to_csv(frame, "standard", header),
                           file_name="brede_welvaart.csv", mime="text/csv", icon=":material/download:", key="dl_std")
    with d2:
        st.download_button("CSV voor Excel NL (puntkomma, decimale komma)", to_csv(frame, "excel", header),
                           file_name="brede_welvaart_excel.csv", mime="text/csv", icon=":material/download:", key="dl_xl")
    st.caption("Regels die beginnen met # bevatten de bronvermelding (CBS, CC BY 4.0) en de ophaaldatum; "
               "lees ze in pandas met comment='#'. Elke rij vermeldt eenheid, brontabel, periode en methode.")
    common.footer()
