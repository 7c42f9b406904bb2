"""One parametrised page for every region (``/twente``, ``/zuid-limburg``, …) and its presentation mode."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import common, data, profile
from dashboard.components import charts, glance, map_picker, maps, summary
from dashboard.components.fmt import fmt_num, fmt_signed, rounded, shared_decimals, short_unit, with_unit
from dashboard.params import ViewParams, set_params

DEFAULT_MAP_INDICATOR = profile.DEFAULT_MAP_INDICATOR
DEFAULT_TRENDS = ["werkloosheid", "mediaan_inkomen", "ervaren_gezondheid", "tevredenheid_leven"]
MAX_TRENDS = 4
PRESENTATION_KEYS = ["levensverwachting", "mediaan_inkomen", "werkloosheid", "tevredenheid_leven",
                     "ervaren_gezondheid", "afstand_ziekenhuis"]
PRESENTATION_LABELS = profile.PRESENTATION_LABELS
BETTER, WORSE, NEUTRAL = "#1b7837", "#b35806", "#6b6b6b"  # colour-blind-safe green/orange pair
_PAGES: dict[str, Any] = {}
_OVERVIEW_PAGES: dict[str, Any] = {}


def page_for(region: data.RegionDef) -> Any:
    """An ``st.Page`` for a region, with its slug as URL path."""

    def page() -> None:
        render(region.region_id)

    page.__name__ = "regio_" + region.region_id.replace("-", "_")
    icon = ":material/location_on:" if "tien" in region.groups else (
        ":material/travel_explore:" if "voorbeeld" in region.groups else ":material/public:")
    return st.Page(page, title=region.name, icon=icon, url_path=region.region_id)


def register_pages(pages: list[Any], overview: list[Any] | None = None) -> None:
    """Remember the region pages (in navigation order) for the previous/next buttons, and the overview pages
    (for links such as 'Vergelijk')."""
    _PAGES.clear()
    for p in pages:
        _PAGES[p.url_path] = p
    _OVERVIEW_PAGES.clear()
    for p in overview or []:
        _OVERVIEW_PAGES[p.url_path] = p


def _delineation(params: ViewParams, region: data.RegionDef) -> str:
    options = list(region.delineations)
    return params.choice("afbakening", options, region.default_delineation, "afbakening")


PRESENTATION_THEMES = {"materiele_welvaart": "Materiële welvaart", "arbeid_vrije_tijd": "Arbeid, vrije tijd",
                      "economisch_kapitaal": "Econ. kapitaal", "natuurlijk_kapitaal": "Natuurl. kapitaal",
                      "menselijk_kapitaal": "Menselijk kap.", "sociaal_kapitaal": "Sociaal kapitaal"}
def common_direction(direction: str) -> str:
    """Dutch reading aid (see :func:`dashboard.common.direction_nl`)."""
    return common.direction_nl(direction)


def _src(source_table: str) -> str:
    return "Regionale Monitor Brede Welvaart" if source_table == "RMBW" else source_table


def _trend_choice(params: ViewParams, options: list[str]) -> list[str]:
    chosen = params.choices("trends", options, DEFAULT_TRENDS, "trendindicatoren")
    return params.limited(chosen, MAX_TRENDS, "trendindicatoren")


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
    if len(region.delineations) > 1:
        with st.sidebar:
            st.header("Weergave", anchor=False)
            delineation = st.radio(
                "Afbakening", list(region.delineations), index=list(region.delineations).index(delineation),
                format_func=lambda k: data.DELINEATION_NAMES.get(k, k), key=f"delin_{region_id}",
            )
    with st.container(horizontal=True, key="bw_region_actions"):  # above the fold at 768 px high (issue 22.4)
        if st.button("Presentatiemodus", icon=":material/slideshow:"):
            st.query_params["presentatie"] = "1"
            st.rerun()
        profile_button(region_id, delineation)
    map_indicator = params.choice("indicator", common.indicator_options("GM"), DEFAULT_MAP_INDICATOR, "indicator",
                                  name=common.indicator_name)
    all_ids = common.indicator_options()
    chosen = _trend_choice(params, all_ids)
    after_map = _ChartsAfterMap(region_id)
    params.messages = after_map.link_notes(params.messages)
    params.show_messages()
    set_params(afbakening=delineation if delineation != region.default_delineation else None)

    if len(region.delineations) > 1:
        st.info(
            f"Getoond: **{data.DELINEATION_NAMES[delineation]}**. CBS publiceert officiële cijfers alleen voor "
            "COROP-gebieden; voor de beleidsregio zijn waarden afgeleid uit gemeentecijfers (bevolkingsgewogen). "
            "Kies links de andere afbakening om te vergelijken.", icon=":material/info:",
        )
    st.markdown(glance.CSS, unsafe_allow_html=True)
    _glance_section(region, delineation)

    st.markdown(MAP_CLAIMS_CSS, unsafe_allow_html=True)
    with st.container(key="map_claims"):
        map_col, side_col = st.columns([3, 2], gap="medium")
        with map_col:
            st.header("Kaart en gemeenten", anchor="kaart")
            _map_part(region_id, delineation, map_indicator)
        with side_col:
            st.header("Claims uit de documenten", anchor="claims")
            _claims_section(region_id, delineation)

    _profile_section(region, delineation)
    _peers_section(region, delineation)

    fac_col, trend_col = st.columns(2, gap="medium")
    with fac_col:
        st.header("Voorzieningen", anchor="voorzieningen")
        fac = profile.facilities_frame(region_id, delineation)
        if fac.empty:
            st.info("Geen afstandsgegevens voor deze regio.")
        else:
            charts.show(_facilities_spec(region_id, delineation),
                        f"Afstand tot {len(fac)} voorzieningen in {region.name}, eerder, nu en in Nederland; "
                        "de tabel eronder geeft dezelfde cijfers.", wait=after_map.wait)
            with common.lazy_expander("Als tabel", f"fac_{region_id}_{delineation}") as is_open:
                if is_open:
                    common.show_table(_fac_table(fac), numbers=FAC_NUMBERS, years=["Eerste jaar", "Laatste jaar"])
            st.caption("Bron: CBS 80305NED Nabijheid voorzieningen. " + "; ".join(sorted(set(fac["Methode"]))))
    with trend_col:
        st.header("Ontwikkeling", anchor="ontwikkeling")
        picked = st.multiselect("Indicatoren (hoogstens vier)", all_ids, default=chosen, format_func=common.indicator_label,
                                key=f"trends_{region_id}", placeholder="Kies indicatoren")
        if len(picked) > MAX_TRENDS:
            st.info(f"Hoogstens {MAX_TRENDS} indicatoren tegelijk; de eerste {MAX_TRENDS} worden getoond.",
                    icon=":material/info:")
            picked = picked[:MAX_TRENDS]
        set_params(trends=",".join(picked) if picked != DEFAULT_TRENDS else None)
        if picked:
            series = profile.trend_series(region_id, delineation, tuple(picked))
            titles = _trend_titles(tuple(picked))
            charts.show(_trends_spec(region_id, delineation, tuple(picked)),
                        f"Ontwikkeling van {len(picked)} indicatoren in {region.name}, Nederland en de provincie.",
                        wait=after_map.wait)
            with common.lazy_expander("Als tabel", f"trend_{region_id}_{delineation}") as is_open:
                if is_open:
                    trend = _trend_table(series, titles)
                    common.show_table(trend, numbers={"Waarde": shared_decimals(trend["Waarde"], trend["Eenheid"])},
                                      years=["Jaar"])

    with common.lazy_expander("Gemeenten en afbakening", f"members_{region_id}_{delineation}") as is_open:
        if is_open:
            _membership(region, delineation)
    common.footer()


@st.fragment
def _map_part(region_id: str, delineation: str, initial: str) -> None:
    """Picker, map, caption, standing and gemeenten: a change of the picker reruns only this part (issue 22.3)."""
    region = data.region_defs()[region_id]
    after_map = _ChartsAfterMap(region_id)
    if st.session_state.get(after_map.key + "_now"):  # the map's 'painted' report reran this part alone: the charts
        st.rerun(scope="app")                          # further down wait for it too
    map_indicator, _ = map_picker.map_with_picker(
        common.indicator_options("GM"), initial,
        lambda ind, claims: (profile.region_map(region_id, delineation, ind, claims),
                             lambda: profile.region_svg(region_id, delineation, ind, claims)),
        key=f"map_ind_{region_id}", map_key=f"map_{region_id}", claims_key=f"claims_{region_id}",
        on_painted=after_map.release if after_map.wait else None)
    cat = data.indicators().loc[map_indicator]
    gm_p = data.periods(map_indicator, "GM")
    st.caption(f"{cat['name_nl']} per gemeente ({cat['unit']}, {gm_p[-1] if gm_p else '–'}), "
               f"{common_direction(cat['direction'])}; kleuren op de landelijke schaal. Gearceerd grijs = geen data. "
               f"Bron: CBS {_src(cat['source_table'])}.")
    _standing(region, delineation, map_indicator, wait=after_map.wait)
    _gemeenten(region, delineation, map_indicator)


def _glance_section(region: data.RegionDef, delineation: str) -> None:
    st.header("In één oogopslag", anchor="overzicht")
    prof = profile.load(region.region_id, delineation)
    overview = prof.overview
    if not overview.empty:
        st.caption("Per thema: hoeveel indicatoren beter, gelijk of slechter zijn dan in Nederland, en hoe vaak de kloof "
                   "gunstig (▲), ongunstig (▼) of stabiel (●) bewoog. Klik op een thema voor de indicatoren.")
        st.markdown(glance.theme_tiles(overview), unsafe_allow_html=True)
    st.markdown(glance.kpi_cards(prof.headline), unsafe_allow_html=True)


def _standing(region: data.RegionDef, delineation: str, indicator_id: str, *, wait: bool = False) -> None:
    comps = data.comparisons(region.region_id, delineation)
    cat = data.indicators().loc[indicator_id]
    if indicator_id not in comps.index:
        return
    comp = comps.loc[indicator_id]
    corop = data.level_values(indicator_id, "CR", int(comp["period"]))
    if len(corop) < 10:
        return
    st.subheader(f"Waar staat {region.name}?")
    charts.show(
        _strip_spec(region.region_id, delineation, indicator_id),
        f"{cat['name_nl']} in de 40 COROP-gebieden ({int(comp['period'])}); {region.name}: "
        f"{with_unit(comp['value'], cat['unit'])}, Nederland: {with_unit(comp['nl_value'], cat['unit'])}"
        + (f", positie {int(comp['rank'])} van {int(comp['n_ranked'])}." if pd.notna(comp["rank"]) else "."),
        wait=wait,
    )
    st.caption(f"Elke stip is een COROP-gebied ({int(comp['period'])}); de ruit is {region.name}, de stippellijn "
               "Nederland.")


@st.cache_resource(show_spinner=False, max_entries=256)
def _strip_spec(region_id: str, delineation: str, indicator_id: str) -> dict:
    comp = data.comparisons(region_id, delineation).loc[indicator_id]
    cat = data.indicators().loc[indicator_id]
    corop = data.level_values(indicator_id, "CR", int(comp["period"]))
    name = data.region_defs()[region_id].name
    return charts.spec(charts.strip(corop[["name", "value"]], name, comp["value"], comp["nl_value"], cat["unit"],
                                    cat["name_nl"]))


@st.cache_resource(show_spinner=False, max_entries=256)
def _trends_spec(region_id: str, delineation: str, indicator_ids: tuple[str, ...]) -> dict:
    return charts.spec(charts.trends(profile.trend_series(region_id, delineation, indicator_ids), _trend_titles(indicator_ids)))


@st.cache_resource(show_spinner=False, max_entries=64)
def _facilities_spec(region_id: str, delineation: str) -> dict:
    return charts.spec(charts.facilities(profile.facilities_frame(region_id, delineation)))


def _trend_titles(indicator_ids: tuple[str, ...]) -> dict[str, str]:
    return {i: f"{common.indicator_label(i)} ({data.indicators().loc[i, 'unit']})" for i in indicator_ids}


def _gemeenten(region: data.RegionDef, delineation: str, indicator_id: str) -> None:
    st.subheader(f"Gemeenten van {region.name}")
    st.caption(f"{common.indicator_label(indicator_id)}; positie onder alle gemeenten met een waarde (1 = best), "
               "de beste bovenaan.")
    # Every gemeente in one HTML table: no canvas grid or inner scroll box (and no data-grid script to load
    # before the map above it can paint).
    st.markdown(_gemeenten_html(region.region_id, delineation, indicator_id), unsafe_allow_html=True)
    st.download_button("Download deze tabel (CSV voor Excel)", _gemeenten_csv(region.region_id, delineation, indicator_id),
                       file_name=f"gemeenten_{region.region_id}_{indicator_id}.csv", mime="text/csv",
                       icon=":material/download:", key=f"gm_dl_{region.region_id}")


@st.cache_resource(show_spinner=False, max_entries=512)
def _gemeenten_html(region_id: str, delineation: str, indicator_id: str) -> str:
    """The gemeenten table as HTML (built once per store version)."""
    name = data.region_defs()[region_id].name
    return glance.text_table(profile.gemeenten_table(region_id, delineation, indicator_id), f"Gemeenten van {name}")


@st.cache_resource(show_spinner=False, max_entries=512)
def _gemeenten_csv(region_id: str, delineation: str, indicator_id: str) -> bytes:
    """The gemeenten table as CSV for Excel (formula-like cells neutralised; built once per store version)."""
    from dashboard.safety import neutralise_frame

    table = profile.gemeenten_table(region_id, delineation, indicator_id)
    return neutralise_frame(table).to_csv(index=False, sep=";").encode("utf-8-sig")


def _profile_section(region: data.RegionDef, delineation: str) -> None:
    st.header("Brede-welvaartsprofiel", anchor="profiel")
    prof = profile.profile_frame(region.region_id, delineation)
    if prof.empty:
        st.info("Geen vergelijkbare indicatoren met gegevens voor deze regio.")
        return
    st.markdown(glance.profile_text(prof))
    html_main, html_full, n_full = _profile_html(region.region_id, delineation)
    st.caption("Afstand tot Nederland in robuuste standaardafwijkingen van de 40 COROP-gebieden in hetzelfde jaar "
               "(balk, afgekapt op 3); groen = beter, oranje = slechter, grijs = gelijk. Eén indicator per begrip; "
               "de bron staat in de tooltip. Regels: zie Over.")
    st.markdown(html_main, unsafe_allow_html=True)
    if html_full:
        with common.lazy_expander(f"Details: alle {n_full} indicatoren, ook uit een tweede bron",
                                  f"profile_{region.region_id}_{delineation}") as is_open:
            if is_open:
                st.markdown(html_full, unsafe_allow_html=True)


@st.cache_resource(show_spinner=False, max_entries=64)
def _profile_html(region_id: str, delineation: str) -> tuple[str, str | None, int]:
    """(profile table, full table incl. second sources or None, number of rows in the full table)."""
    prof = profile.profile_frame(region_id, delineation)
    full = summary.profile(data.comparisons(region_id, delineation), data.indicators(), primary_only=False,
                           theme_order=prof["theme"].drop_duplicates().tolist())
    extra = full[~full["indicator_id"].isin(prof["indicator_id"])]
    return glance.profile_table(prof), (glance.profile_table(full, anchors=False) if len(extra) else None), len(full)


def _peers_section(region: data.RegionDef, delineation: str) -> None:
    peers = profile.load(region.region_id, delineation).peers
    if peers.empty:
        return
    st.header("Vergelijkbare gebieden", anchor="vergelijkbaar")
    st.caption("De vijf COROP-gebieden waarvan het profiel (de afstand tot Nederland op elke indicator, in robuuste "
               "standaardafwijkingen) het dichtst bij dat van deze regio ligt: kleinste wortel uit de gemiddelde "
               "gekwadrateerde verschillen, over de indicatoren die beide hebben.")
    cols = st.columns(len(peers))
    for col, peer in zip(cols, peers.itertuples(), strict=True):
        with col:
            st.markdown(f"**{peer.peer_rank}. {common_safe(peer.name)}**")
            st.caption(f"afstand {fmt_num(peer.distance, 2)} over {peer.n_indicators} indicatoren")
            query = {"gebieden": f"regio:{region.region_id},{peer.peer_code}"}
            page = _OVERVIEW_PAGES.get("vergelijk")
            if page is not None:
                st.page_link(page, label="Vergelijk", icon=":material/compare_arrows:", query_params=query)
            else:  # outside the navigation (tests)
                st.markdown(f"[Vergelijk](/vergelijk?gebieden={query['gebieden']})")


def _fac_table(fac: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Voorziening": fac["Voorziening"],
        "Regio, eerste jaar (km)": fac["Regio eerder (km)"].round(2), "Eerste jaar": fac["Eerder jaar"],
        "Regio, laatste jaar (km)": fac["Regio (km)"].round(2), "Laatste jaar": fac["Jaar"],
        "Nederland (km)": fac["Nederland (km)"].round(2),
        "Methode": fac["Methode"],
    })


FAC_NUMBERS = {"Regio, eerste jaar (km)": 2, "Regio, laatste jaar (km)": 2, "Nederland (km)": 2}


def _trend_table(series: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    cat = data.indicators()
    units = [cat.loc[i, "unit"] for i in series["indicator_id"]]
    return pd.DataFrame({
        "Indicator": series["indicator_id"].map(titles),
        "Gebied": series["wie"], "Jaar": series["period"].astype(int),
        "Waarde": rounded(series["value"].tolist(), units), "Eenheid": units,
    })


class _ChartsAfterMap:
    """The region page's Vega-Lite charts wait until the browser reports the map painted, once per region and
    session. The browser shows newly arrived elements only once every lazily loaded script they need is there, and
    Vega's held the map back (bench: painted map 2.4 s → 1.9 s on /twente without it). The first run reserves each
    chart's height; the map's report reruns the page with the charts. The MapLibre baseline never reports."""

    def __init__(self, region_id: str) -> None:
        self.key = f"_bw_painted_{region_id}"
        self.wait = maps.renderer() == "svg" and not st.session_state.get(self.key, False)

    def release(self) -> None:
        """Callback of the map's 'painted' report."""
        st.session_state[self.key] = True
        st.session_state[self.key + "_now"] = True

    def link_notes(self, messages: list[str]) -> list[str]:
        """The deep link's notices, also on the rerun the map's report causes (by then the query string has been
        corrected, so that run would find nothing to say and the notice would vanish after a second)."""
        kept = f"_bw_notes_{self.key}"
        if self.wait:
            st.session_state[kept] = list(messages)
            return messages
        carried = st.session_state.pop(kept, []) if st.session_state.pop(self.key + "_now", False) else []
        return [*carried, *messages]


