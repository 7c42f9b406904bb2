"""Vergelijk: one or more areas (the regions, COROP areas, provinces, Nederland) side by side, per theme.

Deep link: ``/vergelijk?gebieden=achterhoek,NL01&thema=gezondheid``. Region ids may be given bare
(``achterhoek``) or as ``regio:achterhoek``; ``NL01`` is Nederland. With one area the page compares it with
Nederland, which is always the last column.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import common, data
from dashboard.components import charts
from dashboard.components.charts import dutch
from dashboard.components.fmt import method_nl, rounded, shared_decimals
from dashboard.params import ViewParams, set_params

DEFAULT = ["regio:twente", "regio:zuid-limburg", "regio:noord-en-oost-groningen"]
NL_KEY = "NL01"
MAX_AREAS = 6
PALETTE = ["#08519c", "#a6470a", "#1b7837", "#762a83", "#8c510a", "#01665e"]


def area_options() -> dict[str, str]:
    """Option key → label: 'regio:<id>' for the regions, 'CR01', 'PV20' for CBS areas, 'NL01' for Nederland."""
    opts = {f"regio:{rid}": f"{r.name} (regio)" for rid, r in data.region_defs().items() if rid != "nederland"}
    regions = data.regions_table()
    for level, suffix in (("CR", "COROP"), ("PV", "provincie")):
        part = regions[(regions["region_level"] == level) & regions["is_current"]].sort_values("name")
        opts.update({row.region_code: f"{row.name} ({suffix})" for row in part.itertuples()})
    opts[NL_KEY] = "Nederland"
    return opts


def normalise_keys(raw: str | None) -> str | None:
    """Accept bare region ids in a link: 'achterhoek,NL01' → 'regio:achterhoek,NL01'."""
    if not raw:
        return raw
    regions = set(data.region_defs())
    return ",".join(f"regio:{k}" if k in regions else k for k in raw.split(","))


def values_for_area(key: str) -> pd.DataFrame:
    """All values (every indicator and period) of an option key."""
    if key.startswith("regio:"):
        rid = key.split(":", 1)[1]
        return data.region_values(rid, data.region_defs()[rid].default_delineation)
    return data.get_store().df(
        "SELECT indicator_id, period, value, method, coverage, source_table FROM observations WHERE region_code = ?",
        [key],
    )


def comparison_table(keys: list[str], theme: str, twins: bool = False) -> pd.DataFrame:
    """Latest common period per indicator of a theme: one column per area plus Nederland (one indicator per
    concept unless ``twins``)."""
    cat = data.indicators()
    ids = cat[(cat["theme"] == theme) & (twins | cat["twin_of"].isna())].index.tolist()
    labels = area_options()
    nl = data.nl_values()
    areas = [k for k in keys if k != NL_KEY]
    per_area = {k: values_for_area(k) for k in areas}
    rows = []
    for iid in ids:
        periods = [set(v.loc[(v["indicator_id"] == iid) & v["value"].notna(), "period"]) for v in per_area.values()]
        nl_periods = set(nl.loc[(nl["indicator_id"] == iid) & nl["value"].notna(), "period"])
        common_periods = set.intersection(*periods, nl_periods) if periods else nl_periods
        if not common_periods:
            continue
        period = max(common_periods)
        row = {"Indicator": cat.loc[iid, "label_nl"], "Eenheid": cat.loc[iid, "unit"], "Jaar": int(period),
               "Richting": common.direction_nl(cat.loc[iid, "direction"]), "_id": iid}
        for k, v in per_area.items():
            hit = v[(v["indicator_id"] == iid) & (v["period"] == period)]
            row[labels[k]] = float(hit["value"].iloc[0]) if len(hit) else None
        row["Nederland"] = float(nl[(nl["indicator_id"] == iid) & (nl["period"] == period)]["value"].iloc[0])
        rows.append(row)
    return pd.DataFrame(rows)


def stored_z(key: str, indicator_id: str) -> float | None:
    """The area's stored distance to NL (robust sd of the COROP areas; positive = better), latest period."""
    if key == NL_KEY:
        return 0.0
    if key.startswith("regio:"):
        rid = key.split(":", 1)[1]
        comps = data.comparisons(rid, data.region_defs()[rid].default_delineation)
    else:
        comps = data.comparisons(key, None)
    if indicator_id not in comps.index or pd.isna(comps.loc[indicator_id, "z"]):
        return None
    return float(comps.loc[indicator_id, "z"])


