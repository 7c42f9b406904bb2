"""Region definitions (``regions.yaml``) resolved against the 2024 gemeente→COROP→provincie lookup.

COROP delineations list COROP (or province) codes only; their gemeenten are derived from the lookup.
Policy (``beleid``) delineations list gemeenten explicitly as ``{code, naam}``; both are validated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from data_loaders.config import data_dir

REGIONS_YAML = Path(__file__).with_name("regions.yaml")
LOOKUP_FILE = "gemeente_corop_provincie_2024.csv"

GROUPS = ("tien", "voorbeeld", "context")
DELINEATIONS = ("corop", "beleid")
CONFIDENCES = ("hoog", "middel", "laag")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class RegionConfigError(ValueError):
    """``regions.yaml`` is inconsistent with itself or with the 2024 lookup."""


@dataclass(frozen=True)
class Delineation:
    """One way of drawing a region's boundary, as a set of 2024 gemeenten."""

    kind: str  # "corop" or "beleid"
    gemeenten: tuple[str, ...]  # sorted GM codes
    basis: str
    source: str
    confidence: str
    corop_codes: tuple[str, ...] = ()  # the COROP areas whose union this is (corop delineation only)
    provincie_codes: tuple[str, ...] = ()  # set when the corop delineation is specified by province


@dataclass(frozen=True)
class SubArea:
    id: str
    name: str
    gemeenten: tuple[str, ...]


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    groups: tuple[str, ...]
    delineations: Mapping[str, Delineation] = field(hash=False)
    default_delineation: str
    notes: str = ""
    sub_areas: tuple[SubArea, ...] = ()

    def delineation(self, kind: str | None = None) -> Delineation:
        """The named delineation, or the default one when ``kind`` is None."""
        key = kind or self.default_delineation
        try:
            return self.delineations[key]
        except KeyError:
            raise KeyError(
                f"regio {self.id!r} heeft geen afbakening {key!r}; wel: {sorted(self.delineations)}"
            ) from None

    def gemeenten(self, kind: str | None = None) -> tuple[str, ...]:
        """Sorted GM codes of the named (or default) delineation."""
        return self.delineation(kind).gemeenten


@lru_cache(maxsize=4)
def _lookup_cached(path: str) -> pd.DataFrame:
    from data_loaders.bundle import read_csv_strict  # names file and row for a truncated or broken CSV

    df = read_csv_strict(Path(path)).drop(columns="_row").astype(object)
    expected = {
        "gemeente_code",
        "gemeente_naam",
        "corop_code",
        "corop_naam",
        "provincie_code",
        "provincie_naam",
    }
    missing = expected - set(df.columns)
    if missing:
        raise RegionConfigError(f"{path}: kolommen ontbreken: {sorted(missing)}")
    if df["gemeente_code"].duplicated().any():
        dup = sorted(df.loc[df["gemeente_code"].duplicated(), "gemeente_code"])
        raise RegionConfigError(f"{path}: gemeentecodes komen dubbel voor: {dup}")
    return df.sort_values("gemeente_code", ignore_index=True)


def lookup_path() -> Path:
    return data_dir() / "geo" / LOOKUP_FILE


def load_lookup() -> pd.DataFrame:
    """The 2024 gemeente→COROP→provincie lookup (one row per gemeente, 342 rows; a copy)."""
    path = lookup_path()
    if not path.is_file():
        raise FileNotFoundError(f"lookup niet gevonden: {path} (zet BW_DATA_DIR naar de databundel)")
    return _lookup_cached(str(path)).copy()


def _names(lookup: pd.DataFrame) -> dict[str, str]:
    return dict(zip(lookup["gemeente_code"], lookup["gemeente_naam"], strict=True))


