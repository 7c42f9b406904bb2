"""Small Vega-Lite (Altair) charts of the region pages: where the region stands, trends, facilities.

Vega-Lite draws SVG/canvas without WebGL and loads a smaller script than plotly. Numbers in tooltips and axes use
Dutch formatting (decimal comma) through a Vega locale; every chart has a text alternative at the call site.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

REGION, NL_COLOUR, PROVINCE, OTHER = "#08519c", "#a6470a", "#4d4d4d", "#9e9e9e"
DUTCH_FORMAT = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}
AXIS = {"labelFontSize": 13, "titleFontSize": 13, "labelColor": "#1a1a1a", "titleColor": "#1a1a1a"}
LEGEND = {"labelFontSize": 13, "titleFontSize": 13, "labelColor": "#1a1a1a", "titleColor": "#1a1a1a"}
# Facilities legend: below the plot, one entry per line, no label cut short (Vega's default labelLimit is 160 px).
FACILITY_LEGEND = {"orient": "bottom", "direction": "vertical", "labelLimit": 0}
FACILITY_LABEL_WIDTH = 16  # characters per line of a facility's name (whole words wrapped: the plot keeps its width)


def spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of a chart without Altair's schema validation (validation dominated page run time;
    the charts are built from fixed code, so it adds nothing at run time — the tests validate them). Data stays
    inline in each layer: Streamlit re-encodes a spec's top-level ``datasets`` as Arrow on every run."""
    with alt.data_transformers.disable_max_rows():
        previous = alt.data_transformers.consolidate_datasets
        alt.data_transformers.consolidate_datasets = False
        try:
            return chart.to_dict(validate=False)
        finally:
            alt.data_transformers.consolidate_datasets = previous


def show(chart_spec: dict | None, alt_text: str, key: str | None = None, *, wait: bool = False) -> None:
    """Draw a spec with its text alternative (nothing when there is no spec). ``wait``: only reserve the chart's
    height (a labelled, busy placeholder) until a later run draws it; see ``regio._ChartsAfterMap``."""
    if chart_spec is None:
        return
    import streamlit as st

    if wait:
        plot = chart_spec.get("height", 200)
        height = (int(plot) if isinstance(plot, int | float) else 400) + 70  # plotting area plus axes and title
        st.markdown(f"<div class='bw-charts-pending' aria-busy='true' style='height:{height}px'>"
                    "<span class='bw-sr'>Grafiek wordt geladen.</span></div>", unsafe_allow_html=True)
        return
    st.vega_lite_chart(spec=chart_spec, width="stretch", alt=alt_text, key=key)


def dutch(chart: alt.Chart | alt.LayerChart | alt.VConcatChart, **legend: object) -> alt.Chart:
    """Dutch number format, dark axis and legend text (17:1 on white; ``legend``: further legend settings such as
    ``orient``, which must go here: a second ``configure_legend`` would drop the colours), no English ARIA
    descriptions from Vega (the chart's name is its Dutch ``alt`` text, and a table gives the numbers), and 'fit-x'
    sizing: the width follows the container while ``height`` stays the plotting area (Streamlit's default 'fit'
    would squeeze axes and titles into it)."""
    chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart.configure(locale={"number": DUTCH_FORMAT}, aria=False).configure_axis(**AXIS).configure_legend(
        **LEGEND, **legend).configure_mark(aria=False).configure_view(stroke=None)


def strip(corop: pd.DataFrame, region_name: str, region_value: float | None, nl_value: float | None,
          unit: str, title: str) -> alt.Chart:
    """The 40 COROP values as dots, the region highlighted and NL as a dashed line (positions in pixels: a
    view without a y field would otherwise collapse to Vega-Lite's 20 px discrete height)."""
    y_dots, height = 50, 80
    dots = alt.Chart(corop).mark_circle(size=80, color=OTHER, opacity=0.85).encode(
        x=alt.X("value:Q", title=f"{title} ({unit})", scale=alt.Scale(zero=False)), y=alt.value(y_dots),
        tooltip=[alt.Tooltip("name:N", title="COROP-gebied"), alt.Tooltip("value:Q", title=unit, format=",.1f")],
    )
    layers: list[alt.Chart] = [dots]
    if nl_value is not None and pd.notna(nl_value):
        nl = pd.DataFrame({"value": [nl_value], "label": ["Nederland"]})
        layers.append(alt.Chart(nl).mark_rule(color=NL_COLOUR, strokeDash=[5, 3], strokeWidth=2.5).encode(
            x="value:Q", y=alt.value(8), y2=alt.value(height),
            tooltip=[alt.Tooltip("value:Q", title="Nederland", format=",.1f")]))
        layers.append(alt.Chart(nl).mark_text(align="left", dx=4, fontSize=13, color=NL_COLOUR, fontWeight="bold").encode(
            x="value:Q", y=alt.value(8), text="label:N"))
    if region_value is not None and pd.notna(region_value):
        reg = pd.DataFrame({"value": [region_value], "name": [region_name]})
        layers.append(alt.Chart(reg).mark_point(size=260, color=REGION, filled=True, shape="diamond", opacity=1).encode(
            x="value:Q", y=alt.value(y_dots),
            tooltip=[alt.Tooltip("name:N", title="regio"), alt.Tooltip("value:Q", title=unit, format=",.1f")]))
        layers.append(alt.Chart(reg).mark_text(fontSize=13, fontWeight="bold", color=REGION).encode(
            x="value:Q", y=alt.value(y_dots - 18), text="name:N"))
    return dutch(alt.layer(*layers).properties(height=height))


