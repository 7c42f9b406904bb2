"""What the region profile says, gathered from the store through the profile read model (:mod:`dashboard.profile`).

Every value is formatted here, in Python, exactly as the page formats it (:mod:`dashboard.components.fmt`,
:mod:`dashboard.components.glance`); the Typst template only lays the strings out. No comparison is made here:
niveau, gap trend, rank, theme counts and claim verdicts are the pipeline's stored results.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import common, data, profile
from dashboard.components import evidence, glance, maps
from dashboard.components.claims_layer import claim_pairs, claims_and_documents, region_names
from dashboard.components.fmt import fmt_signed, method_nl, with_unit
from dashboard.components.mapdata import source_name
from dashboard.components.summary import tone
from dashboard.report import sentences
from dashboard.safety import shorten
from seeds.rules import UNTESTABLE

PUBLIC_URL_ENV = "BW_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8501"
PUBLIC_URL_MAX = 500
_PUBLIC_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")
AUTHOR = "Brede Welvaart Regiodashboard"
MAP_INDICATOR = profile.DEFAULT_MAP_INDICATOR
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december")
BADGES = {"tien": "Een van de tien regio's (SER Noord-Nederland, voetnoot 5)",
          "voorbeeld": "Voorbeeldregio van Elke regio telt! (2023)", "context": "Vergelijkingsgebied"}
SOURCE_NL = {"bundle": "CBS-bundel", "live": "CBS OData, live"}
KEY_HEADER = ["Kerncijfer (jaar) en bron", "Regio", "Nederland", "Verschil", "Positie", "Oordeel en kloof met Nederland"]


class ReportError(ValueError):
    """An unknown region or delineation (the message, in Dutch, lists the valid ones)."""


MAX_LINES_PER_CLAIM = 2
MAX_FIGURE_SENTENCES = 4


@dataclass(frozen=True)
class Detail:
    """How much of the variable content is shown (the builder fits page 1 and page 2 with these separately)."""

    part: int = 0  # 0 = both pages, 1 or 2 = only that page (for fitting)
    map_mm: float = 94.0  # width of the map on page 1
    figure_sentences: int = 3  # key-figure sentences under "In het kort"
    lines_per_claim: int = 2  # pair sentences per tested claim (at least one: every verdict shows its numbers)
    untested_full: bool = True  # untested claims with their text, else by id
    size_pt: float = 9.5

    def as_json(self) -> dict[str, Any]:
        """The detail as the template reads it."""
        return {"part": self.part, "map_mm": self.map_mm, "figures": self.figure_sentences,
                "lines": self.lines_per_claim, "untested_full": self.untested_full}


def report_regions() -> list[str]:
    """Region ids that have a region page (everything but the national context), in page order."""
    return [rid for rid in data.region_defs() if rid != "nederland"]


def resolve(region_id: str, delineation: str | None = None) -> tuple[data.RegionDef, str]:
    """The region and delineation (its default when None); :class:`ReportError` in Dutch when unknown."""
    valid = report_regions()
    if region_id not in valid:
        raise ReportError(f"Onbekende regio ‘{shorten(region_id)}’. Kies uit: {', '.join(valid)}.")
    region = data.region_defs()[region_id]
    chosen = delineation or region.default_delineation
    if chosen not in region.delineations:
        raise ReportError(f"Onbekende afbakening ‘{shorten(chosen)}’ voor {region.name}. Kies uit: "
                          f"{', '.join(region.delineations)}.")
    return region, chosen


def public_base() -> str:
    """``$BW_PUBLIC_URL`` without a trailing slash; :class:`ReportError` in Dutch when it is not a usable address."""
    base = (os.environ.get(PUBLIC_URL_ENV) or DEFAULT_PUBLIC_URL).strip().rstrip("/")
    if len(base) > PUBLIC_URL_MAX or not _PUBLIC_URL.fullmatch(base):
        raise ReportError(f"{PUBLIC_URL_ENV} is geen bruikbaar adres (‘{shorten(base)}’, {len(base)} tekens); verwacht "
                          f"http(s)://host[/pad], hoogstens {PUBLIC_URL_MAX} tekens, bijvoorbeeld https://dashboard.example.nl.")
    return base


def permalink(region: data.RegionDef, delineation: str) -> str:
    """The dashboard view of this profile: ``$BW_PUBLIC_URL/<regio>`` (+ ``?afbakening=…`` when not the default)."""
    query = f"?afbakening={delineation}" if delineation != region.default_delineation else ""
    return f"{public_base()}/{region.region_id}{query}"


def built_at() -> dt.datetime | None:
    """When the store was built (UTC-naive timestamp from ``build_info``), or None."""
    try:
        return dt.datetime.fromisoformat(data.build_info().get("built_at", ""))
    except ValueError:
        return None


def date_nl(when: dt.datetime | None) -> str:
    """'1 december 2026'."""
    return f"{when.day} {MONTHS_NL[when.month - 1]} {when.year}" if when else "onbekende datum"


def _valid(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and not pd.isna(value)


def key_figures(rows: pd.DataFrame) -> list[dict[str, str]]:
    """The key figures as the cards word them: value, NL, difference, rank, niveau and gap trend."""
    out = []
    for row in rows.to_dict("records"):
        year = str(int(row["period"])) if _valid(row.get("period")) else ""
        if not _valid(row.get("value")):
            out.append({"name": row["name"], "year": year, "value": "geen data", "nl": "–", "diff": "–", "rank": "–",
                        "niveau": "", "tone": "", "kloof": str(row.get("reason") or ""), "gap_tone": "", "source": ""})
            continue
        t = tone(row.get("niveau"))
        niveau = glance.NIVEAU_NL.get(row.get("niveau") or "", "")
        gap, gap_t = glance.kloof_text(row)
        out.append({
            "name": row["name"], "year": year, "value": with_unit(row["value"], row["unit"]),
            "nl": with_unit(row["nl_value"], row["unit"]), "diff": fmt_signed(row["diff"]),
            "rank": f"{int(row['rank'])} van {int(row['n_ranked'])}" if _valid(row.get("rank")) else "–",
            "niveau": f"{glance.ARROWS[t]} {niveau}" if niveau else "", "tone": t, "kloof": gap, "gap_tone": gap_t,
            "source": f"CBS {row['source_table']} · {method_nl(row.get('method'))}",
        })
    return out


def themes(overview: pd.DataFrame) -> list[dict[str, Any]]:
    """The theme overview rows (counts as stored)."""
    return [{"name": r.theme_name, "n": int(r.n_indicators), "beter": int(r.n_beter), "gelijk": int(r.n_gelijk),
             "slechter": int(r.n_slechter), "gunstig": int(r.n_kloof_gunstig), "stabiel": int(r.n_kloof_stabiel),
             "ongunstig": int(r.n_kloof_ongunstig)} for r in overview.itertuples() if r.n_indicators]


def claims(region_id: str, delineation: str | None, items: tuple[dict[str, Any], ...] | None = None) -> dict[str, Any]:
    """The region's claims as the page orders them: tested ones with verdict, text, document, the first pair
    sentences (numbers as stored) and how many pairs are not written out; the untested ones; every claim's
    label; the documents referred to. ``items`` (a profile's claims, e.g. those of a CBS area's regions) replaces
    the region's own claims; each item's pairs are those of its own region."""
    _, docs = claims_and_documents()
    doc_ids = {file: f"D{i}" for i, file in enumerate(docs, start=1)}
    everyone = region_names()
    tested, untested, labels, used_docs = [], [], [], {}
    for item in items if items is not None else profile.claims(region_id, delineation):  # stored verdicts, page order
        region_id, delineation = item["region_id"], item["delineation"]
        names = {k: v for k, v in everyone.items() if k != region_id}  # no "Twente · " before every pair
        about = f"{everyone.get(region_id, region_id)}: " if items is not None else ""  # whose claim, for an area
        claim, verdict = item["claim"], item["verdict"]
        labels.append(verdict["label"])
        ref = doc_ids.get(claim.document, claim.document)
        used_docs[ref] = docs[claim.document].title if claim.document in docs else claim.document
        if verdict["label"] == UNTESTABLE:
            untested.append({"id": claim.id, "text": f"{about}{claim.paraphrase} ({ref}, {claim.id})"})
            continue
        pairs = claim_pairs(claim.id, region_id, delineation)
        lines = [ln for ln in evidence.lines(pairs, names, limit=MAX_LINES_PER_CLAIM) if not ln.startswith("…")]
        n_judged = len(evidence.judged(pairs))
        more = [n_judged - k for k in range(len(lines) + 1)]  # pairs not written out when k lines are shown
        tested.append({"label": verdict["label"], "verdict": verdict["verdict_nl"], "text": about + claim.paraphrase,
                       "source": f"{ref}, {claim.id}", "lines": lines,
                       "more": [f"nog {m} {'paar' if m == 1 else 'paren'} op het dashboard" if m > 0 else ""
                                for m in more]})
    return {"tested": tested, "untested": untested, "labels": labels,
            "documents": [{"id": k, "title": v} for k, v in sorted(used_docs.items())]}


def sources(rows: pd.DataFrame, map_source: dict[str, str]) -> list[dict[str, str]]:
    """Source table, periods and method of every figure in the profile (key figures and the map)."""
    out = []
    for row in rows.to_dict("records"):
        if not _valid(row.get("value")):
            continue
        table = str(row["source_table"])
        period = str(int(row["period"]))
        if _valid(row.get("kloof_from")) and _valid(row.get("kloof_to")) and row["kloof_from"] != row["kloof_to"]:
            period += f"; kloof {int(row['kloof_from'])}–{int(row['kloof_to'])}"
        out.append({"name": row["name"], "table": table, "period": period, "method": method_nl(row.get("method"))})
    out.append(map_source)
    return out


def source_tables(used: list[dict[str, str]]) -> list[dict[str, str]]:
    """The CBS tables behind ``used`` with their titles from the store's source list."""
    frame = data.get_store().sources()
    titles = dict(zip(frame["source_table"], frame["title"], strict=True))
    ids = list(dict.fromkeys(s["table"] for s in used))
    return [{"id": t, "title": str(titles.get(t, ""))} for t in ids]


