"""The printable profile of a CBS area (gemeente, COROP area, province, Nederland): the region profile's two A4
pages, filled from the same read model (:mod:`dashboard.profile`) and set with the same Typst template and fitting
(:mod:`.build`). Claims are those of the regions the area belongs to, with those regions' stored verdicts.
"""

from __future__ import annotations

from typing import Any

from dashboard import common, data, profile
from dashboard.components import glance, maps
from dashboard.components.fmt import method_nl
from dashboard.components.mapdata import source_name
from dashboard.report import sentences
from dashboard.report.content import (
    AUTHOR,
    KEY_HEADER,
    MAP_INDICATOR,
    MAX_FIGURE_SENTENCES,
    SOURCE_NL,
    ReportError,
    built_at,
    claims,
    date_nl,
    key_figures,
    public_base,
    source_tables,
    sources,
    themes,
    with_detail,
)
from dashboard.safety import shorten

LEVEL_ORDER = ("GM", "CR", "PV", "NL")
DIVISION = "CBS-gebiedsindeling 2024 (Gebieden in Nederland 2024, CBS 85755NED)"
MAX_MEMBER_NAMES = 60  # more gemeenten (Nederland) are counted, not listed


def area_codes(levels: tuple[str, ...] = LEVEL_ORDER) -> list[str]:
    """The current CBS codes of ``levels`` (gemeenten, COROP areas, provinces, NL01), per level sorted by name."""
    table = data.regions_table()
    table = table[table["is_current"]]
    out: list[str] = []
    for level in LEVEL_ORDER:
        if level in levels:
            rows = table[table["region_level"] == level].sort_values("name")
            out.extend(str(c) for c in rows["region_code"])
    return out


def resolve_area(code: str) -> profile.Area:
    """The CBS area of ``code``; :class:`ReportError` in Dutch when it is no current gemeente, COROP area, province or NL01."""
    target = profile.area(code)
    if target is None or target.is_region:
        raise ReportError(f"Onbekend gebied ‘{shorten(code)}’: gebruik een CBS-code zoals GM0153, CR39, PV31 of NL01.")
    return target


def area_file_name(code: str) -> str:
    """'gebiedsprofiel_GM0928.pdf'."""
    return f"gebiedsprofiel_{resolve_area(code).key}.pdf"


def _parents(code: str) -> list[str]:
    """Names of the COROP area and province a gemeente or COROP area lies in."""
    table = data.regions_table().set_index("region_code")
    if code[:2] not in ("GM", "CR") or code not in table.index:
        return []
    row = table.loc[code]
    out = []
    if code.startswith("GM") and isinstance(row["corop_code"], str):
        out.append(f"COROP-gebied {table.loc[row['corop_code'], 'name']}")
    province = row["province_code"] if code.startswith("GM") else None
    if code.startswith("CR"):
        gm = table[(table["corop_code"] == code) & (table["region_level"] == "GM")]["province_code"].dropna().mode()
        province = gm.iloc[0] if len(gm) else None
    if isinstance(province, str):
        out.append(f"provincie {table.loc[province, 'name']}")
    return out


def _map(target: profile.Area) -> tuple[str, dict[str, Any]]:
    """The static map (the presentation-mode SVG of the area) and its text."""
    svg = profile.region_svg(target.key, None, MAP_INDICATOR, False, presentation=True)
    spec = profile.region_map(target.key, None, MAP_INDICATOR, False, aspect=profile.PRESENTATION_MAP["aspect"])
    cat = data.indicators().loc[MAP_INDICATOR]
    period = spec.indicator.period if spec.indicator else None
    codes = {f["id"] for f in spec.features}
    methods = sorted({method_nl(v.method) for c, v in spec.values.items() if c in codes and v.method})
    where = ("met de gemeenten eromheen" if target.level == "GM" else f"de {len(codes)} gemeenten erin")
    caption = (f"{target.name} (zwart omlijnd), {where}; {common.direction_nl(cat['direction'])}; kleuren op de "
               f"landelijke schaal, gearceerd grijs = geen data. Bron: CBS {source_name(cat['source_table'])}, {period or '–'}.")
    source = {"name": f"{cat['name_nl']} (kaart, gemeenten)", "table": str(cat["source_table"]),
              "period": str(period or "–"), "method": "; ".join(methods)}
    text = f"{cat['name_nl']} per gemeente, {period or '–'}, CBS {source['table']} ({source['method'] or '–'})"
    return svg, {"alt": maps.summary_text(spec), "caption": caption, "source": text, "source_row": source}


