"""Nederland: choropleth of any indicator at gemeente, COROP or province level, with a ranking table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import common, data
from dashboard.components import mapdata, maps, search
from dashboard.components.fmt import column_decimals, fmt_num, method_nl, rank_text, short_unit
from dashboard.params import ViewParams, set_params

LEVELS = {"GM": "Gemeenten", "CR": "COROP-gebieden", "PV": "Provincies"}
LEVELS_IN_TEXT = {"GM": "gemeenten", "CR": "COROP-gebieden", "PV": "provincies"}
DEFAULT_INDICATOR = "tevredenheid_leven"
# ranking column widths: position, area and value fit the 346 px column of a 1366 laptop (the browser test clicks
# the 'Waarde' header after the first two)
POSITION_PX, AREA_PX = 70, 180
HEADER_PX_PER_CHAR, HEADER_PAD_PX = 8, 32  # a header's width: bold 14 px text plus the cell padding and sort arrow
METHOD_PX = 200


@st.cache_resource(show_spinner=False, max_entries=256)
def national_map(indicator_id: str, level: str, period: int, show_regions: bool, show_claims: bool
                 ) -> tuple[maps.MapSpec, pd.DataFrame]:
    """The national map spec and its data (cached; used by the page, the tests and the benchmark)."""
    frame = data.level_values(indicator_id, level, period)
    spec = maps.MapSpec(
        features=data.shape(level)["features"], values=maps.area_values(frame),
        indicator=mapdata.indicator(indicator_id, level, period, frame),
        domain=mapdata.domain(indicator_id, level, period),
        outlines=mapdata.ten_outlines() if show_regions else (),
        claims=mapdata.claims(outline_areas=False) if show_claims else None,
        title="Nederland",
    )
    return spec, frame


@st.cache_resource(show_spinner=False, max_entries=256)
def national_svg(indicator_id: str, level: str, period: int, show_regions: bool, show_claims: bool) -> str:
    """The national map as the page sends it: SVG and table (cached)."""
    spec, _ = national_map(indicator_id, level, period, show_regions, show_claims)
    return maps.payload(spec, width=700, font_px=15, uid="nl")


def common_direction(direction: str) -> str:
    """Dutch reading aid for the legend."""
    return {"higher_is_better": "hoger is beter", "lower_is_better": "lager is beter"}.get(direction, "geen richting")


def _source_name(source_table: str) -> str:
    return "Regionale Monitor Brede Welvaart" if source_table == "RMBW" else source_table


def render() -> None:
    """The page."""
    if not common.require_store():
        return
    params = ViewParams()
    st.title("Brede welvaart in Nederland")
    st.caption("Kies een indicator, een niveau en een jaar. De tien regio's uit het SER-advies zijn omlijnd.")
    search.search_box()
    level_codes = list(LEVELS)
    level = params.choice("niveau", level_codes, "GM", "niveau", name=lambda c: LEVELS.get(c, "").lower() or None)
    options = common.indicator_options()
    indicator_id = params.choice("indicator", options, DEFAULT_INDICATOR, "indicator", name=common.indicator_name)
    region_ids = [rid for rid in data.region_defs() if rid != "nederland"]
    only = params.choice("regio", ["", *region_ids], "", "regio",
                         instead="de ranglijst toont heel Nederland") or None

    with st.sidebar:
        st.header("Weergave", anchor=False)
        indicator_id = st.selectbox(
            "Indicator", options, index=options.index(indicator_id), format_func=common.indicator_label,
            key="nl_indicator", placeholder="Kies een indicator",
        )
        available_levels = [lv for lv in level_codes if data.periods(indicator_id, lv)]
        if level not in available_levels:
            if params.from_link("niveau") is not None:
                params.messages.append(f"Deze indicator is er niet op niveau {LEVELS_IN_TEXT[level]}.")
            level = available_levels[0]
        level = st.radio("Niveau", available_levels, index=available_levels.index(level),
                         format_func=LEVELS.get, horizontal=True, key="nl_level")
        periods = data.periods(indicator_id, level)
        period = _period(params, periods)
        if len(periods) > 1:
            period = st.select_slider("Jaar", periods, key="nl_period", on_change=_remember_period)
        show_regions = st.toggle("Tien regio's omlijnen", value=True)
        show_claims = st.toggle("Claims uit de documenten tonen", value=params.flag("claims"))
    params.show_messages()
    set_params(indicator=indicator_id, niveau=level, jaar=period, claims="1" if show_claims else None)

    cat = data.indicators().loc[indicator_id]
    spec, frame = national_map(indicator_id, level, period, show_regions, show_claims)
    n_values = int(frame["value"].notna().sum())
    n_areas = len(data.shape(level)["features"])
    st.markdown(
        f"**{cat['name_nl']}** — {cat['unit']}, {period} · {common_direction(cat['direction'])} · "
        f"{n_values} van {n_areas} {LEVELS_IN_TEXT[level]} met een waarde (gearceerd grijs = geen data)"
    )
    map_col, table_col = st.columns([3, 2], gap="medium")
    with map_col:
        maps.show(spec, lambda: national_svg(indicator_id, level, period, show_regions, show_claims), key="nl_map",
                  height=680)
        if cat["uncertain"]:
            st.warning(f"Let op: {cat['uncertain']}", icon=":material/warning:")
    with table_col:
        nl_value = frame["nl_value"].iloc[0] if len(frame) else None
        st.metric(f"Nederland, {period}", f"{fmt_num(nl_value, unit=cat['unit'])} {short_unit(cat['unit'])}".strip(),
                  help=f"Eenheid: {cat['unit']}")
        only = st.selectbox("Ranglijst alleen voor", [None, *region_ids],
                            index=[None, *region_ids].index(only),
                            format_func=lambda r: "heel Nederland" if r is None else data.region_defs()[r].name,
                            key="nl_rank_region", placeholder="Kies een regio",
                            help="Toon in de ranglijst alleen de gebieden van één regio; "
                            "de positie blijft die onder alle gebieden van het niveau.")
        set_params(regio=only)
        table = ranking_table(frame, cat["unit"], _codes_in(only, level) if only else None)
        decimals = column_decimals(frame["value"], cat["unit"])
        st.dataframe(
            table, hide_index=True, width="stretch", height=min(520, 38 + 35 * len(table)), placeholder=common.MISSING,
            column_config={
                "Positie": st.column_config.TextColumn("Positie", width=POSITION_PX,
                                                       help="1 = best onder alle gebieden van het niveau"),
                "Gebied": st.column_config.TextColumn("Gebied", width=AREA_PX),
                "Waarde": common.number_column("Waarde", decimals, help=f"Eenheid: {cat['unit']}",  # unit: above the map
                                               width=header_px("Waarde")),
                "Verschil met NL": common.number_column("Verschil met NL", decimals, width=header_px("Verschil met NL"),
                                                        help=f"Waarde min de waarde van Nederland, in {cat['unit']}"),
                "Methode": st.column_config.TextColumn("Methode", width=METHOD_PX,
                                                       help="Hoe het cijfer tot stand kwam (CBS of afgeleid)"),
            },
        )
        methods = sorted({method_nl(m) for m in frame["method"].dropna()})
        title = "" if cat["source_table"] == "RMBW" else f" ({cat['source_title']})"
        st.caption(f"Bron: CBS {_source_name(cat['source_table'])}{title}, {period}. "
                   f"Methode: {'; '.join(methods) or '–'}.")
    common.footer()


def header_px(label: str) -> int:
    """A ranking column width in which ``label`` reads whole (the grid cuts a header to its column's width)."""
    return max(90, HEADER_PX_PER_CHAR * len(label) + HEADER_PAD_PX)


PICKED = "_nl_period_picked"  # session key: the year the visitor chose (slider or link), kept across indicators


def _remember_period() -> None:
    """The slider moved: that year is the visitor's choice from now on."""
    st.session_state[PICKED] = st.session_state.get("nl_period")


def _period(params: ViewParams, periods: list[int]) -> int:
    """The year to show: a link's year (with a notice when the indicator does not have it), else the year the visitor
    picked if this indicator has it, else the indicator's newest year. Sets the slider to it."""
    if params.from_link("jaar") is not None:
        period = params.integer("jaar", periods, periods[-1], "periode")
        if str(period) == params.get("jaar"):
            st.session_state[PICKED] = period
    else:
        picked = st.session_state.get(PICKED)
        period = picked if picked in periods else periods[-1]
    st.session_state["nl_period"] = period
    return period


def _codes_in(region_id: str, level: str) -> set[str]:
    """The areas of ``level`` inside a region (its gemeenten, or the COROP areas/provinces they lie in)."""
    members = data.region_members(region_id, data.region_defs()[region_id].default_delineation)
    if level == "GM":
        return set(members)
    regions = data.regions_table().set_index("region_code")
    column = {"CR": "corop_code", "PV": "province_code"}[level]
    return set(regions.loc[regions.index.intersection(members), column].dropna())


def ranking_table(frame: pd.DataFrame, unit: str, only: set[str] | None = None) -> pd.DataFrame:
    """Sortable ranking (1 = best among all areas of the level): value and difference with NL as numbers rounded
    as the page shows them (the grid shows them the Dutch way and sorts them as numbers), missing values last
    (shown as 'geen data'); ``only`` keeps the areas of one region (their national position stays)."""
    areas = data.regions_table()
    level = frame["region_code"].iloc[0][:2] if len(frame) else None
    if level:  # every current area of the level, so areas without a value show as 'geen data'
        areas = areas[(areas["region_level"] == level) & areas["is_current"]][["region_code", "name"]]
        frame = areas.merge(frame.drop(columns="name"), on="region_code", how="left")
    table = frame.sort_values(["rank", "name"], na_position="last")
    if only is not None:
        table = table[table["region_code"].isin(only)]
    decimals = column_decimals(frame["value"], unit)
    values = pd.to_numeric(table["value"], errors="coerce")
    return pd.DataFrame(
        {
            "Positie": [rank_text(r, len(str(len(frame)))) for r in table["rank"]],
            "Gebied": table["name"],
            "Waarde": values.round(decimals),
            "Verschil met NL": (values - pd.to_numeric(table["nl_value"], errors="coerce")).round(decimals),
            "Methode": table["method"].map(method_nl).fillna(""),
        }
    ).reset_index(drop=True)


__all__ = ["header_px", "national_map", "national_svg", "ranking_table", "render", "fmt_num"]