# Below 1100 px wide (a 1024 screen with the sidebar open) the claims column would be about 210 px wide and an opened
# claim some 5,000 px tall: the claims then stand under the map, over the page's whole width.
MAP_CLAIMS_CSS = """<style>@media (max-width: 1100px) {
  .st-key-map_claims > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; }
  .st-key-map_claims > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {
    flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important; } }</style>"""


def _neighbour(region_id: str, step: int) -> str:
    order = list(_PAGES) or [r for r, d in data.region_defs().items() if "tien" in d.groups]
    if region_id not in order:
        return order[0]
    return order[(order.index(region_id) + step) % len(order)]


def _presentation_themes(region_id: str, delineation: str) -> str:
    """The theme overview for the beamer: per theme the counts better · gelijk · slechter and the gap movements."""
    tiles = []
    for r in data.theme_overview(region_id, delineation).itertuples():
        name = PRESENTATION_THEMES.get(r.theme, r.theme_name)
        if not r.n_indicators:  # every theme keeps its tile, so the overview always shows all of them
            tiles.append(f"<div class='bw-ptile none' title='{html.escape(r.theme_name)}'><div class='n'>{html.escape(name)}"
                         "</div><div class='c'>geen cijfers</div><div class='c'>voor deze regio</div></div>")
            continue
        tone = "better" if r.n_beter > r.n_slechter else "worse" if r.n_slechter > r.n_beter else ""
        tiles.append(
            f"<div class='bw-ptile {tone}' title='{html.escape(r.theme_name)}'><div class='n'>{html.escape(name)}</div>"
            f"<div class='c'><b class='g'>{r.n_beter}</b> · {r.n_gelijk} · <b class='o'>{r.n_slechter}</b></div>"
            f"<div class='c'>kloof ▲{r.n_kloof_gunstig} ▼{r.n_kloof_ongunstig}</div></div>")
    return "<div class='bw-ptiles'>" + "".join(tiles) + "</div>"


