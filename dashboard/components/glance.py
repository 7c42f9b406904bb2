"""'At a glance' blocks of a region page as accessible HTML: key-figure cards, the theme overview, the profile.

Everything shown comes from the stored comparisons (``comparisons``, ``theme_overview``; rules in
:mod:`seeds.rules`). Colours are never the only carrier of meaning: every tone has a word and an arrow, text
contrast is at least 4.5:1 on white, and the theme tiles are links to the theme's rows in the profile.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from dashboard.components.fmt import fmt_signed, source_label, with_unit
from dashboard.components.summary import gap_tone, tone

GREEN, ORANGE, GREY = "#1b7837", "#a6470a", "#595959"  # ≥ 4.5:1 on white and on #f5f6f8
ARROWS = {"better": "▲", "worse": "▼", "": "●"}
KLOOF_NL = {
    "achterstand groeit": "achterstand groeit",
    "achterstand kleiner": "achterstand kleiner",
    "voorsprong groeit": "voorsprong groeit",
    "voorsprong kleiner": "voorsprong kleiner",
    "stabiel": "kloof stabiel",
}
NIVEAU_NL = {"beter": "beter dan NL", "slechter": "slechter dan NL", "gelijk": "gelijk aan NL"}

CSS = f"""
<style>
.bw-kpis {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(15.5rem, 1fr)); gap: .6rem; margin: .3rem 0 1rem 0; }}
.bw-kpi {{ border: 1px solid #c7cbd1; border-left: 8px solid {GREY}; border-radius: .4rem; padding: .55rem .75rem;
  background: #fff; color: #1a1a1a; }}
.bw-kpi.better {{ border-left-color: {GREEN}; }} .bw-kpi.worse {{ border-left-color: {ORANGE}; }}
.bw-kpi .t {{ font-size: .95rem; font-weight: 600; line-height: 1.25; }}
.bw-kpi .v {{ font-size: 1.75rem; font-weight: 700; line-height: 1.2; margin: .15rem 0; }}
.bw-kpi .c {{ font-size: .9rem; }}
.bw-kpi .k {{ font-size: .9rem; font-weight: 600; margin-top: .15rem; }}
.bw-kpi .s {{ font-size: .8rem; color: #4d4d4d; margin-top: .25rem; }}
.bw-better {{ color: {GREEN}; }} .bw-worse {{ color: {ORANGE}; }} .bw-neutral {{ color: {GREY}; }}
.bw-tiles {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(11.5rem, 1fr)); gap: .5rem; margin: .3rem 0 .8rem 0; }}
.bw-tile {{ display: block; border: 1px solid #c7cbd1; border-radius: .4rem; padding: .45rem .6rem; background: #fff;
  color: #1a1a1a !important; text-decoration: none !important; }}
.bw-tile:hover {{ border-color: #0b3d91; }}
.bw-tile:focus-visible {{ outline: 3px solid #0b3d91; outline-offset: 2px; }}
.bw-tile .n {{ font-weight: 700; font-size: .95rem; }}
.bw-tile .g {{ font-size: .8rem; color: #4d4d4d; }}
.bw-bar {{ display: flex; height: .55rem; border-radius: .2rem; overflow: hidden; margin: .3rem 0; background: #e6e6e6; }}
.bw-bar span {{ display: block; height: 100%; }}
.bw-tile .l {{ font-size: .85rem; }}
.bw-sr {{ position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }}
table.bw-prof {{ width: 100%; border-collapse: collapse; font-size: .9rem; color: #1a1a1a; }}
table.bw-prof th, table.bw-prof td {{ padding: .28rem .4rem; border-bottom: 1px solid #e1e3e6; text-align: left;
  vertical-align: middle; }}
table.bw-prof th {{ font-weight: 600; background: #f5f6f8; }}
table.bw-prof tr.theme th {{ background: #e9edf5; font-size: .95rem; }}
table.bw-prof td.num {{ text-align: right; white-space: nowrap; }}
table.bw-prof th.num {{ text-align: right; }}
table.bw-list tbody th {{ font-weight: 400; background: none; }}
.bw-z {{ position: relative; height: .8rem; min-width: 9rem; background: linear-gradient(90deg, transparent 49.6%,
  #4d4d4d 49.6%, #4d4d4d 50.4%, transparent 50.4%); }}
.bw-z span {{ position: absolute; top: .1rem; height: .6rem; }}
</style>
"""


def _esc(text: Any) -> str:
    return html.escape("" if text is None else str(text))


def _arrowed(text: str) -> str:
    """Escaped text whose leading arrow (▲ ▼ ●) is hidden from screen readers: the words carry the meaning."""
    head, _, rest = text.partition(" ")
    if head in ARROWS.values() and rest:
        return f"<span aria-hidden='true'>{head}</span> {_esc(rest)}"
    return _esc(text)


def _valid(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and not pd.isna(value)


def kloof_text(row: Any) -> tuple[str, str]:
    """('▲ achterstand kleiner sinds 2013', 'better') — the gap's movement in words, arrow and tone."""
    outcome = row.get("kloof")
    if outcome in KLOOF_NL and _valid(row.get("kloof_from")):
        t = gap_tone(outcome)
        return f"{ARROWS[t]} {KLOOF_NL[outcome]} sinds {int(row['kloof_from'])}", t
    if outcome == "te weinig jaren":
        return "● te weinig jaren voor een trend", ""
    return "", ""


def kpi_card(row: dict[str, Any], peers: str = "COROP-gebieden") -> str:
    """One key-figure card: full title with year, value, NL, difference, rank among ``peers``, gap trend, source."""
    title = f"{row['name']}" + (f" ({int(row['period'])})" if _valid(row.get("period")) else "")
    if not _valid(row.get("value")):
        return (f"<div class='bw-kpi'><div class='t'>{_esc(title)}</div><div class='v'>geen data</div>"
                f"<div class='s'>{_esc(row.get('reason') or '')}</div></div>")
    unit = row["unit"]
    t = tone(row.get("niveau"))
    niveau = NIVEAU_NL.get(row.get("niveau") or "", "")
    rank = (f" · positie {int(row['rank'])} van {int(row['n_ranked'])} {peers}"
            if _valid(row.get("rank")) else "")
    gap, gap_t = kloof_text(row)
    cls = {"better": "bw-better", "worse": "bw-worse"}.get(gap_t, "bw-neutral")
    src = source_label(row.get("source_table"), int(row["period"]), row.get("method"))
    return (
        f"<div class='bw-kpi {t}'><div class='t'>{_esc(title)}</div>"
        f"<div class='v'>{_esc(with_unit(row['value'], unit))}</div>"
        f"<div class='c'>NL {_esc(with_unit(row['nl_value'], unit))} · verschil {_esc(fmt_signed(row['diff']))}"
        f"{_esc(rank)}</div>"
        + (f"<div class='c'><b>{_arrowed(f'{ARROWS[t]} {niveau}')}</b></div>" if niveau else "")
        + (f"<div class='k {cls}'>{_arrowed(gap)}</div>" if gap else "")
        + f"<div class='s'>{_esc(unit)} · {_esc(src)}</div></div>"
    )


def kpi_cards(rows: pd.DataFrame, peers: str = "COROP-gebieden") -> str:
    """The grid of key-figure cards (positions among ``peers``)."""
    return "<div class='bw-kpis'>" + "".join(kpi_card(r, peers) for r in rows.to_dict("records")) + "</div>"


def theme_tiles(overview: pd.DataFrame) -> str:
    """The theme overview: per theme the counts better / equal / worse than NL and the gap movements, as links."""
    tiles = []
    for r in overview.itertuples():
        n = r.n_indicators
        if not n:
            continue
        bar = "".join(
            f"<span style='width:{100 * k / n:.1f}%;background:{colour}'></span>"
            for k, colour in ((r.n_beter, GREEN), (r.n_gelijk, "#9e9e9e"), (r.n_slechter, ORANGE)) if k
        )
        gaps = [f"<span class='{cls}'><span aria-hidden='true'>{arrow}</span> {k}<span class='bw-sr'> {word},</span></span>"
                for k, cls, arrow, word in ((r.n_kloof_gunstig, "bw-better", "▲", "gunstig"),
                                            (r.n_kloof_ongunstig, "bw-worse", "▼", "ongunstig"),
                                            (r.n_kloof_stabiel, "bw-neutral", "●", "stabiel")) if k]
        # The visible text is the link's name (no aria-label that would differ from it, WCAG 2.5.3); the arrows
        # are hidden from screen readers, which hear the words instead.
        tiles.append(
            f"<a class='bw-tile' href='#thema-{_esc(r.theme)}'>"
            f"<div class='n'>{_esc(r.theme_name)}</div>"
            f"<div class='bw-bar' aria-hidden='true'>{bar}</div>"
            f"<div class='l'><span class='bw-better'>{r.n_beter} beter</span> · {r.n_gelijk} gelijk · "
            f"<span class='bw-worse'>{r.n_slechter} slechter</span><span class='bw-sr'> dan Nederland;</span></div>"
            f"<div class='g'>kloof: {' '.join(gaps) if gaps else '–'}</div></a>"
        )
    return "<div class='bw-tiles'>" + "".join(tiles) + "</div>"


def _zbar(z: float, outcome: str) -> str:
    if not _valid(z):
        return ""
    width = min(abs(z), 3.0) / 3.0 * 50
    colour = {"beter": GREEN, "slechter": ORANGE}.get(outcome, "#9e9e9e")
    side = f"left:50%;width:{width:.1f}%" if z >= 0 else f"left:{50 - width:.1f}%;width:{width:.1f}%"
    return f"<div class='bw-z' aria-hidden='true'><span style='{side};background:{colour}'></span></div>"


def profile_table(profile: pd.DataFrame, anchors: bool = True) -> str:
    """The profile as a table grouped by theme: value, NL, distance bar, verdict and gap trend per indicator."""
    head = ("<table class='bw-prof'><thead><tr><th scope='col'>Indicator</th><th scope='col'>Regio</th>"
            "<th scope='col'>Nederland</th><th scope='col'>Afstand tot NL (← slechter · beter →)</th>"
            "<th scope='col'>Oordeel</th><th scope='col'>Kloof</th></tr></thead><tbody>")
    rows = []
    for theme, part in profile.groupby("theme", sort=False):
        anchor = f" id='thema-{_esc(theme)}'" if anchors else ""
        rows.append(f"<tr class='theme'{anchor}><th colspan='6' scope='rowgroup'>{_esc(part['theme_name'].iloc[0])}</th></tr>")
        for r in part.to_dict("records"):
            gap, gap_t = kloof_text(r)
            cls = {"better": "bw-better", "worse": "bw-worse"}.get(gap_t, "bw-neutral")
            t = tone(r.get("niveau"))
            verdict = NIVEAU_NL.get(r.get("niveau") or "", r.get("niveau") or "")
            src = f"{source_label(r.get('source_table'), int(r['period']), r.get('method'))}; {_signed_sd(r['z'])}"
            rows.append(
                f"<tr title='{_esc(src)}'><td>{_esc(r['name'])}</td>"
                f"<td class='num'>{_esc(with_unit(r['value'], r['unit']))} <small>({int(r['period'])})</small></td>"
                f"<td class='num'>{_esc(with_unit(r['nl_value'], r['unit']))}</td>"
                f"<td>{_zbar(r['z'], r.get('niveau'))}</td>"
                f"<td class='{ {'better': 'bw-better', 'worse': 'bw-worse'}.get(t, 'bw-neutral') }'>"
                f"{_arrowed(f'{ARROWS[t]} {verdict}')}</td><td class='{cls}'>{_arrowed(gap)}</td></tr>"
            )
    return head + "".join(rows) + "</tbody></table>"


NUM = " class='num'"


def text_table(frame: pd.DataFrame, label: str) -> str:
    """A small table of texts as HTML in the profile's style: the first column names the row (a row header), the
    others are right-aligned figures. All rows at once, without a scroll box or a canvas (keyboard and screen
    readers read it as a table); ``label`` names it for assistive software."""
    cols = list(frame.columns)
    head = "".join(f"<th scope='col'{'' if i == 0 else NUM}>{_esc(c)}</th>" for i, c in enumerate(cols))
    body = "".join("<tr><th scope='row'>" + _esc(r[0]) + "</th>"
                   + "".join(f"<td class='num'>{_esc(v)}</td>" for v in r[1:]) + "</tr>"
                   for r in frame.itertuples(index=False))
    return (f"<table class='bw-prof bw-list' aria-label='{_esc(label)}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _signed_sd(z: float) -> str:
    return f"{z:+.2f} robuuste sd".replace(".", ",") if _valid(z) else ""


def profile_text(profile: pd.DataFrame) -> str:
    """One-sentence summary of the profile (also the text alternative of its bars)."""
    n = len(profile)
    better = int((profile["niveau"] == "beter").sum())
    worse = int((profile["niveau"] == "slechter").sum())
    return (f"{better} van de {n} indicatoren beter dan Nederland, {worse} slechter, {n - better - worse} gelijk "
            "(regel niveau, zie Over).")


__all__ = ["CSS", "kpi_cards", "profile_table", "profile_text", "text_table", "theme_tiles"]
