"""A page for every area: ``/gebied?code=GM0153`` (any gemeente, COROP area, province or NL01), read from
:mod:`dashboard.profile`: in één oogopslag, key figures among the area's peers, the map with the area outlined in
its surroundings, the regions it belongs to, similar areas, the claims about those regions and trends."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import common, data, profile
from dashboard.components import charts, glance, map_picker, maps
from dashboard.components.claims_layer import verdict_badge
from dashboard.components.fmt import fmt_num, fmt_signed, method_nl, with_unit
from dashboard.params import ViewParams, set_params
from dashboard.safety import inert_text, safe_text

URL_PATH = "gebied"
DEFAULT_TRENDS = ("werkloosheid", "mediaan_inkomen", "ervaren_gezondheid", "tevredenheid_leven")
MAX_CLAIMS = 8
COMPARE_PEERS = 9  # "vergelijk met deze groep": the area and its 9 most similar (Vergelijk takes at most 10)
_PAGES: dict[str, Any] = {}  # url_path → st.Page, for links to the region pages and to this page


def register_pages(pages: list[Any]) -> None:
    """Remember the app's pages (region pages, this page) for links."""
    _PAGES.clear()
    _PAGES.update({p.url_path: p for p in pages})


def link(href: str, text: str) -> str:
    """An HTML link in the same tab (Streamlit opens Markdown links in a new one)."""
    return f'<a href="{html.escape(href)}" target="_self">{html.escape(text)}</a>'


def area_link(code: str, name: str) -> str:
    """HTML link to an area's page."""
    return link(f"/{URL_PATH}?code={code}", name)


def _page_link(url_path: str, label: str, query: dict[str, str] | None = None, icon: str | None = None) -> None:
    page = _PAGES.get(url_path)
    if page is not None:
        st.page_link(page, label=label, query_params=query, icon=icon)
    else:  # outside the navigation (tests)
        suffix = "?" + "&".join(f"{k}={v}" for k, v in (query or {}).items()) if query else ""
        st.markdown(f"[{safe_text(label)}](/{url_path}{suffix})")


def _parents(code: str) -> list[tuple[str, str]]:
    """(code, name) of the COROP area and province a gemeente or COROP area lies in."""
    table = data.regions_table().set_index("region_code")
    if code not in table.index or code[:2] not in ("GM", "CR"):
        if code[:2] == "PV":
            return [("NL01", "Nederland")]
        return []
    row = table.loc[code]
    out = []
    if code.startswith("GM") and isinstance(row["corop_code"], str):
        out.append((row["corop_code"], str(table.loc[row["corop_code"], "name"])))
    if code[:2] == "CR":
        gm = table[(table["corop_code"] == code) & (table["region_level"] == "GM")]
        prov = gm["province_code"].dropna().mode()
        if len(prov):
            out.append((prov.iloc[0], str(table.loc[prov.iloc[0], "name"])))
    elif isinstance(row["province_code"], str):
        out.append((row["province_code"], str(table.loc[row["province_code"], "name"])))
    return out


def _unknown(raw: str | None) -> None:
    st.title("Gebied")
    if raw:
        st.warning(f"Onbekend gebied ‘{inert_text(raw)}’. Gebruik de CBS-code van een gemeente (bijvoorbeeld GM0153), "
                   "een COROP-gebied (CR39), een provincie (PV31) of NL01.", icon=":material/warning:")
    else:
        st.info("Kies een gebied op de kaart of zoek het op de pagina Nederland; het adres is dan "
                "/gebied?code= met de CBS-code (bijvoorbeeld GM0153).", icon=":material/info:")
    _page_link("nederland", "Naar de kaart van Nederland", icon=":material/map:")
    _page_link(URL_PATH, "Stel een eigen regio samen uit gemeenten", {"gemeenten": ""}, icon=":material/add_location:")