def collect_area(code: str) -> tuple[dict[str, Any], str]:
    """Everything the template shows for a CBS area, as JSON-ready strings, and the map SVG (see ``content.collect``)."""
    target = resolve_area(code)
    prof = profile.load(target.key)
    if prof is None:
        raise ReportError(f"Geen profiel voor ‘{shorten(code)}’.")
    info = data.build_info()
    when = built_at()
    names = data.regions_table().set_index("region_code")["name"]
    members = sorted((str(names.get(c, c)) for c in prof.members), key=str.casefold)
    peers = profile.PEERS_NL.get(target.level, "gebieden")
    rows, overview = prof.headline, prof.overview
    svg, map_info = _map(target)
    told = claims(target.key, None, prof.claims)
    labels, tested = told["labels"], told["tested"]
    region_names = [r.name for r in prof.regions]
    regions_text = sentences.and_list(region_names)
    figures = [sentences.figure_sentence(r, target.name, peers)
               for r in sentences.pick_figures(rows, MAX_FIGURE_SENTENCES)]
    notes = []
    if parents := _parents(target.key):
        notes.append(f"Ligt in {sentences.and_list(parents)}.")
    if region_names:
        word = "regio" if len(region_names) == 1 else "regio's"
        notes.append(f"Hoort bij de {word} {regions_text}.")
    listed = members if len(members) <= MAX_MEMBER_NAMES else [f"alle {len(members)} gemeenten van {target.name}"]
    ten = any("tien" in r.groups for r in prof.regions)
    used = sources(rows, map_info["source_row"])
    count = f"{len(members)} gemeente{'' if len(members) == 1 else 'n'}"
    content = {
        "title": f"Gebiedsprofiel {target.name}",
        "kind": "Gebiedsprofiel",
        "author": AUTHOR,
        "region": target.name,
        "badges": f"{target.level_name} · CBS-code {target.key}" + (" · hoort bij een van de tien regio's" if ten else ""),
        "delineation": {"name": target.level_name, "n": len(members), "count": count, "confidence": "officieel",
                        "basis": f"{target.level_name} volgens de {DIVISION}", "source": "CBS", "members": listed,
                        "sub_areas": [], "notes": " ".join(notes), "other": []},
        "map": {k: v for k, v in map_info.items() if k != "source_row"},
        "key": {"header": [target.level_name if h == "Regio" else h for h in KEY_HEADER], "rows": key_figures(rows),
                "rank_note": f"Positie onder de {peers} met een waarde" if target.level in profile.PEERS_NL else
                             "Nederland heeft geen positie"},
        "sentences": {"first": sentences.overview_sentence(overview, target.name) or "",
                      "figures": [f for f in figures if f],
                      "last": sentences.claims_sentence(labels, regions_text) or ""},
        "themes": themes(overview),
        "claims": {"tested": tested, "untested": told["untested"], "documents": told["documents"],
                   "intro": (f"{len(labels)} claims over {regions_text}, waar {target.name} bij hoort; {len(tested)} met "
                             f"een toets. Het oordeel geldt voor de hele regio (standaardafbakening), niet voor "
                             f"{target.name} alleen.") if labels else
                            "De documenten doen geen specifieke uitspraken over een regio waar dit gebied bij hoort."},
        "tables": source_tables(used),
        "licence": (info.get("licence") or common.ATTRIBUTION).rstrip("."),
        "built": f"{date_nl(when)}, {when:%H:%M}" if when else "onbekend",
        "built_source": SOURCE_NL.get(info.get("source", ""), info.get("source", "?")),
        "retrieved": info.get("retrieved", ""),
        "permalink": f"{public_base()}/gebied?code={target.key}",
        "footer": f"Gebiedsprofiel {target.name} · {target.level_name} · Bron: CBS · datastore van {date_nl(when)}",
        "tones": {"better": glance.GREEN, "worse": glance.ORANGE, "": glance.GREY},
    }
    return content, svg