def map_part(region_id: str, delineation: str) -> tuple[str, dict[str, Any]]:
    """The static map with gemeente names (presentation-mode SVG of the map module) and its text."""
    svg = profile.region_svg(region_id, delineation, MAP_INDICATOR, False, presentation=True)
    spec = profile.region_map(region_id, delineation, MAP_INDICATOR, False, aspect=profile.PRESENTATION_MAP["aspect"])
    cat = data.indicators().loc[MAP_INDICATOR]
    period = spec.indicator.period if spec.indicator else None
    codes = {f["id"] for f in spec.features}
    methods = sorted({method_nl(v.method) for c, v in spec.values.items() if c in codes and v.method})
    caption = (f"De gemeenten van de regio ({len(codes)}), {common.direction_nl(cat['direction'])}; kleuren op de "
               f"landelijke schaal, gearceerd grijs = geen data. Bron: CBS {source_name(cat['source_table'])}, {period or '–'}.")
    source = {"name": f"{cat['name_nl']} (kaart, gemeenten)", "table": str(cat["source_table"]),
              "period": str(period or "–"), "method": "; ".join(methods)}
    text = f"{cat['name_nl']} per gemeente, {period or '–'}, CBS {source['table']} ({source['method'] or '–'})"
    return svg, {"alt": maps.summary_text(spec), "caption": caption, "source": text, "source_row": source}