def render() -> None:
    """The page."""
    if not common.require_store():
        return
    params = ViewParams()
    # an own region; an emptied picker drops ?gemeenten= from the URL but stays on the own region
    if params.get("gemeenten") is not None or (params.get("code") is None and OWN_STATE in st.session_state):
        _own_region(params)
        return
    raw = params.get("code")
    prof = profile.load(raw.strip()) if raw else None
    if prof is None or prof.area.is_region:
        _unknown(raw)
        return
    target = prof.area
    code = target.key
    st.title(target.name)
    st.caption(f"{target.level_name} · CBS-code {code}")
    _pdf_button(code=code)
    _belongs(prof)

    map_indicator = params.choice("indicator", common.indicator_options("GM"), profile.DEFAULT_MAP_INDICATOR, "indicator")
    params.show_messages()
    set_params(code=code)

    st.markdown(glance.CSS, unsafe_allow_html=True)
    st.header("In één oogopslag", anchor="overzicht")
    if not prof.overview.empty:
        st.caption("Per thema: hoeveel indicatoren beter, gelijk of slechter zijn dan in Nederland, en hoe vaak de kloof "
                   "gunstig (▲), ongunstig (▼) of stabiel (●) bewoog.")
        st.markdown(glance.theme_tiles(prof.overview), unsafe_allow_html=True)
    peers_nl = profile.PEERS_NL.get(target.level, "")
    if code != "NL01":
        st.caption(f"Kerncijfers met de waarde voor Nederland, het verschil, de positie onder alle {peers_nl} (1 = best) "
                   "en de trend van de kloof met Nederland.")
    st.markdown(glance.kpi_cards(prof.headline, peers_nl), unsafe_allow_html=True)

    map_col, side_col = st.columns([3, 2], gap="medium")
    with map_col:
        st.header("Kaart", anchor="kaart")
        _map_part(code, target.name, map_indicator)
    with side_col:
        _similar(prof)
    _claims(prof)
    _trends(prof)
    common.footer()


@st.fragment
def _map_part(code: str, name: str, initial: str) -> None:
    """Picker, map and caption: a change of the picker reruns only this part (issue 22.3)."""
    map_indicator, _ = map_picker.map_with_picker(
        common.indicator_options("GM"), initial,
        lambda ind, _claims: (profile.region_map(code, None, ind), lambda: profile.region_svg(code, None, ind)),
        key="area_map_ind", map_key=f"area_map_{code}", default=profile.DEFAULT_MAP_INDICATOR)
    cat = data.indicators().loc[map_indicator]
    around = "met de gemeenten eromheen" if code.startswith("GM") else "de gemeenten erin"
    st.caption(f"{cat['name_nl']} per gemeente ({cat['unit']}), {common.direction_nl(cat['direction'])}; "
               f"{name} is zwart omlijnd, {around}; kleuren op de landelijke schaal. Klik op een gemeente "
               "voor haar pagina.")


def _pdf_button(code: str | None = None, own: tuple[str, ...] | None = None) -> None:
    """"Download … (PDF)" for a CBS area (``code``) or an own region (``own``): two A4 pages built only when clicked,
    on the small download lane, from the store version of this run (:func:`dashboard.downloads.offered`), cached
    per area and store version."""
    from dashboard import downloads
    from dashboard.report import area as report_area
    from dashboard.report import build as report_build

    if own is not None:
        make, name, key, what = (lambda: report_build.build_own_pdf(own)), report_area.own_file_name(own), "pdf_own", \
            "profiel van deze eigen regio"
    else:
        make, name, key, what = (lambda: report_build.build_area_pdf(code)), report_area.area_file_name(code), \
            f"pdf_{code}", "gebiedsprofiel"
    st.download_button(
        f"Download {what} (PDF)", data=downloads.offered(make), file_name=name, mime="application/pdf",
        on_click="ignore", icon=":material/picture_as_pdf:", key=key,
        help="Twee A4-pagina's met kaart, kerncijfers en claims; toegankelijke PDF (PDF/UA).",
    )


