"""One parametrised page for every region (``/twente``, ``/zuid-limburg``, …) and its presentation mode."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import common, data
from dashboard.components import mapdata, maps, summary
from dashboard.components.fmt import fmt_num, fmt_signed, method_nl, short_unit, source_label
from dashboard.params import ViewParams, set_params

DEFAULT_MAP_INDICATOR = "ervaren_gezondheid"
DEFAULT_TRENDS = ["werkloosheid", "mediaan_inkomen", "tevredenheid_leven"]
PRESENTATION_KEYS = ["levensverwachting", "mediaan_inkomen", "werkloosheid", "tevredenheid_leven",
                     "ervaren_gezondheid", "afstand_ziekenhuis"]
PRESENTATION_LABELS = {"levensverwachting": "Levensverwachting", "mediaan_inkomen": "Mediaan inkomen",
                       "werkloosheid": "Werkloosheid", "tevredenheid_leven": "Tevreden met het leven",
                       "ervaren_gezondheid": "Ervaren gezondheid", "afstand_ziekenhuis": "Afstand ziekenhuis"}
BETTER, WORSE, NEUTRAL = "#1b7837", "#b35806", "#6b6b6b"  # colour-blind-safe green/orange pair
_PAGES: dict[str, Any] = {}


def page_for(region: data.RegionDef) -> Any:
    """An ``st.Page`` for a region, with its slug as URL path."""

    def page() -> None:
        render(region.region_id)

    page.__name__ = "regio_" + region.region_id.replace("-", "_")
    icon = ":material/location_on:" if "tien" in region.groups else (
        ":material/travel_explore:" if "voorbeeld" in region.groups else ":material/public:")
    return st.Page(page, title=region.name, icon=icon, url_path=region.region_id)


def register_pages(pages: list[Any]) -> None:
    """Remember the region pages (in navigation order) for the previous/next buttons."""
    _PAGES.clear()
    for p in pages:
        _PAGES[p.url_path] = p


def _delineation(params: ViewParams, region: data.RegionDef) -> str:
    options = list(region.delineations)
    return params.choice("afbakening", options, region.default_delineation, "afbakening")


def _province_of(members: list[str]) -> str | None:
    regions = data.regions_table()
    provs = regions[regions["region_code"].isin(members)]["province_code"].dropna()
    return provs.mode().iloc[0] if len(provs) else None


# viewBox of the presentation map incl. legend; CSS shows it 75vh high (545 px at 720): every text ≥ 21 px.
PRESENTATION_MAP = {"width": 520, "total_height": 545, "font_px": 21, "aspect": 0.8}


@st.cache_resource(show_spinner=False, max_entries=256)
def region_map(region_id: str, delineation: str, indicator_id: str, show_claims: bool = False,
               aspect: float | None = None) -> maps.MapSpec:
    """The region's gemeenten coloured for one indicator (latest period, national colour domain), the outline on
    top, the surrounding COROP areas faded; ``aspect`` (height/width) fixes the map's shape."""
    region = data.region_defs()[region_id]
    members = data.region_members(region_id, delineation)
    gm_periods = data.periods(indicator_id, "GM")
    period = gm_periods[-1] if gm_periods else None
    frame = data.level_values(indicator_id, "GM", period) if period else pd.DataFrame(
        columns=["region_code", "name", "value", "rank", "nl_value", "period", "method"])
    outline = mapdata.outline(region_id, delineation)
    bbox = maps.padded_bbox(maps.geometry_bbox([outline.geometry]))
    if aspect is not None:
        bbox = maps.fit_bbox(bbox, aspect)
    return maps.MapSpec(
        features=maps.subset(data.shape("GM")["features"], members), values=maps.area_values(frame),
        indicator=mapdata.indicator(indicator_id, "GM", period or 0, frame) if period else None,
        domain=mapdata.domain(indicator_id, "GM", period) if period else None,
        context=maps.features_in(data.shape("CR")["features"], bbox), outlines=(outline,),
        claims=mapdata.claims(region_id=region_id) if show_claims else None, bbox=bbox, title=region.name,
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def region_svg(region_id: str, delineation: str, indicator_id: str, show_claims: bool = False,
               presentation: bool = False) -> str:
    """The region map as the page sends it: interactive SVG and table, or for presentation mode a static SVG
    with the gemeente names on the map."""
    if presentation:
        p = PRESENTATION_MAP
        spec = region_map(region_id, delineation, indicator_id, show_claims, aspect=p["aspect"])
        return maps.payload(spec, table=False, width=p["width"], total_height=p["total_height"], labels=True,
                            font_px=p["font_px"], interactive=False, uid="pm", legend_title=True)
    return maps.payload(region_map(region_id, delineation, indicator_id, show_claims), width=700, font_px=16, uid="rm")


def common_direction(direction: str) -> str:
    """Dutch reading aid."""
    return {"higher_is_better": "hoger is beter", "lower_is_better": "lager is beter"}.get(direction, "geen richting")


def _src(source_table: str) -> str:
    return "Regionale Monitor Brede Welvaart" if source_table == "RMBW" else source_table


def headline_frame(region_id: str, delineation: str, indicator_ids: list[str]) -> pd.DataFrame:
    """Headline rows for a region (value, NL, difference, COROP rank, trend)."""
    return _headline_frame(region_id, delineation, tuple(indicator_ids))


@st.cache_resource(show_spinner=False, max_entries=128)
def _headline_frame(region_id: str, delineation: str, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    return summary.headline_rows(
        data.region_values(region_id, delineation), data.nl_values(), data.corop_values_all(),
        data.indicators(), indicator_ids,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def profile_frame(region_id: str, delineation: str) -> pd.DataFrame:
    """The standardised broad-welfare profile."""
    return summary.profile(data.region_values(region_id, delineation), data.nl_values(), data.corop_stats(),
                           data.indicators())


def _delta_colour(direction: str) -> str:
    return {"higher_is_better": "normal", "lower_is_better": "inverse"}.get(direction, "off")


def _cards(rows: pd.DataFrame, per_row: int = 4) -> None:
    records = rows.to_dict("records")
    cols: list = []
    for _ in range(0, len(records), per_row):
        cols += st.columns(per_row)
    for col, row in zip(cols, records, strict=False):
        with col.container(border=True):
            if pd.isna(row.get("value")):
                st.metric(row["name"], "geen data", help=row.get("reason") or "")
                continue
            rank = f"positie {row['rank']} van {row['n_ranked']} COROP-gebieden" if row.get("rank") else ""
            unit = short_unit(row["unit"])
            trend = (f"sinds {row['trend_from']}: {fmt_signed(row['trend_delta'])}"
                     if row["trend_from"] != row["period"] else "één meting")
            st.metric(
                f"{row['name']} ({row['period']})",
                f"{fmt_num(row['value'], unit=row['unit'])} {unit}".strip(),
                delta=f"{fmt_signed(row['diff'])} t.o.v. NL ({fmt_num(row['nl_value'], unit=row['unit'])})",
                delta_color=_delta_colour(row["direction"]),
                help=f"Eenheid: {row['unit']}. {source_label(row['source_table'], row['period'], row['method'])}. "
                     f"{rank}. Trend {trend}.",
            )
            st.caption(f"{row['unit']} · {rank} · {trend}")


def profile_figure(prof: pd.DataFrame, height_per_bar: int = 19) -> go.Figure:
    """Horizontal bars per indicator grouped by theme: positive = better than NL (in COROP standard deviations)."""
    prof = prof.copy()
    prof["label"] = prof["theme_name"] + " · " + prof["name"]
    colours = prof["score"].map(lambda s: BETTER if s >= summary.EQUAL_Z else (WORSE if s <= -summary.EQUAL_Z else NEUTRAL))
    hover = [
        f"<b>{r.name}</b><br>{fmt_num(r.value, unit=r.unit)} {r.unit} ({r.period}) vs NL {fmt_num(r.nl_value, unit=r.unit)}"
        f"<br>{r.verdict} ({r.score:+.2f} sd)<br><i>{source_label(r.source_table, r.period, r.method)}</i>"
        for r in prof.itertuples()
    ]
    fig = go.Figure(go.Bar(x=prof["score"].clip(-3, 3), y=prof["label"], orientation="h", marker_color=colours,
                           hovertext=hover, hoverinfo="text"))
    fig.add_vline(x=0, line_color="#333", line_width=1)
    fig.update_layout(
        height=max(300, 40 + height_per_bar * len(prof)), margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": "← slechter dan NL · beter dan NL → (in standaarddeviaties van de 40 COROP-gebieden)",
               "range": [-3.2, 3.2], "zeroline": False},
        yaxis={"autorange": "reversed", "tickfont": {"size": 11}}, plot_bgcolor="white", showlegend=False,
    )
    return fig


@st.cache_resource(show_spinner=False, max_entries=64)
def _profile_chart(region_id: str, delineation: str) -> go.Figure:
    return profile_figure(profile_frame(region_id, delineation))


@st.cache_resource(show_spinner=False, max_entries=64)
def _facilities_chart(region_id: str, delineation: str) -> go.Figure:
    return facilities_figure(facilities_frame(region_id, delineation))


@st.cache_resource(show_spinner=False, max_entries=64)
def facilities_frame(region_id: str, delineation: str) -> pd.DataFrame:
    """Key facility distances: region (latest), NL (same year), region in its first year."""
    vals = data.region_values(region_id, delineation)
    nl = data.nl_values()
    cat = data.indicators()
    rows = []
    for iid in data.KEY_FACILITIES:
        reg = vals[(vals["indicator_id"] == iid) & vals["value"].notna()].sort_values("period")
        if reg.empty:
            continue
        last, first = reg.iloc[-1], reg.iloc[0]
        nlv = nl[(nl["indicator_id"] == iid) & (nl["period"] == last["period"])]["value"]
        rows.append({
            "Voorziening": cat.loc[iid, "name_nl"].replace("Afstand tot ", ""),
            "Jaar": int(last["period"]), "Regio (km)": round(float(last["value"]), 2),
            "Nederland (km)": round(float(nlv.iloc[0]), 2) if len(nlv) else None,
            "Regio eerder (km)": round(float(first["value"]), 2), "Eerder jaar": int(first["period"]),
            "Methode": method_nl(last["method"]),
        })
    return pd.DataFrame(rows)


def facilities_figure(frame: pd.DataFrame) -> go.Figure:
    """Grouped bars: region now, region earlier, NL."""
    fig = go.Figure()
    fig.add_bar(y=frame["Voorziening"], x=frame["Regio eerder (km)"], name="Regio, eerder jaar", orientation="h",
                marker_color="#9ecae1")
    fig.add_bar(y=frame["Voorziening"], x=frame["Regio (km)"], name="Regio, laatste jaar", orientation="h",
                marker_color="#08519c")
    fig.add_bar(y=frame["Voorziening"], x=frame["Nederland (km)"], name="Nederland", orientation="h",
                marker_color="#b35806")
    fig.update_layout(barmode="group", height=80 + 42 * len(frame), margin={"l": 10, "r": 10, "t": 10, "b": 30},
                      xaxis_title="gemiddelde afstand over de weg (km) — lager is beter",
                      yaxis={"autorange": "reversed"}, legend={"orientation": "h", "y": -0.12}, plot_bgcolor="white")
    return fig


@st.cache_resource(show_spinner=False, max_entries=512)
def trend_figure(region_id: str, delineation: str, indicator_id: str) -> go.Figure:
    """Region vs NL vs province over time for one indicator."""
    region = data.region_defs()[region_id]
    cat = data.indicators().loc[indicator_id]
    reg = data.region_values(region_id, delineation)
    reg = reg[(reg["indicator_id"] == indicator_id) & reg["value"].notna()]
    members = data.region_members(region_id, delineation)
    prov = _province_of(members)
    codes = ("NL01",) + ((prov,) if prov else ())
    other = data.series(indicator_id, codes)
    fig = go.Figure()
    fig.add_scatter(x=reg["period"], y=reg["value"], name=region.name, mode="lines+markers",
                    line={"color": "#08519c", "width": 3})
    for code, colour, dash in (("NL01", "#b35806", "solid"), (prov, "#6b6b6b", "dot")):
        if not code:
            continue
        part = other[other["region_code"] == code]
        if len(part):
            fig.add_scatter(x=part["period"], y=part["value"], name=data.get_store().region_name(code),
                            mode="lines+markers", line={"color": colour, "dash": dash})
    fig.update_layout(
        title={"text": f"{cat['name_nl']} ({cat['unit']})", "font": {"size": 15}}, height=320,
        margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.2},
        plot_bgcolor="white", xaxis={"dtick": 1 if len(reg) < 8 else 2},
    )
    return fig


@st.cache_resource(show_spinner=False, max_entries=256)
def trends_figure(region_id: str, delineation: str, indicator_ids: tuple[str, ...]) -> go.Figure:
    """The trend charts of several indicators stacked in one figure (region, NL, province)."""
    from plotly.subplots import make_subplots

    cat = data.indicators()
    titles = [f"{cat.loc[i, 'name_nl']} ({cat.loc[i, 'unit']})" for i in indicator_ids]
    fig = make_subplots(rows=len(indicator_ids), cols=1, subplot_titles=titles, vertical_spacing=0.32 / len(indicator_ids))
    for row, iid in enumerate(indicator_ids, start=1):
        for trace in trend_figure(region_id, delineation, iid).data:
            trace = go.Scatter(trace)
            trace.showlegend = row == 1
            trace.legendgroup = trace.name
            fig.add_trace(trace, row=row, col=1)
    fig.update_layout(height=90 + 260 * len(indicator_ids), margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "y": -0.05}, plot_bgcolor="white")
    fig.update_annotations(font_size=14)
    return fig