def trends(series: pd.DataFrame, titles: dict[str, str]) -> alt.Chart:
    """Small multiples: per indicator the region, NL and province over time (``series``: indicator_id, period,
    value, wie)."""
    charts = []
    for iid, part in series.groupby("indicator_id", sort=False):
        charts.append(alt.Chart(part).mark_line(point=True).encode(
            x=alt.X("period:O", title=None),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color("wie:N", title=None, scale=alt.Scale(range=[REGION, NL_COLOUR, PROVINCE]),
                            sort=list(dict.fromkeys(part["wie"]))),
            strokeDash=alt.StrokeDash("wie:N", title=None, sort=list(dict.fromkeys(part["wie"])),
                                      scale=alt.Scale(range=[[1, 0], [1, 0], [4, 3]])),
            tooltip=[alt.Tooltip("wie:N", title="gebied"), alt.Tooltip("period:O", title="jaar"),
                     alt.Tooltip("value:Q", title="waarde", format=",.1f")],
        ).properties(title=alt.TitleParams(titles.get(iid, iid), fontSize=14, anchor="start", color="#1a1a1a"),
                     height=170, width="container"))
    return dutch(alt.vconcat(*charts, spacing=18).resolve_scale(color="shared", strokeDash="shared"),
                 orient="top", direction="horizontal", labelLimit=300)


def facilities(frame: pd.DataFrame) -> alt.Chart:
    """Per facility the region's distance in its first and latest year and NL's (dot plot)."""
    kinds = ["regio, eerste jaar", "regio, laatste jaar", "Nederland"]
    long = pd.concat([
        pd.DataFrame({"Voorziening": frame["Voorziening"], "soort": kinds[0], "jaar": frame["Eerder jaar"],
                      "km": frame["Regio eerder (km)"]}),
        pd.DataFrame({"Voorziening": frame["Voorziening"], "soort": kinds[1], "jaar": frame["Jaar"],
                      "km": frame["Regio (km)"]}),
        pd.DataFrame({"Voorziening": frame["Voorziening"], "soort": kinds[2], "jaar": frame["Jaar"],
                      "km": frame["Nederland (km)"]}),
    ], ignore_index=True)
    long["label"] = long["Voorziening"].map(
        lambda name: "\n".join(textwrap.wrap(name, FACILITY_LABEL_WIDTH, break_long_words=False)) or name)
    order = list(dict.fromkeys(long["label"]))
    # The legend stacks its three entries (a row of them ran past the chart's right edge, "Ne…", in a 1366 px
    # window), the axis title takes three lines and long facility names wrap, so all fit the narrow column at 1024 px.
    return dutch(alt.Chart(long).mark_point(filled=True, size=110).encode(
        x=alt.X("km:Q", title=["gemiddelde afstand", "over de weg (km),", "lager is beter"]),
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=0, labelExpr="split(datum.label, '\\n')")),
        color=alt.Color("soort:N", title=None, scale=alt.Scale(domain=kinds, range=["#9ecae1", REGION, NL_COLOUR])),
        shape=alt.Shape("soort:N", title=None, scale=alt.Scale(domain=kinds, range=["circle", "circle", "diamond"])),
        tooltip=[alt.Tooltip("Voorziening:N"), alt.Tooltip("soort:N", title="reeks"), alt.Tooltip("jaar:O"),
                 alt.Tooltip("km:Q", format=",.2f")],
    ).properties(height=28 * len(frame) + 30), **FACILITY_LEGEND)
