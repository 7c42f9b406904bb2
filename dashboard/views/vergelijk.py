"""Vergelijk: up to ten areas of any kind (regions, gemeenten, COROP areas, provinces, an own region) side by side
with Nederland, every theme on one page.

Deep link: ``/vergelijk?gebieden=GM0917,CR39,PV31,achterhoek&gemeenten=GM0014,GM0037&kleuren=0,1,2,3``. Region ids
may be given bare (``achterhoek``) or as ``regio:achterhoek``; ``gemeenten=`` adds an own region (a set of
gemeenten, aggregated as the build aggregates a region). Nederland is always the last column, pinned: the table
scrolls sideways under it and under the indicator column. Each area keeps its colour whatever the order: colours are
slots of :data:`PALETTE` handed out in the order areas were added, kept in the session and in ``kleuren=``.
Values are shown in their own units; the stored distance to Nederland (robust sd) is the other view.
"""

from __future__ import annotations

import html
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import common, data, profile
from dashboard.components import charts
from dashboard.components.charts import dutch
from dashboard.components.fmt import column_decimals, fmt_signed, method_nl, with_unit
from dashboard.params import ViewParams, set_params

DEFAULT = ["regio:twente", "regio:zuid-limburg", "regio:noord-en-oost-groningen"]
NL_KEY = "NL01"
OWN = "eigen"  # option key of the own region from ?gemeenten=
MAX_AREAS = 10
# Ten colours for graphics, each at least 4.8:1 against white (WCAG 1.4.11 asks 3:1), mutually distinct hues.
PALETTE = ["#1f5fa8", "#b35900", "#2e7d32", "#7b3294", "#c0392b", "#00727a", "#7a6a00", "#c2185b", "#5d4037",
           "#4a5a8a"]
NL_COLOUR = "#333333"
SLOTS = "cmp_slots"  # session key: option key → palette slot
NOTICE = "cmp_notice"  # session key: a refusal to show once (the widget callback cannot show it itself)
WIDGET = "cmp_areas"
VIEWS = {"waarden": "Waarden in hun eigen eenheid", "sd": "Afstand tot Nederland (robuuste sd)"}
LEVEL_SUFFIX = {"GM": "gemeente", "CR": "COROP", "PV": "provincie"}
CSS = """<style>
.bw-cmp-wrap { overflow-x: auto; max-width: 100%; border: 1px solid #c7cbd1; border-radius: .3rem; padding: 0; }
.bw-cmp { border-collapse: separate; border-spacing: 0; font-size: .9rem; min-width: 100%; margin: 0; border: 0; }
.bw-cmp th, .bw-cmp td { padding: .35rem .5rem; border: 0; border-bottom: 1px solid #e1e4e8; vertical-align: top;
  background: #ffffff; }
.bw-cmp thead th { vertical-align: bottom; text-align: right; font-weight: 600; min-width: 6.5rem; }
.bw-cmp thead th .bw-sw { display: block; height: .35rem; margin-bottom: .3rem; border-radius: .15rem; }
.bw-cmp td { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.bw-cmp .bw-ind { position: sticky; left: 0; z-index: 2; text-align: left; min-width: 13rem; max-width: 17rem;
  white-space: normal; box-shadow: -8px 0 0 #ffffff, 1px 0 0 #c7cbd1; }
.bw-cmp .bw-ind small { display: block; color: #595959; font-weight: 400; }
.bw-cmp .bw-nl { position: sticky; right: 0; z-index: 2; background: #f3f4f6; box-shadow: 8px 0 0 #f3f4f6, -1px 0 0 #c7cbd1; }
.bw-cmp td.bw-missing { color: #595959; }
.bw-cmp caption.bw-sr { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
</style>"""


def area_options() -> dict[str, str]:
    """Option key → label: 'regio:<id>' for the regions, CBS codes for the provinces, COROP areas and gemeenten."""
    opts = {f"regio:{rid}": f"{r.name} (regio)" for rid, r in data.region_defs().items() if rid != "nederland"}
    regions = data.regions_table()
    for level in ("PV", "CR", "GM"):
        part = regions[(regions["region_level"] == level) & regions["is_current"]].sort_values("name")
        opts.update({row.region_code: f"{row.name} ({LEVEL_SUFFIX[level]})" for row in part.itertuples()})
    return opts


