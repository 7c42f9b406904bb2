"""Templated Dutch sentences for the region profile, every number taken from a stored row.

Nothing here judges: "beter", "gelijk" and "slechter" are the stored niveau outcome, the gap's movement is the
stored kloof outcome, the rank is the stored rank. The templates only choose words from them ("onder" or
"boven" follows the sign of the stored difference).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from dashboard.components.fmt import fmt_num, short_unit, with_unit
from seeds.rules import BETER, GELIJK, LABELS, SLECHTER, UNTESTABLE

# The key figures as the subject of a sentence (wording only; unknown indicators use the catalogue name).
SUBJECT_NL = {
    "levensverwachting": "De levensverwachting bij geboorte",
    "mediaan_inkomen": "Het mediane gestandaardiseerde inkomen",
    "werkloosheid": "De werkloosheid",
    "tevredenheid_leven": "Het aandeel inwoners dat tevreden is met het leven",
    "ervaren_gezondheid": "Het aandeel volwassenen dat de eigen gezondheid goed of zeer goed noemt",
    "afstand_huisartsenpraktijk": "De gemiddelde afstand tot een huisartsenpraktijk",
    "afstand_ziekenhuis": "De gemiddelde afstand tot een ziekenhuis",
}
NIVEAU_CLAUSE = {BETER: "dat is beter dan Nederland", SLECHTER: "dat is slechter dan Nederland",
                 GELIJK: "dat telt als gelijk aan Nederland"}
KLOOF_CLAUSE = {
    "achterstand groeit": "de achterstand groeit",
    "achterstand kleiner": "de achterstand wordt kleiner",
    "voorsprong groeit": "de voorsprong groeit",
    "voorsprong kleiner": "de voorsprong wordt kleiner",
    "stabiel": "de kloof blijft stabiel",
}


def _valid(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and not pd.isna(value)


def diff_text(diff: float, unit: str) -> str:
    """The size of a difference the way the card rounds it (one decimal), with a unit for differences."""
    short = short_unit(unit)
    word = "procentpunt" if short == "%" else short
    text = fmt_num(abs(float(diff)), 1)
    return f"{text} {word}" if word else text


def and_list(parts: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " en " + parts[-1]


def figure_sentence(row: Mapping[str, Any], region_name: str, peers: str = "COROP-gebieden") -> str | None:
    """'De levensverwachting bij geboorte in Twente (81,1 jaar, 2021) ligt 0,5 jaar onder het cijfer voor
    Nederland (81,6 jaar); positie 35 van 40 COROP-gebieden (1 = best); dat is slechter dan Nederland.'
    (``peers``: what the position is among, e.g. 'gemeenten' for a gemeente.)"""
    if not _valid(row.get("value")) or not _valid(row.get("nl_value")) or not _valid(row.get("diff")):
        return None
    unit = str(row["unit"])
    subject = SUBJECT_NL.get(str(row["indicator_id"]), str(row["name"]))
    value, nl = with_unit(row["value"], unit), with_unit(row["nl_value"], unit)
    head = f"{subject} in {region_name} ({value}, {int(row['period'])})"
    if round(abs(float(row["diff"])), 1) == 0:
        text = f"{head} ligt afgerond op het cijfer voor Nederland ({nl})"
    else:
        side = "boven" if float(row["diff"]) > 0 else "onder"
        text = f"{head} ligt {diff_text(row['diff'], unit)} {side} het cijfer voor Nederland ({nl})"
    if _valid(row.get("rank")) and _valid(row.get("n_ranked")):
        text += f"; positie {int(row['rank'])} van {int(row['n_ranked'])} {peers} (1 = best)"
    clause = NIVEAU_CLAUSE.get(str(row.get("niveau") or ""))
    if clause:
        reason = row.get("niveau_reason")
        text += f"; {clause}" + (f" ({reason})" if row.get("niveau") == GELIJK and isinstance(reason, str) and reason else "")
    kloof = KLOOF_CLAUSE.get(str(row.get("kloof") or ""))
    if kloof and _valid(row.get("kloof_from")):
        text += f", en {kloof} sinds {int(row['kloof_from'])}"
    return text + "."


def pick_figures(rows: pd.DataFrame, limit: int) -> list[dict[str, Any]]:
    """The key figures to write out: those the stored niveau calls beter or slechter, largest stored distance
    (robust sd) first, then the others in page order; at most ``limit``."""
    records = [r for r in rows.to_dict("records") if _valid(r.get("value"))]
    judged = sorted((r for r in records if r.get("niveau") in (BETER, SLECHTER) and _valid(r.get("z"))),
                    key=lambda r: -abs(float(r["z"])))
    rest = [r for r in records if r not in judged]
    return (judged + rest)[:limit]


def overview_sentence(overview: pd.DataFrame, region_name: str) -> str | None:
    """'Over alle 13 thema's samen is Twente op 29 van de 78 vergeleken indicatoren beter dan Nederland, …'."""
    if overview.empty:
        return None
    n, b, g, s = (int(overview[c].sum()) for c in ("n_indicators", "n_beter", "n_gelijk", "n_slechter"))
    up, flat, down = (int(overview[c].sum()) for c in ("n_kloof_gunstig", "n_kloof_stabiel", "n_kloof_ongunstig"))
    rest = n - b - g - s
    text = (f"Over alle {len(overview)} thema's samen is {region_name} op {b} van de {n} vergeleken indicatoren "
            f"beter dan Nederland, op {g} gelijk en op {s} slechter")
    if rest > 0:
        text += f" ({rest} zonder oordeel)"
    return text + (f"; de kloof met Nederland bewoog {up} keer gunstig en {down} keer ongunstig en bleef {flat} keer "
                   "stabiel.")


def claims_sentence(labels: Iterable[str], region_name: str) -> str | None:
    """'Van de 19 claims over Twente in de documenten zijn er 11 getoetst: 2 ondersteund, …; 8 niet toetsbaar.'"""
    labels = list(labels)
    if not labels:
        return None
    count = {k: labels.count(k) for k in LABELS}
    tested = len(labels) - count[UNTESTABLE]
    parts = [f"{count[k]} {k}" for k in LABELS if k != UNTESTABLE and count[k]]
    listed = and_list(parts)
    text = f"Van de {len(labels)} claims over {region_name} in de documenten "
    text += f"zijn er {tested} met cijfers getoetst: {listed}" if tested else "is er geen met cijfers getoetst"
    if count[UNTESTABLE] and tested:
        text += f"; {count[UNTESTABLE]} niet toetsbaar"
    return text + "."