def _presentation_card(row: dict[str, Any]) -> str:
    tone = summary.tone(row.get("niveau"))
    rank_text = f" · #{int(row['rank'])} van {int(row['n_ranked'])}" if pd.notna(row.get("rank")) else ""
    label = PRESENTATION_LABELS.get(row["indicator_id"], row["name"])
    return (f"<div class='bw-card {tone}' title='{html.escape(row['name'])}'>"
            f"<div class='lbl'>{html.escape(label)} ({row['period']})</div>"
            f"<div class='val'>{fmt_num(row['value'], unit=row['unit'])} "
            f"<span class='unit'>{html.escape(short_unit(row['unit']) or row['unit'])}</span></div>"
            f"<div class='cmp'>NL {fmt_num(row['nl_value'], unit=row['unit'])} · "
            f"{fmt_signed(row['diff'])}{rank_text}</div></div>")


PRESENTATION_VIEWS = {"kerncijfers": "Kerncijfers", "themas": "Thema's", "gemeenten": "Gemeenten"}  # ?weergave=


def presentation_view(params: ViewParams | None = None) -> str:
    """The slide's view from ``?weergave=`` (kerncijfers without it or for an unknown value)."""
    value = params.get("weergave") if params is not None else st.query_params.get("weergave")
    return value if value in PRESENTATION_VIEWS else "kerncijfers"