def normalise_keys(raw: str | None) -> str | None:
    """Accept bare region ids and lower-case codes in a link: 'achterhoek,cr39' → 'regio:achterhoek,CR39'."""
    if not raw:
        return raw
    regions = set(data.region_defs())
    return ",".join(f"regio:{k}" if k in regions else k.strip().upper() if k[:2].lower() in ("gm", "cr", "pv", "nl")
                    else k for k in raw.split(","))


def _target(key: str) -> tuple[str, str | None]:
    """(profile key, delineation) of an option key (a region in its default delineation)."""
    if key.startswith("regio:"):
        rid = key.split(":", 1)[1]
        return rid, data.region_defs()[rid].default_delineation
    return key, None


def values_for_area(key: str, own: tuple[str, ...] = ()) -> pd.DataFrame:
    """All values (every indicator and period) of an option key, from the profile read model."""
    if key == OWN:
        return data.own_region_values(own)
    return profile.values(*_target(key))


def stored_z(key: str, indicator_id: str) -> float | None:
    """The area's stored distance to NL (robust sd of the COROP areas; positive = better), latest period; an own
    region has none (the pipeline judges only the stored areas)."""
    if key == NL_KEY:
        return 0.0
    if key == OWN:
        return None
    comps = profile.comparisons(*_target(key))
    if indicator_id not in comps.index or pd.isna(comps.loc[indicator_id, "z"]):
        return None
    return float(comps.loc[indicator_id, "z"])


def _by_indicator(frame: pd.DataFrame) -> dict[str, dict[int, float]]:
    """indicator id → {period: value} of the non-missing values (one pass over an area's values)."""
    frame = frame[frame["value"].notna()]
    out: dict[str, dict[int, float]] = {}
    for iid, period, value in zip(frame["indicator_id"], frame["period"], frame["value"], strict=True):
        out.setdefault(iid, {})[int(period)] = float(value)
    return out


def comparison_table(keys: list[str], theme: str, twins: bool = False, own: tuple[str, ...] = (),
                     labels: dict[str, str] | None = None,
                     series: dict[str, dict[str, dict[int, float]]] | None = None) -> pd.DataFrame:
    """Per indicator of a theme the latest period in which every area and Nederland have a value (else each its
    own latest, ``Jaar`` None): one value column per area (by label) plus 'Nederland'; one indicator per concept
    unless ``twins``. ``series`` (key → :func:`_by_indicator`) saves reading the areas again for every theme."""
    cat = data.indicators()
    ids = cat[(cat["theme"] == theme) & (twins | cat["twin_of"].isna())].index.tolist()
    labels = labels or area_options()
    areas = [k for k in keys if k != NL_KEY]
    series = series or {}
    for k in [*areas, NL_KEY]:
        if k not in series:
            series[k] = _by_indicator(data.nl_values() if k == NL_KEY else values_for_area(k, own))
    rows = []
    for iid in ids:
        mine = {k: series[k].get(iid, {}) for k in [*areas, NL_KEY]}
        if not mine[NL_KEY] and not any(mine.values()):
            continue
        common_periods = set(mine[NL_KEY]).intersection(*(set(v) for v in mine.values()))
        period = max(common_periods) if common_periods else None
        row: dict[str, Any] = {"Indicator": cat.loc[iid, "label_nl"], "Eenheid": cat.loc[iid, "unit"],
                               "Jaar": period, "Richting": common.direction_nl(cat.loc[iid, "direction"]),
                               "_id": iid, "_years": {}}
        for k, v in mine.items():
            year = period if period is not None else (max(v) if v else None)
            label = "Nederland" if k == NL_KEY else labels[k]
            row[label] = v.get(year) if year is not None else None
            row["_years"][label] = year if row[label] is not None else None
        rows.append(row)
    return pd.DataFrame(rows)


