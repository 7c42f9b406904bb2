"""Claims from the five policy documents: typed loading, validation and map helpers.

The register lives in ``seeds/claims.yaml`` and ``seeds/documents.yaml``; the documents themselves stay
outside the repository and are read from :func:`data_loaders.config.seeds_dir`. A quote counts as verbatim
when it occurs in its document after collapsing all whitespace (line breaks, tabs, repeated spaces) to single
spaces; nothing else is normalised, so typographic quotes and apostrophes must be copied exactly.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SEEDS_PKG_DIR = Path(__file__).resolve().parent
CLAIMS_YAML = SEEDS_PKG_DIR / "claims.yaml"
DOCUMENTS_YAML = SEEDS_PKG_DIR / "documents.yaml"
REPO_ROOT = SEEDS_PKG_DIR.parent
CATALOGUE_YAML = REPO_ROOT / "data_loaders" / "catalogue.yaml"
REGIONS_YAML = REPO_ROOT / "geo" / "regions.yaml"
LOOKUP_NAME = "gemeente_corop_provincie_2024.csv"

KINDS: frozenset[str] = frozenset(
    {
        "welvaart",
        "voorzieningen",
        "infrastructuur",
        "economie",
        "geld",
        "programma",
        "arbeidsmarkt",
        "wonen",
        "gezondheid",
        "onderwijs",
        "energie",
        "bestuur",
    }
)
TEST_KINDS: frozenset[str] = frozenset({"niveau", "achterstand", "spreiding", "groep", "ontwikkeling", "krimp"})
INDICATOR_SETS: frozenset[str] = frozenset({"brede_welvaart"})
GROUP_FILTERS: frozenset[str] = frozenset({"stedelijkheid", "in_groep", "buiten_groep"})
MAX_QUOTE_WORDS = 40
NL_CODE = "NL01"
# Bounding box of the Netherlands used for point and line checks (lon, lat).
NL_BBOX = (3.3, 50.7, 7.3, 53.6)
SECTION_SEP = " > "
# Fallback when geo.regions / geo/regions.yaml are unavailable (ids as agreed in the brief).
DEFAULT_REGION_IDS: frozenset[str] = frozenset(
    {
        "noord-en-oost-groningen",
        "zuid-en-oost-drenthe",
        "zuid-limburg",
        "midden-limburg",
        "noord-limburg",
        "zeeuws-vlaanderen",
        "kop-van-noord-holland",
        "achterhoek",
        "zuidoost-en-noord-fryslan",
        "twente",
        "veenkolonien",
        "parkstad-limburg",
        "noord-nederland",
        "nederland",
    }
)

_AREA_CODE_RE = re.compile(r"^(GM\d{4}|CR\d{2}|PV\d{2}|NL01)$")
_CLAIM_ID_RE = re.compile(r"^c\d{3}$")
_WS_RE = re.compile(r"\s+")


# ----------------------------------------------------------------------------------------------------
# Data model
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One source document as described in ``documents.yaml``."""

    file: str
    title: str
    organisation: str
    date: str
    type: str
    date_note: str | None = None
    subtitle: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class AreaLocation:
    """A claim about whole areas, given as CBS codes (GM/CR/PV or NL01)."""

    codes: tuple[str, ...]
    type: str = "area"


@dataclass(frozen=True)
class PointLocation:
    """A claim about one site (campus, airport, lock, station...)."""

    lon: float
    lat: float
    name: str
    type: str = "point"


@dataclass(frozen=True)
class Town:
    """A stop on a schematic line."""

    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class LineLocation:
    """A rail or road link drawn schematically through the towns it connects."""

    towns: tuple[Town, ...]
    schematic: bool = True
    type: str = "line"


Location = AreaLocation | PointLocation | LineLocation