def _membership(region: data.RegionDef, delineation: str) -> None:
    members = data.region_members(region.region_id, delineation)
    regions = data.regions_table().set_index("region_code")
    d = region.delineations[delineation]
    st.markdown(f"**{data.DELINEATION_NAMES.get(delineation, delineation)}** — {len(members)} gemeenten · "
                f"betrouwbaarheid afbakening: **{d['confidence']}**")
    st.markdown(f"*Basis:* {common_safe(d['basis'])}  \n*Bron:* {common_safe(d['source'])}")
    names = [f"{regions.loc[c, 'name']} ({c})" for c in members if c in regions.index]
    st.markdown(" · ".join(names))
    if region.sub_areas:
        for area in region.sub_areas:
            sub = [regions.loc[c, "name"] for c in area["gemeenten"] if c in regions.index]
            st.markdown(f"*Deelgebied {common_safe(area['name'])}:* {', '.join(sub)}")
    if region.notes:
        st.caption(common_safe(region.notes))


def common_safe(text: str) -> str:
    """Text from data files, escaped for markdown."""
    from dashboard.safety import safe_text

    return safe_text(text)


def _claims_section(region_id: str, delineation: str, large: bool = False) -> None:
    from dashboard.components.claims_layer import render_region_claims

    render_region_claims(region_id, delineation, large=large)


