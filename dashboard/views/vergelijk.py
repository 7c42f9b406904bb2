"""Vergelijk: two or more regions (ten regions, COROP areas, provinces) side by side, per theme."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import common, data
from dashboard.components.fmt import fmt_num, method_nl
from dashboard.params import ViewParams, set_params

DEFAULT = ["regio:twente", "regio:zuid-limburg", "regio:noord-en-oost-groningen"]


def area_options() -> dict[str, str]:
    """Option key → label: 'regio:<id>' for the regions, 'CR01', 'PV20' for CBS areas."""
    opts = {f"regio:{rid}": f"{r.name} (regio)" for rid, r in data.region_defs().items() if rid != "nederland"}
    regions = data.regions_table()
    for level, suffix in (("CR", "COROP"), ("PV", "provincie")):
        part = regions[(regions["region_level"] == level) & regions["is_current"]].sort_values("name")
        opts.update({row.region_code: f"{row.name} ({suffix})" for row in part.itertuples()})
    return opts


def values_for_area(key: str) -> pd.DataFrame:
    """All values (every indicator and period) of an option key."""
    if key.startswith("regio:"):
        rid = key.split(":", 1)[1]
        region = data.region_defs()[rid]
        return data.region_values(rid, region.default_delineation)
    return data.get_store().df(
        "SELECT indicator_id, period, value, method, coverage, source_table FROM observations WHERE region_code = ?",
        [key],
    )


def comparison_table(keys: list[str], theme: str) -> pd.DataFrame:
    """Latest common period per indicator of a theme: one column per area plus NL."""
    cat = data.indicators()
    ids = cat[cat["theme"] == theme].index.tolist()
    labels = area_options()
    nl = data.nl_values()
    rows = []
    for iid in ids:
        per_area = {k: values_for_area(k) for k in keys}
        periods = [set(v.loc[(v["indicator_id"] == iid) & v["value"].notna(), "period"]) for v in per_area.values()]
        common_periods = set.intersection(*periods) if periods else set()
        if not common_periods:
            continue
        period = max(common_periods)
        row = {"Indicator": cat.loc[iid, "name_nl"], "Eenheid": cat.loc[iid, "unit"], "Jaar": period,
               "Richting": common_direction(cat.loc[iid, "direction"]), "_id": iid}
        for k, v in per_area.items():
            hit = v[(v["indicator_id"] == iid) & (v["period"] == period)]
            row[labels[k]] = float(hit["value"].iloc[0]) if len(hit) else None
        nlv = nl[(nl["indicator_id"] == iid) & (nl["period"] == period)]["value"]
        row["Nederland"] = float(nlv.iloc[0]) if len(nlv) else None
        rows.append(row)
    return pd.DataFrame(rows)


def common_direction(direction: str) -> str:
    """Dutch reading aid."""
    return {"higher_is_better": "hoger is beter", "lower_is_better": "lager is beter"}.get(direction, "–")


def stored_z(key: str, indicator_id: str) -> float | None:
    """The area's stored distance to NL (robust sd of the COROP areas; positive = better), latest period."""
    if key.startswith("regio:"):
        rid = key.split(":", 1)[1]
        comps = data.comparisons(rid, data.region_defs()[rid].default_delineation)
    else:
        comps = data.comparisons(key, None)
    if indicator_id not in comps.index or pd.isna(comps.loc[indicator_id, "z"]):
        return None
    return float(comps.loc[indicator_id, "z"])


def comparison_figure(table: pd.DataFrame, keys: list[str], labels: dict[str, str]) -> go.Figure:
    """Per indicator the stored distance to NL (robust sd of the 40 COROP areas; positive = better)."""
    fig = go.Figure()
    palette = ["#08519c", "#b35806", "#1b7837", "#762a83", "#8c510a", "#01665e"]
    for i, key in enumerate(keys):
        scores = [stored_z(key, iid) for iid in table["_id"]]
        fig.add_bar(x=scores, y=table["Indicator"], name=labels[key], orientation="h", marker_color=palette[i % len(palette)])
    fig.add_vline(x=0, line_color="#333")
    fig.update_layout(barmode="group", height=120 + 26 * len(table) * max(1, len(keys)) // 2,
                      xaxis_title="← slechter dan NL · beter dan NL → (robuuste sd van 40 COROP-gebieden)",
                      yaxis={"autorange": "reversed"}, plot_bgcolor="white", legend={"orientation": "h", "y": 1.02},
                      margin={"l": 10, "r": 10, "t": 30, "b": 40})
    return fig


def render() -> None:
    """The page."""
    if not common.require_store():
        return
    params = ViewParams()
    st.title("Regio's vergelijken")
    options = area_options()
    themes = data.indicators().drop_duplicates("theme")[["theme", "theme_name"]]
    theme_ids = themes["theme"].tolist()
    chosen = params.limited(params.choices("gebieden", list(options), DEFAULT, "gebieden"), 6, "gebieden")
    theme = params.choice("thema", theme_ids, "gezondheid", "thema")
    with st.sidebar:
        st.subheader("Vergelijking")
        chosen = st.multiselect("Gebieden (2–6)", list(options), default=chosen, format_func=options.get,
                                max_selections=6, key="cmp_areas", placeholder="Kies gebieden")
        theme = st.selectbox("Thema", theme_ids, index=theme_ids.index(theme),
                             format_func=dict(zip(themes["theme"], themes["theme_name"], strict=True)).get,
                             key="cmp_theme")
    params.show_messages()
    set_params(gebieden=",".join(chosen), thema=theme)
    if len(chosen) < 2:
        st.info("Kies ten minste twee gebieden in de zijbalk.")
        return
    table = comparison_table(chosen, theme)
    if table.empty:
        st.info("Voor deze combinatie van gebieden en thema zijn geen gemeenschappelijke gegevens.")
        return
    labels = [options[k] for k in chosen]
    st.plotly_chart(comparison_figure(table, chosen, options), width="stretch", config={"displayModeBar": False},
                    key="cmp_fig")
    shown = table.drop(columns="_id")
    for col in [*labels, "Nederland"]:
        shown[col] = shown[col].map(lambda v: fmt_num(v))
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption("Per indicator het laatste jaar waarin alle gekozen gebieden een waarde hebben. Regio's: "
               "standaardafbakening; waarden van beleidsregio's en van meerdere COROP-gebieden samen zijn "
               f"afgeleid ({method_nl('derived:bevolkingsgewogen_gemiddelde')}). Bron: CBS.")
    common.footer()