@dataclass(frozen=True)
class ClaimTest:
    """How a claim is tested against the data (one of the rules in :mod:`seeds.rules`)."""

    kind: str  # niveau | achterstand | spreiding | groep | ontwikkeling | krimp
    expect: str  # see seeds.rules.EXPECTATIONS, e.g. "slechter", "groeit", "neemt_toe"
    indicator_set: str | None = None  # instead of the claim's indicators, e.g. "brede_welvaart"
    window: tuple[int, int] | None = None  # first and last year (achterstand, spreiding, ontwikkeling)
    levels: tuple[str, ...] = ("CR", "GM")  # spreiding
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)  # groep: {"a": {...}, "b": {...}}
    sign: float | None = None  # for indicators without a direction: +1 means 'higher is favourable'
    note: str = ""  # how the text is operationalised, in Dutch
    per_region: bool = False  # the claim holds "in bepaalde regio's": judged region by region
    delineation: str | None = None  # only this delineation of the claim's regions (e.g. a policy area)
    on_area: bool = False  # test the gemeenten of the claim's location as one area (named ``area_name``)
    area_name: str | None = None
    exclude: tuple[str, ...] = ()  # spreiding: COROP areas left out, with the reason in the note


@dataclass(frozen=True)
class Claim:
    """One registered claim; see the header of ``claims.yaml`` for field meanings."""

    id: str
    document: str
    section: str
    quote: str
    paraphrase: str
    kind: str
    location: Location
    regions: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    test: ClaimTest | None = None
    untestable: str | None = None  # why the claim gets no data verdict (Dutch)
    topic: str | None = None  # groups near-duplicates on the map, e.g. "Lelylijn"
    same_as: str | None = None  # says what another claim says: one verdict, that claim's
    cause: bool = False  # the claim asserts a cause (rijksbeleid); the card says the cause is not tested

    @property
    def area_codes(self) -> tuple[str, ...]:
        """CBS codes of an area claim; empty for points and lines."""
        return self.location.codes if isinstance(self.location, AreaLocation) else ()

    @property
    def testable(self) -> bool:
        """True when the claim has a data test."""
        return self.test is not None


# ----------------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------------


def _read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at top level")
    return data


def _parse_location(raw: Mapping[str, Any], claim_id: str) -> Location:
    kind = raw.get("type")
    if kind == "area":
        return AreaLocation(codes=tuple(str(c) for c in raw.get("codes") or ()))
    if kind == "point":
        return PointLocation(lon=float(raw["lon"]), lat=float(raw["lat"]), name=str(raw["name"]))
    if kind == "line":
        towns = tuple(
            Town(name=str(t["name"]), lon=float(t["lon"]), lat=float(t["lat"]))
            for t in raw.get("towns") or ()
        )
        return LineLocation(towns=towns, schematic=bool(raw.get("schematic", False)))
    raise ValueError(f"{claim_id}: unknown location type {kind!r}")


def _parse_test(raw: Mapping[str, Any] | None, claim_id: str) -> ClaimTest | None:
    if not raw:
        return None
    try:
        window = raw.get("window")
        return ClaimTest(
            kind=str(raw["kind"]),
            expect=str(raw["expect"]),
            indicator_set=str(raw["indicator_set"]) if raw.get("indicator_set") else None,
            window=(int(window[0]), int(window[1])) if window else None,
            levels=tuple(str(lv) for lv in raw.get("levels") or ("CR", "GM")),
            groups={str(k): dict(v) for k, v in (raw.get("groups") or {}).items()},
            sign=float(raw["sign"]) if raw.get("sign") is not None else None,
            note=" ".join(str(raw.get("note") or "").split()),
            per_region=bool(raw.get("per_region", False)),
            delineation=str(raw["delineation"]) if raw.get("delineation") else None,
            on_area=bool(raw.get("on_area", False)),
            area_name=str(raw["area_name"]) if raw.get("area_name") else None,
            exclude=tuple(str(x) for x in raw.get("exclude") or ()),
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"claim {claim_id}: ongeldige test ({exc})") from exc