def _str(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RegionConfigError(f"{where}: '{key}' ontbreekt of is leeg")
    return " ".join(value.split())


def _codes(values: Any, where: str, known: set[str]) -> tuple[str, ...]:
    if not isinstance(values, list) or not values:
        raise RegionConfigError(f"{where}: verwacht een niet-lege lijst codes")
    unknown = sorted(set(map(str, values)) - known)
    if unknown:
        raise RegionConfigError(f"{where}: onbekende codes {unknown}")
    if len(set(values)) != len(values):
        raise RegionConfigError(f"{where}: dubbele codes")
    return tuple(sorted(values))


def _named_gemeenten(items: Any, where: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """Validate a ``[{code, naam}, ...]`` list against the lookup; return sorted codes."""
    if not isinstance(items, list) or not items:
        raise RegionConfigError(f"{where}: verwacht een niet-lege lijst {{code, naam}}")
    codes: list[str] = []
    for item in items:
        if not isinstance(item, Mapping) or "code" not in item:
            raise RegionConfigError(f"{where}: element zonder code: {item!r}")
        code, naam = str(item["code"]), item.get("naam")
        if code not in names:
            raise RegionConfigError(f"{where}: {code} is geen gemeente in 2024")
        if naam is not None and naam != names[code]:
            raise RegionConfigError(f"{where}: {code} heet {names[code]!r} in de lookup, niet {naam!r}")
        codes.append(code)
    if len(set(codes)) != len(codes):
        raise RegionConfigError(f"{where}: dubbele gemeenten")
    return tuple(sorted(codes))


def _parse_delineation(kind: str, spec: Mapping[str, Any], where: str, lookup: pd.DataFrame) -> Delineation:
    confidence = _str(spec, "confidence", where)
    if confidence not in CONFIDENCES:
        raise RegionConfigError(f"{where}: confidence {confidence!r} niet in {CONFIDENCES}")
    common = {
        "basis": _str(spec, "basis", where),
        "source": _str(spec, "source", where),
        "confidence": confidence,
    }
    if kind == "corop":
        if "gemeenten" in spec:
            raise RegionConfigError(
                f"{where}: corop-afbakening mag geen gemeenten opsommen (die volgen uit de lookup)"
            )
        has_cr, has_pv = "corop_codes" in spec, "provincie_codes" in spec
        if has_cr == has_pv:
            raise RegionConfigError(f"{where}: geef precies een van corop_codes of provincie_codes")
        provincies: tuple[str, ...] = ()
        if has_pv:
            provincies = _codes(spec["provincie_codes"], where, set(lookup["provincie_code"]))
            corops = tuple(sorted(set(lookup.loc[lookup["provincie_code"].isin(provincies), "corop_code"])))
        else:
            corops = _codes(spec["corop_codes"], where, set(lookup["corop_code"]))
        gemeenten = tuple(sorted(lookup.loc[lookup["corop_code"].isin(corops), "gemeente_code"]))
        return Delineation(kind, gemeenten, corop_codes=corops, provincie_codes=provincies, **common)
    gemeenten = _named_gemeenten(spec.get("gemeenten"), where, _names(lookup))
    return Delineation(kind, gemeenten, **common)


def _parse_region(entry: Mapping[str, Any], lookup: pd.DataFrame) -> Region:
    rid = _str(entry, "id", "regio")
    where = f"regio {rid}"
    if not _SLUG.match(rid):
        raise RegionConfigError(f"{where}: id is geen URL-slug")
    groups = tuple(entry.get("groups") or ())
    if not groups or set(groups) - set(GROUPS):
        raise RegionConfigError(f"{where}: groups {groups} moeten uit {GROUPS} komen")
    specs = entry.get("delineations") or {}
    if "corop" not in specs or set(specs) - set(DELINEATIONS):
        raise RegionConfigError(f"{where}: delineations moet 'corop' bevatten en alleen {DELINEATIONS}")
    delins = {k: _parse_delineation(k, specs[k], f"{where}/{k}", lookup) for k in DELINEATIONS if k in specs}
    if "beleid" in delins and delins["beleid"].gemeenten == delins["corop"].gemeenten:
        raise RegionConfigError(f"{where}: beleid is gelijk aan corop; laat beleid weg")
    default = _str(entry, "default_delineation", where)
    if default not in delins:
        raise RegionConfigError(f"{where}: default_delineation {default!r} bestaat niet")
    names = _names(lookup)
    subs: list[SubArea] = []
    for sub in entry.get("sub_areas") or ():
        sid = _str(sub, "id", f"{where}/sub_area")
        sub_where = f"{where}/sub_area {sid}"
        gemeenten = _named_gemeenten(sub.get("gemeenten"), sub_where, names)
        for d in delins.values():
            outside = sorted(set(gemeenten) - set(d.gemeenten))
            if outside:
                raise RegionConfigError(f"{sub_where}: {outside} vallen buiten afbakening {d.kind}")
        subs.append(SubArea(sid, _str(sub, "name", sub_where), gemeenten))
    if len({s.id for s in subs}) != len(subs):
        raise RegionConfigError(f"{where}: dubbele sub_area-ids")
    return Region(
        id=rid,
        name=_str(entry, "name", where),
        groups=groups,
        delineations=delins,
        default_delineation=default,
        notes=" ".join(str(entry.get("notes") or "").split()),
        sub_areas=tuple(subs),
    )


@lru_cache(maxsize=4)
def _load_cached(yaml_path: str, lookup_file: str) -> tuple[Region, ...]:
    try:
        with open(yaml_path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise RegionConfigError(f"{yaml_path}: ongeldige YAML: {exc}") from exc
    entries = doc.get("regions") if isinstance(doc, Mapping) else None
    if not isinstance(entries, list) or not entries:
        raise RegionConfigError(f"{yaml_path}: verwacht een lijst 'regions'")
    lookup = _lookup_cached(lookup_file)
    regions = tuple(_parse_region(e, lookup) for e in entries)
    ids = [r.id for r in regions]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    if dups:
        raise RegionConfigError(f"{yaml_path}: dubbele regio-ids {dups}")
    return regions


def load_regions(yaml_path: str | Path | None = None) -> list[Region]:
    """All regions in file order (ten regions, voorbeeld-only regions, context)."""
    lookup_file = lookup_path()
    if not lookup_file.is_file():
        raise FileNotFoundError(f"lookup niet gevonden: {lookup_file} (zet BW_DATA_DIR naar de databundel)")
    return list(_load_cached(str(yaml_path or REGIONS_YAML), str(lookup_file)))


def get_region(region_id: str) -> Region:
    """The region with this id; ``KeyError`` listing the valid ids otherwise."""
    for region in load_regions():
        if region.id == region_id:
            return region
    raise KeyError(f"onbekende regio {region_id!r}; bekend: {[r.id for r in load_regions()]}")


def regions_in_group(group: str) -> list[Region]:
    """Regions carrying ``group`` (``tien``, ``voorbeeld`` or ``context``), in file order."""
    if group not in GROUPS:
        raise KeyError(f"onbekende groep {group!r}; bekend: {GROUPS}")
    return [r for r in load_regions() if group in r.groups]


def membership_frame(
    regions: Iterable[Region] | None = None, delineation: str | None = None, *, all_delineations: bool = False
) -> pd.DataFrame:
    """``group_code, region_code, region_id, delineation`` rows for :func:`geo.aggregate.aggregate_regions`.

    By default one group per region (``group_code`` = region id) using its default delineation; with
    ``delineation`` that one (falling back to ``corop`` where a region has no such delineation). With
    ``all_delineations`` one group per region and delineation, ``group_code`` = ``"<id>:<delineation>"``.
    """
    if delineation is not None and delineation not in DELINEATIONS:
        raise KeyError(f"onbekende afbakening {delineation!r}; bekend: {DELINEATIONS}")
    rows: list[tuple[str, str, str, str]] = []
    for region in load_regions() if regions is None else regions:
        if all_delineations:
            kinds = [(f"{region.id}:{k}", k) for k in region.delineations]
        elif delineation is None:
            kinds = [(region.id, region.default_delineation)]
        else:
            kinds = [(region.id, delineation if delineation in region.delineations else "corop")]
        for group_code, kind in kinds:
            rows.extend((group_code, gm, region.id, kind) for gm in region.gemeenten(kind))
    return pd.DataFrame(rows, columns=["group_code", "region_code", "region_id", "delineation"])