def comparison_chart(table: pd.DataFrame, keys: list[str], labels: dict[str, str]) -> alt.Chart:
    """Per indicator the stored distance to NL of each area (grouped bars; positive = better)."""
    rows = [{"Indicator": r["Indicator"], "Gebied": labels[k], "z": z}
            for r in table.to_dict("records") for k in keys if k != NL_KEY and (z := stored_z(k, r["_id"])) is not None]
    frame = pd.DataFrame(rows, columns=["Indicator", "Gebied", "z"])
    order = [labels[k] for k in keys if k != NL_KEY]
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("z:Q", title="← slechter dan NL · beter dan NL → (robuuste sd van de 40 COROP-gebieden)",
                scale=alt.Scale(domain=[-3, 3], clamp=True)),
        y=alt.Y("Indicator:N", title=None, sort=list(table["Indicator"]), axis=alt.Axis(labelLimit=360)),
        yOffset=alt.YOffset("Gebied:N", sort=order),
        color=alt.Color("Gebied:N", title=None, sort=order, scale=alt.Scale(domain=order, range=PALETTE[: len(order)])),
        tooltip=[alt.Tooltip("Gebied:N"), alt.Tooltip("Indicator:N"), alt.Tooltip("z:Q", title="sd", format="+.2f")],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333333").encode(x="x:Q")
    height = max(120, 14 * max(1, len(order)) * len(table) + 40)
    return dutch((bars + zero).properties(height=height), orient="top", labelLimit=300)


def render() -> None:
    """The page."""
    if not common.require_store():
        return
    params = ViewParams()
    params.raw["gebieden"] = [normalise_keys(v) for v in params.raw.get("gebieden", [])]
    st.title("Regio's vergelijken")
    options = area_options()
    themes = data.indicators().drop_duplicates("theme")[["theme", "theme_name"]]
    theme_ids = themes["theme"].tolist()
    chosen = params.limited(params.choices("gebieden", list(options), DEFAULT, "gebieden"), MAX_AREAS, "gebieden")
    theme = params.choice("thema", theme_ids, "gezondheid", "thema")
    with st.sidebar:
        st.header("Vergelijking", anchor=False)
        chosen = st.multiselect(f"Gebieden (1–{MAX_AREAS}; Nederland staat er altijd bij)", list(options), default=chosen,
                                format_func=options.get, key="cmp_areas", placeholder="Kies gebieden")
        theme = st.selectbox("Thema", theme_ids, index=theme_ids.index(theme),
                             format_func=dict(zip(themes["theme"], themes["theme_name"], strict=True)).get,
                             key="cmp_theme", placeholder="Kies een thema")
        twins = st.toggle("Ook indicatoren uit een tweede bron", value=params.flag("tweede_bron"), key="cmp_twins")
    if len(chosen) > MAX_AREAS:
        params.messages.append(f"Hoogstens {MAX_AREAS} gebieden tegelijk; de eerste {MAX_AREAS} worden getoond.")
        chosen = chosen[:MAX_AREAS]
    params.show_messages()
    set_params(gebieden=",".join(chosen), thema=theme, tweede_bron="1" if twins else None)
    areas = [k for k in chosen if k != NL_KEY]
    if not areas:
        st.info("Kies in de zijbalk ten minste één gebied; het wordt vergeleken met Nederland.")
        return
    names = " · ".join(options[k] for k in areas)
    st.markdown(f"**{names}** tegenover **Nederland**")
    table = comparison_table(chosen, theme, twins)
    if table.empty:
        st.info("Voor deze combinatie van gebieden en thema zijn geen gemeenschappelijke gegevens.")
        return
    charts.show(charts.spec(comparison_chart(table, chosen, options)),
                f"Afstand tot Nederland per indicator van het thema voor {names}; de tabel eronder geeft de cijfers.")
    shown = table.drop(columns="_id")
    value_columns = [*(options[k] for k in areas), "Nederland"]
    numbers = {}
    for col in value_columns:
        shown[col] = rounded(shown[col], table["Eenheid"])
        numbers[col] = shared_decimals(shown[col], table["Eenheid"])
    common.show_table(shown, numbers=numbers, years=["Jaar"])
    st.caption("Per indicator het laatste jaar waarin alle gekozen gebieden en Nederland een waarde hebben; de balken "
               "tonen de opgeslagen afstand tot Nederland in het laatste jaar van elk gebied (regel niveau, zie Over). "
               "Regio's: standaardafbakening; waarden van beleidsregio's en van meerdere COROP-gebieden samen zijn "
               f"afgeleid ({method_nl('derived:bevolkingsgewogen_gemiddelde')}). Bron: CBS.")
    common.footer()