CLAIM_CUTS = (16, 10, 6, 3)  # tested claims kept when all of them do not fit on page 2


def _cut(content: dict[str, Any], keep: int) -> dict[str, Any]:
    """``content`` with only the first ``keep`` tested claims (the intro says how many more are on the dashboard)."""
    told = content["claims"]
    rest = len(told["tested"]) - keep
    intro = (f"{told['intro']} Hier de eerste {keep} getoetste claims; de andere {rest} staan met hun oordeel op "
             "het dashboard.")
    return {**content, "claims": {**told, "tested": told["tested"][:keep], "untested": [], "intro": intro}}


def render_area_pdf(code: str) -> bytes:
    """The CBS area's profile as PDF bytes, always built, fitted to two pages like a region profile (an area with
    more claims than fit, e.g. a province with several regions, shows the first ones and says so)."""
    content, svg = collect_area(code)
    return _fit_and_compile(content, svg, f"gebied {code}")


def _own_map(codes: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """The own region's static map (gemeente names on it) and its text."""
    svg = profile.own_svg(codes, MAP_INDICATOR, presentation=True)
    spec = profile.own_map(codes, MAP_INDICATOR, aspect=profile.PRESENTATION_MAP["aspect"])
    cat = data.indicators().loc[MAP_INDICATOR]
    period = spec.indicator.period if spec.indicator else None
    methods = sorted({method_nl(v.method) for c, v in spec.values.items() if c in codes and v.method})
    caption = (f"De {len(codes)} gekozen gemeenten (zwart omlijnd), {common.direction_nl(cat['direction'])}; kleuren "
               f"op de landelijke schaal, gearceerd grijs = geen data. Bron: CBS {source_name(cat['source_table'])}, "
               f"{period or '–'}.")
    source = {"name": f"{cat['name_nl']} (kaart, gemeenten)", "table": str(cat["source_table"]),
              "period": str(period or "–"), "method": "; ".join(methods)}
    text = f"{cat['name_nl']} per gemeente, {period or '–'}, CBS {source['table']} ({source['method'] or '–'})"
    return svg, {"alt": maps.summary_text(spec), "caption": caption, "source": text, "source_row": source}


def own_file_name(codes: tuple[str, ...]) -> str:
    """'eigen-regio_5-gemeenten_GM0014-GM0059.pdf' (the first and last code of the sorted set)."""
    codes = tuple(sorted(set(codes)))
    span = codes[0] if len(codes) == 1 else f"{codes[0]}-{codes[-1]}"
    return f"eigen-regio_{len(codes)}-gemeente{'' if len(codes) == 1 else 'n'}_{span}.pdf"


def collect_own(codes: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """Everything the template shows for an own region (a set of current gemeenten), and the map SVG: its figures
    aggregated as the build aggregates a region (derived figures labelled), the claims of the regions it overlaps
    with those regions' stored verdicts (said so)."""
    known = profile.current_gemeenten()
    codes = tuple(sorted({c for c in codes if c in known}))
    if not codes:
        raise ReportError("Geen bekende gemeenten gekozen: gebruik CBS-codes van huidige gemeenten, zoals GM0014.")
    prof = profile.own_load(codes)
    info = data.build_info()
    when = built_at()
    name = f"Eigen regio ({len(codes)} gemeente{'' if len(codes) == 1 else 'n'})"
    members = sorted((known[c] for c in codes), key=str.casefold)
    rows = prof.headline
    svg, map_info = _own_map(codes)
    told = claims(profile.OWN_KEY, None, prof.claims)
    labels, tested = told["labels"], told["tested"]
    region_names = [r.name for r in prof.regions]
    regions_text = sentences.and_list(region_names)
    peers = profile.PEERS_NL[profile.OWN_KEY]
    figures = [sentences.figure_sentence(r, name, peers) for r in sentences.pick_figures(rows, MAX_FIGURE_SENTENCES)]
    used = sources(rows, map_info["source_row"])
    notes = ("Zelf samengesteld uit gemeenten. Cijfers zijn het CBS-cijfer als de gemeenten samen precies één CBS-gebied "
             "vormen, anders afgeleid uit de gemeenten met de regel van elke indicator (bevolkings- of "
             "oppervlaktegewogen, of een som); de positie telt de eigen regio als 41e onder de 40 COROP-gebieden.")
    if region_names:
        notes += f" Overlapt met {regions_text}."
    content = {
        "title": f"Profiel {name}",
        "kind": "Profiel eigen regio",
        "author": AUTHOR,
        "region": name,
        "badges": "Eigen regio · samengesteld uit gemeenten",
        "delineation": {"name": "Eigen selectie", "n": len(codes), "count": f"{len(codes)} gemeente"
                        f"{'' if len(codes) == 1 else 'n'}", "confidence": "eigen keuze",
                        "basis": f"gemeenten volgens de {DIVISION}", "source": "eigen keuze", "members": members,
                        "sub_areas": [], "notes": notes, "other": []},
        "map": {k: v for k, v in map_info.items() if k != "source_row"},
        "key": {"header": ["Eigen regio" if h == "Regio" else h for h in KEY_HEADER], "rows": key_figures(rows),
                "rank_note": "Positie onder de 40 COROP-gebieden met de eigen regio erbij"},
        "sentences": {"first": "", "figures": [f for f in figures if f],
                      "last": sentences.claims_sentence(labels, regions_text) or ""},
        "themes": [],
        "claims": {"tested": tested, "untested": told["untested"], "documents": told["documents"],
                   "intro": (f"{len(labels)} claims over {regions_text}, waar deze gemeenten in liggen; {len(tested)} met "
                             "een toets. Het oordeel geldt voor die regio's (standaardafbakening), niet voor deze "
                             "eigen selectie.") if labels else
                            "De documenten doen geen specifieke uitspraken over een regio waar deze gemeenten in liggen."},
        "tables": source_tables(used),
        "licence": (info.get("licence") or common.ATTRIBUTION).rstrip("."),
        "built": f"{date_nl(when)}, {when:%H:%M}" if when else "onbekend",
        "built_source": SOURCE_NL.get(info.get("source", ""), info.get("source", "?")),
        "retrieved": info.get("retrieved", ""),
        "permalink": f"{public_base()}/gebied?gemeenten={','.join(codes)}",
        "footer": f"Profiel eigen regio · {len(codes)} gemeenten · Bron: CBS · datastore van {date_nl(when)}",
        "tones": {"better": glance.GREEN, "worse": glance.ORANGE, "": glance.GREY},
    }
    return content, svg


def _fit_and_compile(content: dict[str, Any], svg: str, what: str) -> bytes:
    """Fit ``content`` to two pages (fewer tested claims when needed, said in the intro) and compile it."""
    from dashboard.report.build import PAGES, LayoutError, compile_pdf, fit, page_count

    tries = [content] + [_cut(content, k) for k in CLAIM_CUTS if k < len(content["claims"]["tested"])]
    for attempt in tries:
        try:
            detail = fit(attempt, svg)
        except LayoutError:
            if attempt is tries[-1]:
                raise
            continue
        content = attempt
        break
    when = built_at()
    pdf = compile_pdf(with_detail(content, detail), svg, when.astimezone() if when else None)
    if page_count(pdf) != PAGES:
        raise LayoutError(f"Het profiel van {what} heeft geen {PAGES} pagina's.")
    return pdf


def render_own_pdf(codes: tuple[str, ...]) -> bytes:
    """The own region's profile as PDF bytes, always built."""
    content, svg = collect_own(codes)
    return _fit_and_compile(content, svg, f"een eigen regio van {len(codes)} gemeenten")