def render(region_id: str) -> None:
    """The region page (or its presentation mode with ``?presentatie=1``)."""
    if not common.require_store():
        return
    defs = data.region_defs()
    if region_id not in defs:
        st.error(f"Onbekende regio ‘{common_safe(region_id)}’.")
        return
    region = defs[region_id]
    params = ViewParams()
    delineation = _delineation(params, region)
    if params.flag("presentatie"):
        render_presentation(region_id, delineation, params)
        return

    st.title(region.name)
    badges = {"tien": "Een van de tien regio's (SER Noord-Nederland, voetnoot 5)",
              "voorbeeld": "Voorbeeldregio van *Elke regio telt!* (2023)", "context": "Context"}
    st.caption(" · ".join(badges[g] for g in region.groups if g in badges))
    gm_options = common.indicator_options("GM")
    with st.sidebar:
        st.subheader("Weergave")
        if len(region.delineations) > 1:
            delineation = st.radio(
                "Afbakening", list(region.delineations), index=list(region.delineations).index(delineation),
                format_func=lambda k: data.DELINEATION_NAMES.get(k, k), key=f"delin_{region_id}",
            )
        map_indicator = params.choice("indicator", gm_options, DEFAULT_MAP_INDICATOR, "indicator")
        map_indicator = st.selectbox("Indicator op de kaart", gm_options, index=gm_options.index(map_indicator),
                                     format_func=common.indicator_label, key=f"map_ind_{region_id}")
        show_claims = st.toggle("Claims op de kaart", value=True, key=f"claims_{region_id}")
        if st.button("Presentatiemodus", icon=":material/slideshow:", width="stretch"):
            st.query_params["presentatie"] = "1"
            st.rerun()
    all_ids = common.indicator_options()
    chosen = params.limited(params.choices("trends", all_ids, DEFAULT_TRENDS, "trendindicatoren"), 4,
                            "trendindicatoren")
    params.show_messages()
    set_params(afbakening=delineation if delineation != region.default_delineation else None, indicator=map_indicator)

    if len(region.delineations) > 1:
        st.info(
            f"Getoond: **{data.DELINEATION_NAMES[delineation]}**. CBS publiceert officiële cijfers alleen voor "
            "COROP-gebieden; voor de beleidsregio zijn waarden afgeleid uit gemeentecijfers (bevolkingsgewogen). "
            "Kies links de andere afbakening om te vergelijken.", icon=":material/info:",
        )

    rows = headline_frame(region_id, delineation, data.KEY_INDICATORS)
    _cards(rows)
    charts = _DeferredCharts(region_id)

    map_col, side_col = st.columns([3, 2], gap="medium")
    with map_col:
        maps.show(region_map(region_id, delineation, map_indicator, show_claims),
                  lambda: region_svg(region_id, delineation, map_indicator, show_claims), key=f"map_{region_id}",
                  height=560, on_painted=charts.release if charts.deferred else None)
        cat = data.indicators().loc[map_indicator]
        gm_p = data.periods(map_indicator, "GM")
        st.caption(f"{cat['name_nl']} per gemeente ({cat['unit']}, {gm_p[-1] if gm_p else '–'}), "
                   f"{common_direction(cat['direction'])}; kleuren op de landelijke schaal. Gearceerd grijs = geen data. "
                   f"Bron: CBS {_src(cat['source_table'])}.")
    with side_col:
        st.subheader("Claims uit de documenten")
        _claims_section(region_id, delineation)

    st.subheader("Brede-welvaartsprofiel")
    st.caption("Per indicator het verschil met Nederland, gedeeld door de spreiding tussen de 40 COROP-gebieden "
               "in hetzelfde jaar; positief (groen) = beter dan NL, negatief (oranje) = slechter, grijs = "
               "vergelijkbaar (binnen 0,25 sd). De richting komt uit de indicatorcatalogus.")
    prof = profile_frame(region_id, delineation)
    if prof.empty:
        st.info("Geen vergelijkbare indicatoren met gegevens voor deze regio.")
    else:
        better = int((prof["score"] >= summary.EQUAL_Z).sum())
        worse = int((prof["score"] <= -summary.EQUAL_Z).sum())
        st.markdown(f"**{better}** indicatoren beter dan NL, **{worse}** slechter, "
                    f"**{len(prof) - better - worse}** vergelijkbaar (van {len(prof)}).")
        charts.show(lambda: _profile_chart(region_id, delineation), key=f"profile_{region_id}")

    fac_col, trend_col = st.columns(2, gap="medium")
    with fac_col:
        st.subheader("Voorzieningen")
        fac = facilities_frame(region_id, delineation)
        if fac.empty:
            st.info("Geen afstandsgegevens voor deze regio.")
        else:
            charts.show(lambda: _facilities_chart(region_id, delineation), key=f"fac_{region_id}")
            st.caption("Bron: CBS 80305NED Nabijheid voorzieningen. " + "; ".join(sorted(set(fac["Methode"]))))
    with trend_col:
        st.subheader("Ontwikkeling")
        chosen = st.multiselect("Indicatoren", all_ids, default=chosen, format_func=common.indicator_label,
                                max_selections=4, key=f"trends_{region_id}", placeholder="Kies indicatoren")
        if chosen:
            # One figure with a panel per indicator: every plotly chart costs the browser a fixed start-up time.
            charts.show(lambda: trends_figure(region_id, delineation, tuple(chosen)), key=f"trends_fig_{region_id}")

    with st.expander("Gemeenten en afbakening", expanded=False):
        _membership(region, delineation)
    common.footer()