def _presentation_gemeenten(member_map: profile.MemberMap) -> str:
    """The key to the Gemeenten view's numbered map: every member, in the discs' order (north to south); up to 12
    in one column, more in as many columns as fit."""
    items = "".join(f"<li><b>{i}</b><span>{html.escape(name)}</span></li>"
                    for i, name in enumerate(member_map.numbered, start=1))
    return (f"<div class='bw-h2' role='heading' aria-level='2' style='margin-top:0'>De {len(member_map.numbered)} "
            f"gemeenten, genummerd op de kaart</div><ol class='bw-glist{' one' if len(member_map.numbered) <= 12 else ''}'>"
            f"{items}</ol>")


def render_presentation(region_id: str, delineation: str, params: ViewParams) -> None:
    """Beamer view (fits 1024×768 up to 1920×1080 without scrolling, text ≥ 20 px), previous/next (buttons or
    ← / →) and three views (``?weergave=``): the map with six key figures and the region's claims, the theme
    overview, or the gemeenten (every member numbered on the map, the key beside it)."""
    region = data.region_defs()[region_id]
    st.markdown(common.PRESENTATION_CSS, unsafe_allow_html=True)
    params.show_messages()
    view = presentation_view(params)
    nav_l, title_col, nav_r = st.columns([1.7, 6, 1.7], vertical_alignment="center")
    with nav_l:
        if st.button("◀ vorige regio", key="prev"):
            _go(_neighbour(region_id, -1))
    with nav_r:
        if st.button("volgende regio ▶", key="next"):
            _go(_neighbour(region_id, +1))
    with title_col:
        st.markdown(f"<div class='bw-title' role='heading' aria-level='1'>{html.escape(region.name)}</div>"
                    f"<div class='bw-sub'>Brede welvaart vergeleken met Nederland · "
                    f"{html.escape(data.DELINEATION_NAMES.get(delineation, delineation))}</div>",
                    unsafe_allow_html=True)
    map_col, fig_col = st.columns([1, 1.22], gap="medium")
    member_map = profile.member_map(region_id, delineation) if view == "gemeenten" else None
    with map_col:
        if member_map is not None:
            maps.show(profile.region_map(region_id, delineation, DEFAULT_MAP_INDICATOR, False), member_map.svg,
                      key="pmap", height=540)
        else:
            maps.show(profile.region_map(region_id, delineation, DEFAULT_MAP_INDICATOR, True),
                      lambda: profile.region_svg(region_id, delineation, DEFAULT_MAP_INDICATOR, True, beamer=True),
                      key="pmap", height=540)
    with fig_col:
        if member_map is not None:
            st.markdown(_presentation_gemeenten(member_map), unsafe_allow_html=True)
        elif view == "themas":
            st.markdown("<div class='bw-h2' role='heading' aria-level='2' style='margin-top:0'>Per thema: aantal "
                        "indicatoren beter · gelijk · slechter dan NL</div>", unsafe_allow_html=True)
            st.markdown(_presentation_themes(region_id, delineation), unsafe_allow_html=True)
        else:
            rows = [r for r in profile.headline_frame(region_id, delineation, PRESENTATION_KEYS).to_dict("records")
                    if pd.notna(r.get("value"))]
            st.markdown("<div class='bw-cards'>" + "".join(_presentation_card(r) for r in rows[:6]) + "</div>",
                        unsafe_allow_html=True)
            st.markdown("<div class='bw-h2' role='heading' aria-level='2'>Wat de documenten zeggen</div>", unsafe_allow_html=True)
            _claims_section(region_id, delineation, large=True)
        if member_map is None:  # under the claims (the fit helper hides claims to make room), right: free space
            profile_button(region_id, delineation, help_text="")  # no tooltip: on a beamer it would cover a claim
    note_col, *view_cols, exit_col = st.columns([4.6, 1.4, 1.4, 2.2], vertical_alignment="center")
    with note_col:
        if member_map is not None:
            note = "Bron: CBS, gemeentegrenzen 2024 (CC BY 4.0). Nummers van noord naar zuid."
        else:  # the theme view shows no positions: its note is a line shorter
            rank_note = " # = positie onder 40 COROP-gebieden." if view == "kerncijfers" else ""
            note = ("Bron: CBS, open data (CC BY 4.0). Groen = beter dan NL, oranje = slechter, grijs = vergelijkbaar."
                    + rank_note)
        st.markdown(f"<div class='bw-note'>{note}</div>", unsafe_allow_html=True)
    for col, (other, label) in zip(view_cols, [(k, v) for k, v in PRESENTATION_VIEWS.items() if k != view], strict=True):
        with col:
            if st.button(label, key=f"pview_{other}", help=f"Toon {PRESENTATION_HELP[other]}"):
                if other == "kerncijfers":
                    del st.query_params["weergave"]
                else:
                    st.query_params["weergave"] = other
                st.rerun()
    with exit_col:
        if st.button("Presentatiemodus verlaten", key="exit_presentation"):
            del st.query_params["presentatie"]
            st.rerun()
    common.presentation_keys()