def _parse_claim(raw: Mapping[str, Any]) -> Claim:
    claim_id = str(raw.get("id", "?"))
    try:
        return Claim(
            id=claim_id,
            document=str(raw["document"]),
            section=str(raw["section"]),
            quote=str(raw["quote"]),
            paraphrase=str(raw["paraphrase"]),
            kind=str(raw["kind"]),
            location=_parse_location(raw["location"], claim_id),
            regions=tuple(str(r) for r in raw.get("regions") or ()),
            indicators=tuple(str(i) for i in raw.get("indicators") or ()),
            test=_parse_test(raw.get("test"), claim_id),
            untestable=" ".join(str(raw["untestable"]).split()) if raw.get("untestable") else None,
            topic=str(raw["topic"]) if raw.get("topic") else None,
            same_as=str(raw["same_as"]) if raw.get("same_as") else None,
            cause=bool(raw.get("cause", False)),
        )
    except KeyError as exc:
        raise ValueError(f"claim {claim_id}: missing field {exc}") from exc


def load_documents(path: Path | None = None) -> list[Document]:
    """Load ``documents.yaml`` (or ``path``) into :class:`Document` objects, in file order."""
    data = _read_yaml(path or DOCUMENTS_YAML)
    docs = []
    for raw in data.get("documents") or ():
        docs.append(
            Document(
                file=str(raw["file"]),
                title=str(raw["title"]),
                organisation=str(raw["organisation"]),
                date=str(raw["date"]),
                type=str(raw["type"]),
                date_note=raw.get("date_note"),
                subtitle=raw.get("subtitle"),
                note=raw.get("note"),
            )
        )
    return docs


def load_claims(path: Path | None = None) -> list[Claim]:
    """Load ``claims.yaml`` (or ``path``) into :class:`Claim` objects, in file order."""
    data = _read_yaml(path or CLAIMS_YAML)
    return [_parse_claim(raw) for raw in data.get("claims") or ()]


# ----------------------------------------------------------------------------------------------------
# Reference sets (codes, indicators, regions)
# ----------------------------------------------------------------------------------------------------


def known_area_codes(lookup_csv: Path | None = None) -> set[str]:
    """All GM/CR/PV codes in the 2024 lookup CSV, plus ``NL01``."""
    if lookup_csv is None:
        from data_loaders.config import data_dir

        lookup_csv = data_dir() / "geo" / LOOKUP_NAME
    codes = {NL_CODE}
    with Path(lookup_csv).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            codes.update({row["gemeente_code"], row["corop_code"], row["provincie_code"]})
    return codes


def catalogue_directions(path: Path | None = None) -> dict[str, str]:
    """Indicator id -> direction from the catalogue YAML (inheriting from the ``sources`` entry if unset)."""
    data = _read_yaml(path or CATALOGUE_YAML)
    sources = data.get("sources") or {}
    out: dict[str, str] = {}
    for ind in data.get("indicators") or ():
        direction = (
            ind.get("direction") or (sources.get(ind.get("source")) or {}).get("direction") or "neutral"
        )
        out[str(ind["id"])] = str(direction)
    return out


def known_region_ids(regions_yaml: Path | None = None) -> set[str]:
    """Region ids from ``geo.regions.load_regions()`` if it works, else geo/regions.yaml, else a constant.

    Only top-level region ids count (sub-areas such as ``zuidoost-friesland`` are not region ids). Passing
    ``regions_yaml`` skips ``geo.regions`` and reads that file.
    """
    if regions_yaml is None:
        try:
            from geo.regions import load_regions

            return _ids_from_regions(load_regions())
        except (ImportError, OSError, ValueError):
            pass
    path = regions_yaml or REGIONS_YAML
    if path.exists():
        return {str(reg["id"]) for reg in _read_yaml(path).get("regions") or ()}
    return set(DEFAULT_REGION_IDS)


def _ids_from_regions(regions: Any) -> set[str]:
    """Ids from whatever ``load_regions()`` returns: a mapping keyed by id, or objects/dicts with ``id``."""
    if isinstance(regions, Mapping):
        return {str(k) for k in regions}
    ids: set[str] = set()
    for reg in regions:
        ids.add(str(reg["id"] if isinstance(reg, Mapping) else reg.id))
    return ids


# ----------------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------------