def _belongs(prof: profile.Profile) -> None:
    """'Ligt in: COROP Zuid-Limburg · Limburg' and 'Hoort bij de regio's: Zuid-Limburg, …' with links."""
    parents = _parents(prof.area.key)
    if parents:
        st.markdown("<b>Ligt in:</b> " + " · ".join(area_link(c, n) for c, n in parents), unsafe_allow_html=True)
    if prof.regions:
        links = []
        for region in prof.regions:
            note = " (een van de tien regio's)" if "tien" in region.groups else ""
            links.append(link(f"/{region.region_id}", region.name) + note)
        st.markdown(("<b>Hoort bij de regio:</b> " if len(links) == 1 else "<b>Hoort bij de regio's:</b> ")
                    + " · ".join(links), unsafe_allow_html=True)


def _similar(prof: profile.Profile) -> None:
    st.header("Vergelijkbare gebieden", anchor="vergelijkbaar")
    peers = prof.peers
    if peers.empty:
        st.info("Geen vergelijkbare gebieden berekend voor dit gebied.")
        return
    st.caption(f"De {len(peers)} {profile.PEERS_NL.get(prof.area.level, 'gebieden')} waarvan het profiel (de afstand "
               "tot Nederland op elke indicator, in robuuste standaardafwijkingen) het dichtst bij dit gebied ligt: "
               "kleinste wortel uit de gemiddelde gekwadrateerde verschillen, over de indicatoren die beide hebben.")
    group = [prof.area.key, *list(peers["similar_code"])[:COMPARE_PEERS]]
    _page_link("vergelijk", f"Vergelijk met deze groep ({prof.area.name} en de {len(group) - 1} meest vergelijkbare)",
               {"gebieden": ",".join(group)}, icon=":material/compare_arrows:")
    items = [f"<li>{area_link(p.similar_code, p.name)} — afstand {html.escape(fmt_num(p.distance, 2))}. "
             f"{html.escape(p.description)}</li>" for p in peers.itertuples()]
    with st.container(height=420):
        st.markdown(f"<ol class='bw-similar'>{''.join(items)}</ol>", unsafe_allow_html=True)


def _claims(prof: profile.Profile) -> None:
    if not prof.claims:
        return
    if prof.area.level == profile.OWN_KEY:
        st.header("Claims over de regio's waar deze gemeenten in liggen", anchor="claims")
        st.caption("Deze oordelen zijn de opgeslagen oordelen van de regio's waarmee je eigen regio gemeenten deelt "
                   "(standaardafbakening). Ze gelden voor die hele regio's, niet voor je eigen selectie: voor een zelf "
                   "samengestelde regio toetst het dashboard geen claims. De claims met hun bewijs staan op de regiopagina.")
    else:
        st.header("Claims over de regio's waar dit gebied bij hoort", anchor="claims")
        st.caption("Het oordeel geldt voor de hele regio (standaardafbakening), niet voor dit gebied alleen; de claims "
                   "met hun bewijs staan op de regiopagina.")
    names = {link.region_id: link.name for link in prof.regions}
    by_region: dict[str, list[dict[str, Any]]] = {}
    for item in prof.claims:
        by_region.setdefault(item["region_id"], []).append(item)
    for rid, items in by_region.items():
        st.subheader(names.get(rid, rid), anchor=False)
        rows = [f"- **{verdict_badge(i['verdict']['label'], i['verdict']['verdict_nl'])}** · "
                f"{safe_text(i['claim'].paraphrase)}" for i in items[:MAX_CLAIMS]]
        if len(items) > MAX_CLAIMS:
            rows.append(f"- … en nog {len(items) - MAX_CLAIMS} op [de regiopagina](/{rid}#claims)")
        st.markdown("\n".join(rows))