class _DeferredCharts:
    """The page's plotly charts wait until the browser reports the map painted (once per region and session).

    The browser renders a batch of new elements together once every lazily loaded chunk is there; plotly.js is
    4.6 MB, so without this the map (and the cards above it) would wait seconds for charts below the fold. The
    first run reserves the charts' space; the map's 'painted' report reruns the page with the charts.
    """

    def __init__(self, region_id: str) -> None:
        self.key = f"_bw_charts_{region_id}"
        self.deferred = maps.renderer() == "svg" and not st.session_state.get(self.key, False)

    def release(self) -> None:
        """Callback of the map's 'painted' report."""
        st.session_state[self.key] = True

    def show(self, make: Any, key: str) -> None:
        """A plotly chart, or while deferred a placeholder of the same height."""
        fig = make()
        if self.deferred:
            st.markdown(f"<div class='bw-charts-pending' aria-busy='true' style='height:{int(fig.layout.height or 450)}px'>"
                        "</div>", unsafe_allow_html=True)
        else:
            st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key=key)


def _neighbour(region_id: str, step: int) -> str:
    order = list(_PAGES) or [r for r, d in data.region_defs().items() if "tien" in d.groups]
    if region_id not in order:
        return order[0]
    return order[(order.index(region_id) + step) % len(order)]


