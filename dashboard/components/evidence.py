"""The evidence behind a claim's verdict, as the pipeline stored it: sentences, a table and a small chart.

Nothing here judges: verdicts, outcomes and statistics come from the store (``claim_verdicts``,
``claim_evidence``, written by :mod:`seeds.engine`). This module only formats them.
"""

from __future__ import annotations

import math
import re
import textwrap
from typing import Any

import altair as alt
import pandas as pd

from dashboard.components.fmt import fmt_num, rounded

LEVEL_NL = {"CR": "COROP-gebieden", "GM": "gemeenten"}
OUTCOME_COLOURS = {  # colour-blind-safe: green/orange for the two directions, grey for no difference
    "beter": "#1b7837", "gunstiger": "#1b7837", "achterstand kleiner": "#1b7837", "voorsprong groeit": "#1b7837",
    "neemt af": "#1b7837",
    "slechter": "#b35806", "ongunstiger": "#b35806", "achterstand groeit": "#b35806", "voorsprong kleiner": "#b35806",
    "neemt toe": "#b35806",
    "gelijk": "#595959", "stabiel": "#595959",
}


def _num(value: Any, unit: str = "", decimals: int | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    return fmt_num(float(value), decimals, unit=unit)


def _pct(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):+.1%}".replace(".", ",")


def pair_sentence(row: Any, region_name: str | None = None) -> str:
    """One evidence row in words, e.g. 'Twente · Werkloosheid (CBS 86088NED) 2024: 3,6 (NL 3,7) → gelijk'."""
    unit = row.unit if isinstance(row.unit, str) else ""
    who = f"{region_name} · " if region_name else ""
    name = row.indicator if isinstance(row.indicator, str) else row.indicator_id
    outcome = row.outcome
    if row.test == "niveau":
        return f"{who}{name} {_year(row.period_to)}: {_num(row.value_to, unit)} (NL {_num(row.nl_to, unit)}) → {outcome}"
    if row.test == "achterstand":
        return (f"{who}{name} {_year(row.period_from)}–{_year(row.period_to)}: {_num(row.value_from, unit)} → "
                f"{_num(row.value_to, unit)} (NL {_num(row.nl_from, unit)} → {_num(row.nl_to, unit)}) → {outcome}")
    if row.test in ("ontwikkeling", "krimp"):
        return (f"{who}{name} {_year(row.period_from)}–{_year(row.period_to)}: {_num(row.value_from, unit)} → "
                f"{_num(row.value_to, unit)} (NL {_num(row.nl_from, unit)} → {_num(row.nl_to, unit)}) → {outcome}")
    if row.test == "spreiding":
        level = LEVEL_NL.get(row.level, row.level or "")
        return (f"{name}, {level} {_year(row.period_from)}–{_year(row.period_to)}: spreiding volgens de trendlijn "
                f"{_num(row.value_from, decimals=3)} → {_num(row.value_to, decimals=3)} ({_pct(row.statistic)} per tien "
                f"jaar) → {outcome}")
    if row.test == "groep":
        return f"{name} {_year(row.period_to)}: groep A {_num(row.value_to, unit)}, groep B {_num(row.nl_to, unit)} → {outcome}"
    return f"{who}{name}: {outcome}"