PRESENTATION_HELP = {"kerncijfers": "de kaart met zes kerncijfers en de claims van de documenten",
                     "themas": "het overzicht per thema", "gemeenten": "alle gemeenten van de regio, genummerd op de kaart"}


def profile_button(region_id: str, delineation: str, width: str = "content", help_text: str | None = None) -> None:
    """"Download regioprofiel (PDF)": the two-page profile of this region and delineation, built only when clicked
    (on the small download lane, from the store version of this run: :func:`dashboard.downloads.offered`)."""
    from dashboard import downloads, report

    if region_id not in report.report_regions():  # the national context has no profile
        return
    st.download_button(
        "Download regioprofiel (PDF)", data=downloads.offered(lambda: report.build_pdf(region_id, delineation)),
        file_name=report.file_name(region_id, delineation), mime="application/pdf", on_click="ignore",
        icon=":material/picture_as_pdf:", key=f"pdf_{region_id}", width=width,
        help=None if help_text == "" else help_text or
        "Twee A4-pagina's met kaart, kerncijfers, thema's en claims; toegankelijke PDF (PDF/UA).",
    )


def _go(target: str) -> None:
    page = _PAGES.get(target)
    query = {"presentatie": "1"}
    if (view := presentation_view()) != "kerncijfers":  # the next slide keeps the chosen view
        query["weergave"] = view
    if page is not None:
        st.switch_page(page, query_params=query)
    else:  # outside the navigation (tests): re-render in place
        st.session_state["_presentation_region"] = target
        st.rerun()