def _presentation_card(row: dict[str, Any]) -> str:
    tone = summary.tone(row.get("score", np.nan))
    rank_text = f" · #{row['rank']} van {row['n_ranked']}" if row.get("rank") else ""
    label = PRESENTATION_LABELS.get(row["indicator_id"], row["name"])
    return (f"<div class='bw-card {tone}' title='{html.escape(row['name'])}'>"
            f"<div class='lbl'>{html.escape(label)} ({row['period']})</div>"
            f"<div class='val'>{fmt_num(row['value'], unit=row['unit'])} "
            f"<span class='unit'>{html.escape(short_unit(row['unit']) or row['unit'])}</span></div>"
            f"<div class='cmp'>NL {fmt_num(row['nl_value'], unit=row['unit'])} · "
            f"{fmt_signed(row['diff'])}{rank_text}</div></div>")


def render_presentation(region_id: str, delineation: str, params: ViewParams) -> None:
    """Beamer view (fits 1280×720 and 1920×1080 without scrolling, text ≥ 20 px): map with gemeente names, six key
    figures, the region's claims, previous/next (buttons or ← / →)."""
    region = data.region_defs()[region_id]
    st.markdown(common.PRESENTATION_CSS, unsafe_allow_html=True)
    params.show_messages()
    nav_l, title_col, nav_r = st.columns([1.7, 6, 1.7], vertical_alignment="center")
    with nav_l:
        if st.button("◀ vorige regio", key="prev"):
            _go(_neighbour(region_id, -1))
    with nav_r:
        if st.button("volgende regio ▶", key="next"):
            _go(_neighbour(region_id, +1))
    with title_col:
        st.markdown(f"<div class='bw-title'>{html.escape(region.name)}</div>"
                    f"<div class='bw-sub'>Brede welvaart vergeleken met Nederland · "
                    f"{html.escape(data.DELINEATION_NAMES.get(delineation, delineation))}</div>",
                    unsafe_allow_html=True)
    map_col, fig_col = st.columns([1, 1.22], gap="medium")
    with map_col:
        maps.show(region_map(region_id, delineation, DEFAULT_MAP_INDICATOR, True),
                  lambda: region_svg(region_id, delineation, DEFAULT_MAP_INDICATOR, True, presentation=True),
                  key="pmap", height=540)
    with fig_col:
        rows = [r for r in headline_frame(region_id, delineation, PRESENTATION_KEYS).to_dict("records")
                if pd.notna(r.get("value"))]
        st.markdown("<div class='bw-cards'>" + "".join(_presentation_card(r) for r in rows[:6]) + "</div>",
                    unsafe_allow_html=True)
        st.markdown("<div class='bw-h2'>Wat de documenten zeggen</div>", unsafe_allow_html=True)
        _claims_section(region_id, delineation, large=True)
    note_col, exit_col = st.columns([6, 2.2], vertical_alignment="center")
    with note_col:
        st.markdown("<div class='bw-note'>Bron: CBS, open data (CC BY 4.0). Groen = beter dan NL, oranje = slechter, "
                    "grijs = vergelijkbaar. # = positie onder 40 COROP-gebieden (1 = best).</div>",
                    unsafe_allow_html=True)
    with exit_col:
        if st.button("Presentatiemodus verlaten", key="exit_presentation"):
            del st.query_params["presentatie"]
            st.rerun()
    common.presentation_keys()


def _go(target: str) -> None:
    page = _PAGES.get(target)
    if page is not None:
        st.switch_page(page, query_params={"presentatie": "1"})
    else:  # outside the navigation (tests): re-render in place
        st.session_state["_presentation_region"] = target
        st.rerun()