def assign_slots(keys: list[str], known: dict[str, int]) -> dict[str, int]:
    """Palette slots for ``keys``: kept for areas that have one, the lowest free slot for a new one (in order)."""
    slots = {k: known[k] for k in keys if k in known and 0 <= known[k] < len(PALETTE)}
    used = set()
    for k in list(slots):  # two areas from a hand-made link on one slot: the later one gets a new slot
        if slots[k] in used:
            del slots[k]
        else:
            used.add(slots[k])
    for k in keys:
        if k not in slots:
            slots[k] = next(i for i in range(len(PALETTE)) if i not in used)
            used.add(slots[k])
    return slots


def colours(keys: list[str]) -> dict[str, str]:
    """Option key → colour, from this session's slots (see :func:`assign_slots`)."""
    slots = st.session_state.get(SLOTS, {})
    return {k: PALETTE[slots[k]] for k in keys if k in slots}


def _refuse_extra() -> None:
    """Widget callback: an 11th area is taken out again, with a Dutch notice on the next run."""
    chosen = list(st.session_state.get(WIDGET, []))
    if len(chosen) > MAX_AREAS:
        options = area_options()
        dropped = chosen[MAX_AREAS:]
        st.session_state[WIDGET] = chosen[:MAX_AREAS]
        names = ", ".join(f"‘{options.get(k, k)}’" for k in dropped)
        st.session_state[NOTICE] = (f"Je kunt hoogstens {MAX_AREAS} gebieden tegelijk vergelijken (Nederland staat er "
                                    f"altijd bij); {names} is niet toegevoegd. Haal eerst een gebied weg.")


def _cell(value: float | None, unit: str, decimals: int, year: int | None, shared_year: int | None, css: str) -> str:
    if value is None or pd.isna(value):
        return f"<td class='bw-missing {css}' title='geen data'>–</td>"
    text = html.escape(with_unit(value, unit, decimals))
    if shared_year is None and year is not None:
        text += f" <small>({year})</small>"
    return f"<td class='{css}'>{text}</td>" if css else f"<td>{text}</td>"


def _z_cell(z: float | None, css: str) -> str:
    if z is None:
        return f"<td class='bw-missing {css}' title='geen afstand opgeslagen'>–</td>"
    text = f"{html.escape(fmt_signed(z, 2))} sd"
    return f"<td class='{css}'>{text}</td>" if css else f"<td>{text}</td>"