def collect(region_id: str, delineation: str | None = None) -> tuple[dict[str, Any], str]:
    """Everything the template can show, as JSON-ready strings, and the map SVG; :func:`with_detail` picks."""
    region, delineation = resolve(region_id, delineation)
    info = data.build_info()
    when = built_at()
    delin = region.delineations[delineation]
    delin_name = data.DELINEATION_NAMES.get(delineation, delineation)
    table = data.regions_table().set_index("region_code")["name"]
    members = sorted((str(table.get(c, c)) for c in data.region_members(region_id, delineation)), key=str.casefold)
    prof = profile.load(region_id, delineation)
    rows, overview = prof.headline, prof.overview
    svg, map_info = map_part(region_id, delineation)
    told = claims(region_id, delineation)
    labels, tested = told["labels"], told["tested"]
    figures = [sentences.figure_sentence(r, region.name) for r in sentences.pick_figures(rows, MAX_FIGURE_SENTENCES)]
    sub_areas = [{"name": a["name"], "members": ", ".join(str(table.get(c, c)) for c in a["gemeenten"])}
                 for a in region.sub_areas]
    link = permalink(region, delineation)
    used = sources(rows, map_info["source_row"])
    content = {
        "title": f"Regioprofiel {region.name}",
        "author": AUTHOR,
        "region": region.name,
        "badges": " · ".join(BADGES[g] for g in region.groups if g in BADGES),
        "delineation": {"name": delin_name, "n": len(members), "confidence": str(delin["confidence"]),
                        "basis": str(delin["basis"]), "source": str(delin["source"]), "members": members,
                        "sub_areas": sub_areas, "notes": region.notes,
                        "other": [data.DELINEATION_NAMES.get(k, k) for k in region.delineations if k != delineation]},
        "map": {k: v for k, v in map_info.items() if k != "source_row"},
        "key": {"header": KEY_HEADER, "rows": key_figures(rows)},
        "sentences": {"first": sentences.overview_sentence(overview, region.name) or "",
                      "figures": [f for f in figures if f],
                      "last": sentences.claims_sentence(labels, region.name) or ""},
        "themes": themes(overview),
        "claims": {"tested": tested, "untested": told["untested"], "documents": told["documents"],
                   "intro": (f"{len(labels)} claims over {region.name}, {len(tested)} met een toets; het oordeel geldt "
                             f"voor {region.name} in de {delin_name}.") if labels else
                            "De documenten doen geen specifieke uitspraken over deze regio."},
        "tables": source_tables(used),
        "licence": (info.get("licence") or common.ATTRIBUTION).rstrip("."),
        "built": f"{date_nl(when)}, {when:%H:%M}" if when else "onbekend",
        "built_source": SOURCE_NL.get(info.get("source", ""), info.get("source", "?")),
        "retrieved": info.get("retrieved", ""),
        "permalink": link,
        "footer": f"Regioprofiel {region.name} · {delin_name} · Bron: CBS · datastore van {date_nl(when)}",
        "tones": {"better": glance.GREEN, "worse": glance.ORANGE, "": glance.GREY},
    }
    return content, svg


def with_detail(content: dict[str, Any], detail: Detail) -> dict[str, Any]:
    """``content`` with the detail the template applies."""
    return {**content, "detail": detail.as_json(), "size": detail.size_pt}


__all__ = ["Detail", "ReportError", "collect", "permalink", "public_base", "report_regions", "resolve", "with_detail"]