def normalise_ws(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WS_RE.sub(" ", text).strip()


def quote_in_document(quote: str, text: str) -> bool:
    """True if ``quote`` occurs in ``text`` once whitespace is collapsed on both sides (nothing else)."""
    needle = normalise_ws(quote)
    return bool(needle) and needle in normalise_ws(text)


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(normalise_ws(text).split(" ")) if text.strip() else 0


def _in_nl(lon: float, lat: float) -> bool:
    lon_min, lat_min, lon_max, lat_max = NL_BBOX
    return lon_min <= lon <= lon_max and lat_min <= lat <= lat_max


def _location_problems(claim: Claim, known_codes: set[str]) -> list[str]:
    loc = claim.location
    cid = claim.id
    if isinstance(loc, AreaLocation):
        if not loc.codes:
            return [f"{cid}: area location without codes"]
        bad = [c for c in loc.codes if not _AREA_CODE_RE.match(c) or c not in known_codes]
        return [f"{cid}: unknown area codes {bad}"] if bad else []
    if isinstance(loc, PointLocation):
        problems = [] if _in_nl(loc.lon, loc.lat) else [f"{cid}: point {loc.name!r} outside the Netherlands"]
        return problems + ([] if loc.name.strip() else [f"{cid}: point without name"])
    problems = [] if loc.schematic else [f"{cid}: line location must be schematic: true"]
    if len(loc.towns) < 2:
        problems.append(f"{cid}: line needs at least two towns")
    problems += [
        f"{cid}: town {t.name!r} outside the Netherlands" for t in loc.towns if not _in_nl(t.lon, t.lat)
    ]
    return problems


def _test_problems(c: Claim) -> list[str]:
    """A claim has either a valid test or a reason why it has none."""
    from seeds.rules import EXPECTATIONS

    t = c.test
    if c.same_as:
        return [f"{c.id}: same_as claims carry no test of their own"] if t is not None or c.untestable else []
    if t is None:
        return [] if c.untestable else [f"{c.id}: no test and no 'untestable' reason"]
    problems = [f"{c.id}: both a test and an 'untestable' reason"] if c.untestable else []
    if t.kind not in TEST_KINDS:
        return [*problems, f"{c.id}: unknown test kind {t.kind!r}"]
    if (t.kind, t.expect) not in EXPECTATIONS:
        problems.append(f"{c.id}: test {t.kind} cannot expect {t.expect!r}")
    if t.indicator_set is not None and t.indicator_set not in INDICATOR_SETS:
        problems.append(f"{c.id}: unknown indicator_set {t.indicator_set!r}")
    if t.indicator_set is None and not c.indicators:
        problems.append(f"{c.id}: test without indicators")
    if t.kind in ("niveau", "achterstand", "ontwikkeling", "krimp") and not (c.regions or c.area_codes):
        problems.append(f"{c.id}: {t.kind} test needs regions or area codes")
    if t.kind == "groep":
        if set(t.groups) != {"a", "b"}:
            problems.append(f"{c.id}: groep test needs groups a and b")
        for name, spec in t.groups.items():
            if bad := set(spec) - GROUP_FILTERS - {"label"}:
                problems.append(f"{c.id}: group {name} has unknown filters {sorted(bad)}")
    if t.window is not None and t.window[0] >= t.window[1]:
        problems.append(f"{c.id}: window must run forward")
    if not set(t.levels) <= {"CR", "GM"}:
        problems.append(f"{c.id}: spreiding levels must be CR and/or GM")
    return problems


def validate_claims(
    claims: Sequence[Claim],
    documents: Sequence[Document],
    seeds_dir: Path | None,
    known_codes: Iterable[str],
    indicator_ids: Iterable[str],
    region_ids: Iterable[str],
) -> list[str]:
    """Return human-readable problems with the register (empty list = valid).

    Quote and section checks need the document texts; they are skipped when ``seeds_dir`` is None.
    """
    codes = set(known_codes) | {NL_CODE}
    indicators = set(indicator_ids)
    regions = set(region_ids)
    doc_files = {d.file for d in documents}
    problems: list[str] = []

    texts: dict[str, str] = {}
    if seeds_dir is not None:
        for file in sorted(doc_files):
            path = Path(seeds_dir) / file
            if path.exists():
                texts[file] = normalise_ws(path.read_text(encoding="utf-8"))
            else:
                problems.append(f"document {file} not found in {seeds_dir}")

    seen: set[str] = set()
    for c in claims:
        if not _CLAIM_ID_RE.match(c.id):
            problems.append(f"{c.id}: id must look like c001")
        if c.id in seen:
            problems.append(f"{c.id}: duplicate id")
        seen.add(c.id)
        if c.document not in doc_files:
            problems.append(f"{c.id}: unknown document {c.document}")
        if c.kind not in KINDS:
            problems.append(f"{c.id}: unknown kind {c.kind!r}")
        problems += _test_problems(c)
        if c.same_as and c.same_as not in {x.id for x in claims if x.test is not None}:
            problems.append(f"{c.id}: same_as {c.same_as!r} is not a tested claim")
        if not c.paraphrase.strip() or not c.section.strip():
            problems.append(f"{c.id}: empty paraphrase or section")
        n_words = word_count(c.quote)
        if n_words == 0 or n_words > MAX_QUOTE_WORDS:
            problems.append(f"{c.id}: quote has {n_words} words (1..{MAX_QUOTE_WORDS} allowed)")
        if c.document in texts:
            if not quote_in_document(c.quote, texts[c.document]):
                problems.append(f"{c.id}: quote not found verbatim in {c.document}")
            for part in c.section.split(SECTION_SEP):
                if not quote_in_document(part, texts[c.document]):
                    problems.append(f"{c.id}: section heading {part!r} not found in {c.document}")
        problems += _location_problems(c, codes)
        if bad := [r for r in c.regions if r not in regions]:
            problems.append(f"{c.id}: unknown region ids {bad}")
        if bad := [i for i in c.indicators if i not in indicators]:
            problems.append(f"{c.id}: unknown indicator ids {bad}")

    used = {c.document for c in claims}
    problems += [f"document {f} has no claims" for f in sorted(doc_files - used)]
    return problems


# ----------------------------------------------------------------------------------------------------
# Map helpers for the dashboard
# ----------------------------------------------------------------------------------------------------


def claims_for_region(region_id: str, claims: Sequence[Claim] | None = None) -> list[Claim]:
    """Claims that list ``region_id`` in their ``regions`` (loads the register when ``claims`` is None)."""
    pool = load_claims() if claims is None else claims
    return [c for c in pool if region_id in c.regions]


def claim_geometries(
    claims: Sequence[Claim], documents: Sequence[Document] | None = None
) -> list[dict[str, Any]]:
    """Plotly-ready geometry per claim.

    Each dict has ``claim_id``, ``kind``, ``geometry`` (point/line/area), ``lon`` and ``lat`` lists (one item
    for a point, one per town for a line, empty for an area), ``codes`` (area claims; the dashboard derives a
    representative point), ``name``, ``regions``, ``document``, ``document_title`` and ``hover`` (paraphrase
    plus document title, with ``<br>`` line breaks).
    """
    docs = documents if documents is not None else load_documents()
    titles = {d.file: d.title for d in docs}
    out: list[dict[str, Any]] = []
    for c in claims:
        loc = c.location
        lon: list[float] = []
        lat: list[float] = []
        codes: list[str] = []
        if isinstance(loc, PointLocation):
            lon, lat, name = [loc.lon], [loc.lat], loc.name
        elif isinstance(loc, LineLocation):
            lon, lat = [t.lon for t in loc.towns], [t.lat for t in loc.towns]
            name = " – ".join(t.name for t in loc.towns)
        else:
            codes, name = list(loc.codes), ", ".join(loc.codes)
        title = titles.get(c.document, c.document)
        out.append(
            {
                "claim_id": c.id,
                "kind": c.kind,
                "geometry": loc.type,
                "lon": lon,
                "lat": lat,
                "codes": codes,
                "name": name,
                "regions": list(c.regions),
                "document": c.document,
                "document_title": title,
                "hover": f"{c.paraphrase}<br><i>{title}</i>",
            }
        )
    return out