def _trends(prof: profile.Profile) -> None:
    ids = tuple(i for i in DEFAULT_TRENDS if i in data.indicators().index)
    series = profile.trend_series(prof.area.key, None, ids)
    if series.empty:
        return
    st.header("Ontwikkeling", anchor="ontwikkeling")
    titles = {i: f"{common.indicator_label(i)} ({data.indicators().loc[i, 'unit']})" for i in ids}
    charts.show(charts.spec(charts.trends(series, titles)),
                f"Ontwikkeling van {len(ids)} indicatoren in {prof.area.name}, Nederland en de provincie.")


# --- an own region: /gebied?gemeenten=GM0014,GM0037,… ------------------------------------------------------

OWN_STATE = "own_gm"
MAX_NAMES = 12  # gemeente names listed in the caption


def _start_sets() -> dict[str, tuple[str, ...]]:
    """'Provincie Groningen' → its gemeenten, for every province, COROP area and region (default delineation)."""
    table = data.regions_table()
    out: dict[str, tuple[str, ...]] = {}
    for level, word in (("PV", "Provincie"), ("CR", "COROP-gebied")):
        rows = table[(table["region_level"] == level) & table["is_current"]].sort_values("name")
        for code, name in zip(rows["region_code"], rows["name"], strict=True):
            out[f"{word} {name}"] = profile.members(code, None)
    for rid, region in data.region_defs().items():
        if rid != "nederland":
            out[f"Regio {region.name}"] = tuple(data.region_members(rid, region.default_delineation))
    return out


def _take_start(sets: dict[str, tuple[str, ...]]) -> None:
    chosen = st.session_state.get("own_start")
    if chosen in sets:
        st.session_state[OWN_STATE] = list(sets[chosen])


def _add_start(sets: dict[str, tuple[str, ...]]) -> None:
    chosen = st.session_state.get("own_start")
    if chosen in sets:
        st.session_state[OWN_STATE] = list(dict.fromkeys([*st.session_state.get(OWN_STATE, []), *sets[chosen]]))