def _year(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else str(int(value))


def judged(evidence: pd.DataFrame) -> pd.DataFrame:
    """The pairs that count for the verdict (not the ones without usable figures)."""
    return evidence[evidence["direction"].notna()]


DIRECTION_NL = {1: "in de richting van de claim", -1: "de andere kant", 0: "geen duidelijk verschil"}


def counts_word(row: Any) -> str:
    """How a pair counts, in words."""
    if pd.isna(row.direction):
        return "telt niet mee (geen bruikbare cijfers)"
    text = DIRECTION_NL[int(row.direction)]
    counted = getattr(row, "counted", True)
    return text if counted is None or pd.isna(counted) or bool(counted) else text + " (telt samen met een bijna gelijke indicator)"


def lines(evidence: pd.DataFrame, names: dict[str, str], limit: int = 4) -> list[str]:
    """The first pairs in words: disagreeing and agreeing ones mixed so the reader sees both sides."""
    rows = judged(evidence)
    if rows.empty:
        return []
    agree, other = rows[rows["direction"] == 1], rows[rows["direction"] != 1]
    picked = pd.concat([agree.head((limit + 1) // 2), other.head(limit // 2)])
    if len(picked) < limit:
        picked = pd.concat([picked, rows.drop(picked.index).head(limit - len(picked))])
    out = [pair_sentence(r, names.get(r.region_id) if isinstance(r.region_id, str) else None)
           for r in picked.itertuples()]
    if len(rows) > len(picked):
        out.append(f"… en {len(rows) - len(picked)} paren meer (zie de tabel)")
    return out


def table(evidence: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """All pairs with Dutch column names and numbers formatted the Dutch way."""
    ev = evidence.copy()
    units = [u if isinstance(u, str) else "" for u in ev["unit"]]
    return pd.DataFrame({
        "Gebied": [names.get(r, r) if isinstance(r, str) else "Nederland (alle gebieden)" for r in ev["region_id"]],
        "Indicator": ev["indicator"].fillna(ev["indicator_id"]),
        "Niveau": ev["level"].map(lambda lv: LEVEL_NL.get(lv, "") if isinstance(lv, str) else ""),
        "Van": pd.to_numeric(ev["period_from"], errors="coerce").astype("Int64"),
        "Tot": pd.to_numeric(ev["period_to"], errors="coerce").astype("Int64"),
        "Waarde van": rounded(ev["value_from"], units), "Waarde tot": rounded(ev["value_to"], units),
        "NL / groep B van": rounded(ev["nl_from"], units), "NL / groep B tot": rounded(ev["nl_to"], units),
        "Eenheid": units,
        "Maat": [_statistic(r) for r in ev.itertuples()],
        "Uitkomst": ev["outcome"],
        "Telt als": [counts_word(r) for r in ev.itertuples()],
        "Toelichting": ev["note"].fillna(""),
    })


TABLE_NUMBERS: dict[str, int | None] = dict.fromkeys(("Waarde van", "Waarde tot", "NL / groep B van", "NL / groep B tot"))
TABLE_YEARS = ("Van", "Tot")


def _statistic(row: Any) -> str:
    if row.statistic is None or pd.isna(row.statistic):
        return "–"
    if row.test in ("niveau", "groep", "ontwikkeling"):
        return f"{float(row.statistic):+.2f} sd".replace(".", ",")
    if row.test == "achterstand":
        return f"{float(row.statistic):+.2f} sd per tien jaar".replace(".", ",")
    if row.test in ("spreiding", "krimp"):
        return _pct(row.statistic) + (" per tien jaar" if row.test == "spreiding" else "")
    unit = row.unit if isinstance(row.unit, str) else ""
    return f"{'+' if row.statistic > 0 else ''}{_num(row.statistic, unit)} (drempel {_num(row.threshold, unit)})"


LABEL_WIDTH = 26  # characters per line of an indicator name on the chart's y axis (whole names, wrapped)
LABEL_LINES = "split(datum.label, '\\n')"  # Vega draws an array label as lines
DREMPEL_NL = ("Drempel: het kleinste verschil dat telt, in robuuste standaardafwijkingen van de 40 COROP-gebieden "
              "(het grijze vlak in de grafiek); een kleiner verschil, of een verschil binnen de afronding of het "
              "betrouwbaarheidsinterval van het CBS, heet geen duidelijk verschil. De regels staan op de pagina Over.")


SOURCE_SUFFIX = re.compile(r"\s*\((?:CBS \w+|Monitor Brede Welvaart)\)$")


def axis_labels(names: pd.Series) -> list[str]:
    """Indicator names for the y axis: whole words wrapped over lines of at most ``LABEL_WIDTH`` characters, without
    the source in brackets unless two names would then read the same (the tooltip and table keep the full name)."""
    full = list(names)
    short = [SOURCE_SUFFIX.sub("", n) for n in full]
    sources: dict[str, set[str]] = {}
    for s, n in zip(short, full, strict=True):
        sources.setdefault(s, set()).add(n)
    chosen = [n if len(sources[s]) > 1 else s for s, n in zip(short, full, strict=True)]
    return ["\n".join(textwrap.wrap(n, LABEL_WIDTH, break_long_words=False)) or n for n in chosen]


def chart(evidence: pd.DataFrame, test: str, names: dict[str, str], dispersion: pd.DataFrame | None = None
          ) -> alt.Chart | None:
    """A small chart that fits the test: distance to NL per pair (niveau, groep, ontwikkeling), the gap at the
    start and end of the window (achterstand), or the dispersion over time (spreiding)."""
    rows = judged(evidence)
    if rows.empty:
        return None
    rows = rows.assign(
        gebied=[names.get(r, r) if isinstance(r, str) else "" for r in rows["region_id"]],
        indicator=rows["indicator"].fillna(rows["indicator_id"]),
        kleur=rows["outcome"].map(OUTCOME_COLOURS).fillna("#595959"),
    )
    rows = rows.assign(label=axis_labels(rows["indicator"]))
    colour = alt.Color("kleur:N", scale=None, legend=None)
    lines_per_row = max(label.count("\n") + 1 for label in rows["label"])
    height = alt.Step(14 * lines_per_row + 10)  # room for every wrapped label (Vega hides labels that overlap)
    y_axis = alt.Axis(labelExpr=LABEL_LINES, labelLimit=0)
    if test == "spreiding" and dispersion is not None and not dispersion.empty:
        disp = dispersion[dispersion["level"] == "CR"].copy()
        disp = disp[disp["indicator_id"].isin(rows["indicator_id"])]
        if disp.empty:
            return None
        first = disp.sort_values("period").groupby("indicator_id")["cv"].transform("first")
        disp["index"] = 100 * disp["cv"] / first
        disp["indicator"] = disp["indicator_id"].map(dict(zip(rows["indicator_id"], rows["indicator"], strict=False)))
        return alt.Chart(disp).mark_line(point=True, strokeWidth=1.5).encode(
            x=alt.X("period:O", title="jaar"),
            y=alt.Y("index:Q", title="variatiecoëfficiënt, eerste jaar = 100", scale=alt.Scale(zero=False)),
            detail="indicator:N", color=alt.value("#08519c"),
            tooltip=[alt.Tooltip("indicator:N", title="indicator"), alt.Tooltip("period:O", title="jaar"),
                     alt.Tooltip("cv:Q", title="variatiecoëfficiënt", format=".3f")],
        ).properties(height=260)
    if test == "achterstand":
        rows = rows.assign(start=rows["statistic"] * 0, eind=rows["statistic"])
        base = alt.Chart(rows).encode(y=alt.Y("label:N", title=None, sort=None, axis=y_axis))
        bars = base.mark_bar(height=10).encode(
            x=alt.X("eind:Q", title=["verandering van de kloof per tien jaar,", "in robuuste sd (links = tegen de regio)"]),
            x2="start:Q", color=colour,
            tooltip=[alt.Tooltip("gebied:N", title="gebied"), alt.Tooltip("indicator:N", title="indicator"),
                     alt.Tooltip("outcome:N", title="uitkomst")],
        )
        t = float(rows["threshold"].max())
        rule = alt.Chart(pd.DataFrame({"x": [-t, t]})).mark_rule(color="#595959", strokeDash=[3, 3]).encode(x="x:Q")
        layer = bars + rule
        if rows["gebied"].nunique() > 1:
            layer = bars.encode(yOffset=alt.YOffset("gebied:N")) + rule
        return layer.properties(height=height)
    base = alt.Chart(rows).mark_circle(size=90, opacity=0.9).encode(
        x=alt.X("statistic:Q", title=["verschil in robuuste standaardafwijkingen", "(rechts = beter)"]),
        y=alt.Y("label:N", title=None, sort=None, axis=y_axis), color=colour,
        tooltip=[alt.Tooltip("gebied:N", title="gebied"), alt.Tooltip("indicator:N", title="indicator"),
                 alt.Tooltip("outcome:N", title="uitkomst"), alt.Tooltip("statistic:Q", title="sd", format="+.2f")],
    )
    t = float(rows["threshold"].max()) if rows["threshold"].notna().any() else 0.0
    band = alt.Chart(pd.DataFrame({"a": [-t], "b": [t]})).mark_rect(color="#d9d9d9", opacity=0.5).encode(
        x="a:Q", x2="b:Q")
    return (band + base).properties(height=height)


def chart_summary(verdict: dict[str, Any]) -> str:
    """Text alternative for the evidence chart."""
    return (f"Grafiek bij de claim: {verdict.get('n_support', 0)} van de {verdict.get('n_indicators', 0)} beoordeelde "
            f"indicatoren wijzen in de richting van de claim, {verdict.get('n_contra', 0)} de andere kant. "
            "Het grijze vlak is de drempel, het kleinste verschil dat telt: verschillen daarbinnen tellen niet. "
            "De tabel hieronder geeft dezelfde cijfers.")