def table_html(table: pd.DataFrame, keys: list[str], labels: dict[str, str], palette: dict[str, str],
               caption: str, view: str) -> str:
    """The comparison as an HTML table: indicator column and Nederland pinned (sticky), the areas in between."""
    areas = [k for k in keys if k != NL_KEY]
    head = ["<th scope='col' class='bw-ind'>Indicator</th>"]
    for k in areas:
        head.append(f"<th scope='col' data-key='{html.escape(k)}'><span class='bw-sw' aria-hidden='true' "
                    f"style='background:{palette.get(k, NL_COLOUR)}'></span>{html.escape(labels[k])}</th>")
    head.append(f"<th scope='col' class='bw-nl' data-key='{NL_KEY}'><span class='bw-sw' aria-hidden='true' "
                f"style='background:{NL_COLOUR}'></span>Nederland</th>")
    body = []
    for r in table.to_dict("records"):
        year = r["Jaar"] if pd.notna(r["Jaar"]) else None
        when = str(int(year)) if year is not None else "laatste jaar per gebied"
        unit = str(r["Eenheid"])
        row = [f"<th scope='row' class='bw-ind'>{html.escape(r['Indicator'])}<small>{html.escape(unit)} · {when} · "
               f"{html.escape(r['Richting'])}</small></th>"]
        columns = [labels[k] for k in areas] + ["Nederland"]
        decimals = column_decimals(pd.Series([r[c] for c in columns], dtype="float64"), unit)
        for k, col in zip([*areas, NL_KEY], columns, strict=True):
            css = "bw-nl" if k == NL_KEY else ""
            if view == "sd":
                has = r[col] is not None and pd.notna(r[col])
                row.append(_z_cell(stored_z(k, r["_id"]) if has else None, css))
            else:
                row.append(_cell(r[col], unit, decimals, r["_years"].get(col), year, css))
        body.append("<tr>" + "".join(row) + "</tr>")
    return (f"<div class='bw-cmp-wrap' role='region' tabindex='0' aria-label='{html.escape(caption)}'>"
            f"<table class='bw-cmp'><caption class='bw-sr'>{html.escape(caption)}</caption><thead><tr>{''.join(head)}"
            f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def comparison_chart(table: pd.DataFrame, keys: list[str], labels: dict[str, str],
                     palette: dict[str, str] | None = None) -> alt.Chart:
    """Per indicator the stored distance to NL of each area (grouped bars; positive = better), colours per area."""
    rows = [{"Indicator": r["Indicator"], "Gebied": labels[k], "z": z}
            for r in table.to_dict("records") for k in keys if k != NL_KEY and (z := stored_z(k, r["_id"])) is not None]
    frame = pd.DataFrame(rows, columns=["Indicator", "Gebied", "z"])
    order = [labels[k] for k in keys if k != NL_KEY]
    palette = palette or {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(k for k in keys if k != NL_KEY)}
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("z:Q", title="← slechter dan NL · beter dan NL → (robuuste sd van de 40 COROP-gebieden)",
                scale=alt.Scale(domain=[-3, 3], clamp=True)),
        y=alt.Y("Indicator:N", title=None, sort=list(table["Indicator"]), axis=alt.Axis(labelLimit=360)),
        yOffset=alt.YOffset("Gebied:N", sort=order),
        color=alt.Color("Gebied:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=[palette.get(k, NL_COLOUR) for k in keys if k != NL_KEY])),
        tooltip=[alt.Tooltip("Gebied:N"), alt.Tooltip("Indicator:N"), alt.Tooltip("z:Q", title="sd", format="+.2f")],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333333").encode(x="x:Q")
    height = max(120, 14 * max(1, len(order)) * len(table) + 40)
    return dutch((bars + zero).properties(height=height), orient="top", labelLimit=300)


def _own_codes(params: ViewParams) -> tuple[str, ...]:
    """The gemeenten of ``?gemeenten=`` (unknown codes dropped with a notice)."""
    if not params.get("gemeenten"):
        return ()
    names = profile.current_gemeenten()
    params.raw["gemeenten"] = [",".join(c.strip().upper() for c in v.split(",")) for v in params.raw["gemeenten"]]
    return tuple(sorted(params.choices("gemeenten", list(names), [], "gemeentecodes")))


def render() -> None:
    """The page."""
    if not common.require_store():
        return
    params = ViewParams()
    params.raw["gebieden"] = [normalise_keys(v) for v in params.raw.get("gebieden", [])]
    st.title("Regio's vergelijken")
    options = area_options()
    own = _own_codes(params)
    labels = dict(options)
    if own:
        options[OWN] = labels[OWN] = f"Eigen regio ({len(own)} gemeente{'n' if len(own) != 1 else ''})"
    themes = data.indicators().drop_duplicates("theme")[["theme", "theme_name"]]
    theme_names = dict(zip(themes["theme"], themes["theme_name"], strict=True))
    theme = params.choice("thema", list(theme_names), "gezondheid", "thema")
    linked_now = params.from_link("gebieden") is not None or params.from_link("gemeenten") is not None
    if WIDGET not in st.session_state or linked_now:  # first run on this page, or a new link: the link decides
        linked = params.choices("gebieden", [*options, NL_KEY], [] if own else DEFAULT, "gebieden")
        linked = [k for k in linked if k != NL_KEY]  # Nederland is always there
        if own and OWN not in linked:
            linked.append(OWN)
        chosen = params.limited(linked, MAX_AREAS, "gebieden")
        given = (params.get("kleuren") or "").split(",")
        known = {k: int(s) for k, s in zip(linked, given, strict=False) if s.isascii() and s.isdigit() and len(s) < 4}
        st.session_state[SLOTS] = assign_slots(chosen, known)
        st.session_state[WIDGET] = chosen
    with st.sidebar:
        st.header("Vergelijking", anchor=False)
        st.multiselect(f"Gebieden (hoogstens {MAX_AREAS}; Nederland staat er altijd bij)", list(options),
                       format_func=options.get, key=WIDGET, placeholder="Typ de naam van een gebied",
                       on_change=_refuse_extra)
        view = st.radio("Weergave", list(VIEWS), format_func=VIEWS.get, key="cmp_view",
                        index=list(VIEWS).index(params.get("weergave")) if params.get("weergave") in VIEWS else 0)
        twins = st.toggle("Ook indicatoren uit een tweede bron", value=params.flag("tweede_bron"), key="cmp_twins")
    chosen = [k for k in st.session_state.get(WIDGET, []) if k in options][:MAX_AREAS]
    if NOTICE in st.session_state:
        st.warning(st.session_state.pop(NOTICE), icon=":material/warning:")
    params.show_messages()
    slots = assign_slots(chosen, st.session_state.get(SLOTS, {}))
    st.session_state[SLOTS] = {**st.session_state.get(SLOTS, {}), **slots}
    slot_text = ",".join(str(slots[k]) for k in chosen)
    set_params(gebieden=",".join(chosen), gemeenten=",".join(own) if OWN in chosen else None,
               kleuren=slot_text if slot_text != ",".join(map(str, range(len(chosen)))) else None,
               thema=theme if theme != "gezondheid" else None, weergave=view if view != "waarden" else None,
               tweede_bron="1" if twins else None)
    if not chosen:
        st.info("Kies in de zijbalk ten minste één gebied; het wordt vergeleken met Nederland.", icon=":material/info:")
        common.footer()
        return
    palette = colours(chosen)
    keys = [*chosen, NL_KEY]
    chips = " ".join(f"<span style='border-left:.6rem solid {palette[k]};padding-left:.3rem;margin-right:.6rem'>"
                     f"{html.escape(labels[k])}</span>" for k in chosen)
    st.markdown(f"<p>{chips} tegenover <b>Nederland</b></p>", unsafe_allow_html=True)
    st.markdown(CSS, unsafe_allow_html=True)
    st.caption("Per indicator het laatste jaar waarin alle gekozen gebieden en Nederland een waarde hebben (anders per "
               "gebied het eigen laatste jaar, tussen haakjes). Nederland staat vast rechts; de tabel schuift opzij "
               "als er meer gebieden zijn dan passen. Regio's: standaardafbakening; waarden van beleidsregio's, een "
               "eigen regio en meerdere COROP-gebieden samen zijn afgeleid "
               f"({method_nl('derived:bevolkingsgewogen_gemiddelde')}). Bron: CBS.")
    shown = 0
    series: dict[str, dict[str, dict[int, float]]] = {}
    for theme_id, name in theme_names.items():
        table = comparison_table(keys, theme_id, twins, own, labels, series)
        if table.empty:
            continue
        shown += 1
        with st.expander(f"{name} ({len(table)} indicator{'en' if len(table) != 1 else ''})",
                         expanded=theme_id == theme):
            caption = f"{name}: {', '.join(labels[k] for k in chosen)} en Nederland"
            st.markdown(table_html(table, keys, labels, palette, caption, view), unsafe_allow_html=True)
            if view == "sd":
                charts.show(charts.spec(comparison_chart(table, keys, labels, palette)),
                            f"Afstand tot Nederland per indicator van het thema {name}; de tabel erboven geeft de cijfers.")
    if not shown:
        st.info("Voor deze gebieden zijn geen gemeenschappelijke gegevens.", icon=":material/info:")
    if view == "sd":
        st.caption("Afstand: de opgeslagen afstand tot Nederland in het laatste jaar van elk gebied, in robuuste "
                   "standaardafwijkingen van de 40 COROP-gebieden (regel niveau, zie Over); positief = beter. Een eigen "
                   "regio heeft geen opgeslagen afstand.")
    common.footer()