def _own_region(params: ViewParams) -> None:
    """The profile of a set of gemeenten chosen in the URL or with the picker."""
    names = profile.current_gemeenten()
    from_url = params.choices("gemeenten", list(names), [], "gemeentecodes")
    st.title("Eigen regio")
    st.caption("Stel een regio samen uit gemeenten: de cijfers worden berekend zoals de pipeline een regio berekent "
               "(het CBS-cijfer als de gemeenten samen precies één CBS-gebied vormen, anders afgeleid uit de gemeenten "
               "met de regel van elke indicator: bevolkings- of oppervlaktegewogen, of een som).")
    params.show_messages()
    if OWN_STATE not in st.session_state:
        st.session_state[OWN_STATE] = from_url
    sets = _start_sets()
    with st.expander("Gemeenten kiezen", expanded=not from_url, icon=":material/edit_location_alt:"):
        st.selectbox("Begin met een provincie, COROP-gebied of regio", list(sets), index=None, key="own_start",
                     placeholder="Kies een gebied")
        left, right = st.columns(2)
        left.button("Gebruik deze gemeenten", on_click=_take_start, args=(sets,), key="own_take")
        right.button("Voeg deze gemeenten toe", on_click=_add_start, args=(sets,), key="own_add")
        chosen = st.multiselect("Gemeenten", list(names), format_func=lambda c: names.get(c, c), key=OWN_STATE,
                                placeholder="Typ de naam van een gemeente")
    codes = tuple(sorted(chosen))
    set_params(gemeenten=",".join(codes) if codes else "")
    if not codes:
        st.info("Kies hierboven gemeenten, of begin met een provincie, COROP-gebied of regio en voeg gemeenten toe of "
                "haal ze weg. Het adres van je eigen regio is /gebied?gemeenten= met de CBS-codes, gescheiden door "
                "komma's (bijvoorbeeld GM0014,GM0037).", icon=":material/info:")
        common.footer()
        return
    prof = profile.own_load(codes)
    listed = ", ".join(names[c] for c in sorted(codes, key=names.get)[:MAX_NAMES])
    more = f" en nog {len(codes) - MAX_NAMES}" if len(codes) > MAX_NAMES else ""
    st.markdown(f"**{len(codes)} gemeente{'n' if len(codes) != 1 else ''}:** {safe_text(listed)}{more}")
    href = f"/{URL_PATH}?gemeenten={','.join(codes)}"
    st.markdown("<b>Link naar deze eigen regio:</b> " + link(href, "deelbare link"), unsafe_allow_html=True)
    _pdf_button(own=codes)
    _page_link("vergelijk", "Vergelijk deze eigen regio met andere gebieden en Nederland",
               {"gebieden": "eigen", "gemeenten": ",".join(codes)}, icon=":material/compare_arrows:")

    st.markdown(glance.CSS, unsafe_allow_html=True)
    st.header("Kerncijfers", anchor="kerncijfers")
    st.caption("Met de waarde voor Nederland in hetzelfde jaar, het verschil en de positie tussen de 40 COROP-gebieden "
               "(1 = best; je eigen regio telt als 41e mee). Een oordeel beter/gelijk/slechter en de trend van de "
               "kloof berekent de pipeline alleen voor de vaste gebieden; voor een eigen regio staan hier alleen de cijfers.")
    st.markdown(glance.kpi_cards(prof.headline, profile.PEERS_NL[profile.OWN_KEY]), unsafe_allow_html=True)
    st.header("Kaart", anchor="kaart")
    ind = profile.DEFAULT_MAP_INDICATOR
    maps.show(profile.own_map(codes, ind), lambda: profile.own_svg(codes, ind), key="own_map", height=560)
    cat = data.indicators().loc[ind]
    st.caption(f"{cat['name_nl']} per gemeente ({cat['unit']}), {common.direction_nl(cat['direction'])}; je eigen regio "
               "is zwart omlijnd, de COROP-gebieden eromheen grijs; kleuren op de landelijke schaal. Klik op een gemeente "
               "voor haar pagina.")
    _own_table(prof)
    _claims(prof)
    common.footer()


def _own_table(prof: profile.Profile) -> None:
    """Every indicator of the own region: value, NL, difference, position, coverage and method (afgeleid or CBS)."""
    st.header("Volledig profiel", anchor="profiel")
    comps, cat = prof.indicators, data.indicators()
    if comps.empty:
        st.info("Voor deze gemeenten zijn geen cijfers te berekenen.")
        return
    st.caption("Dekking: het deel van de inwoners (of het landoppervlak) van de gekozen gemeenten met een cijfer; onder "
               "50% wordt geen regiocijfer getoond. ‘Afgeleid’ betekent berekend uit de gemeenten of COROP-gebieden, "
               "niet door het CBS gepubliceerd.")
    order = {t: i for i, t in enumerate(dict.fromkeys(cat["theme"]))}
    rows = []
    for r in comps.itertuples():
        meta = cat.loc[r.indicator_id]
        unit = meta["unit"]
        rows.append({
            "_t": order.get(meta["theme"], 99), "Thema": meta["theme_name"], "Indicator": meta["label_nl"],
            "Jaar": int(r.period), "Waarde": with_unit(r.value, unit),
            "Nederland": with_unit(r.nl_value, unit) if pd.notna(r.nl_value) else "–",
            "Verschil": fmt_signed(r.diff) if pd.notna(r.diff) else "–",
            "Positie": f"{int(r.rank)} van {int(r.n_ranked)}" if pd.notna(r.rank) else "–",
            "Dekking": f"{float(r.coverage) * 100:.0f}%" if pd.notna(r.coverage) else "–",
            "Methode": method_nl(r.method),
        })
    table = pd.DataFrame(rows).sort_values(["_t", "Indicator"]).drop(columns="_t")
    st.dataframe(table, hide_index=True, width="stretch")
