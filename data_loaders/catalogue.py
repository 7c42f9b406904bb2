"""The indicator catalogue: one definition of every indicator, read from ``catalogue.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")
DIRECTIONS = ("higher_is_better", "lower_is_better", "neutral")
AGGREGATIONS = ("weighted_mean", "median_approx", "area_weighted_mean", "sum", "none")
LEVELS = ("NL", "LD", "PV", "CR", "GM")
DIRECTION_NL = {
    "higher_is_better": "hoger is beter",
    "lower_is_better": "lager is beter",
    "neutral": "geen richting",
}


@dataclass(frozen=True)
class Theme:
    """A broad-welfare theme (hier en nu, later) or the facilities/context groups."""

    theme_id: str
    name_nl: str
    name_en: str
    group: str


@dataclass(frozen=True)
class Source:
    """A CBS table (or export) in the bundle and the defaults it gives its indicators."""

    table_id: str
    title: str
    file: str
    layout: str
    levels: tuple[str, ...]
    period_type: str
    filters: dict[str, str] = field(default_factory=dict)
    note: str = ""
    metadata_file: str = ""
    live_filters: dict[str, str] = field(default_factory=dict)
    # CBS 95% interval rows: {"column": "Marges", "lower": "...", "upper": "..."} (empty when not published)
    intervals: dict[str, str] = field(default_factory=dict)

    @property
    def short_name(self) -> str:
        """How a label names this source: 'Monitor Brede Welvaart' or the table id."""
        return "Monitor Brede Welvaart" if self.table_id == "RMBW" else f"CBS {self.table_id}"


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it measures, where it comes from and how to read it."""

    indicator_id: str
    name_nl: str
    name_en: str
    theme: str
    unit: str
    direction: str
    source_table: str
    measure: str
    period_type: str
    levels: tuple[str, ...]
    aggregation: str
    key: bool = False
    uncertain: str = ""
    twin_of: str = ""

    @property
    def direction_nl(self) -> str:
        """Dutch reading aid for the legend: 'hoger is beter' etc."""
        return DIRECTION_NL[self.direction]

    @property
    def higher_is_better(self) -> bool | None:
        """True/False for directed indicators, None for neutral ones."""
        return {"higher_is_better": True, "lower_is_better": False}.get(self.direction)


@dataclass(frozen=True)
class Catalogue:
    """All themes, sources and indicators, in file order."""

    themes: dict[str, Theme]
    sources: dict[str, Source]
    indicators: dict[str, Indicator]

    def indicator(self, indicator_id: str) -> Indicator:
        """Return one indicator or raise ``KeyError`` with the unknown id."""
        return self.indicators[indicator_id]

    def for_source(self, table_id: str) -> list[Indicator]:
        """Indicators read from one source table."""
        return [i for i in self.indicators.values() if i.source_table == table_id]

    def for_theme(self, theme_id: str) -> list[Indicator]:
        """Indicators of one theme."""
        return [i for i in self.indicators.values() if i.theme == theme_id]

    def twins(self, indicator_id: str) -> list[str]:
        """Ids measuring the same concept as ``indicator_id`` (itself included), primary first."""
        primary = self.indicators[indicator_id].twin_of or indicator_id
        return [primary, *(i for i, ind in self.indicators.items() if ind.twin_of == primary)]

    def label(self, indicator_id: str) -> str:
        """Display name, unique in the catalogue: twins name their source ('Werkloosheid (CBS 86088NED)')."""
        ind = self.indicators[indicator_id]
        if len(self.twins(indicator_id)) > 1:
            return f"{ind.name_nl} ({self.sources[ind.source_table].short_name})"
        return ind.name_nl

    def frame(self) -> pd.DataFrame:
        """The catalogue as a table (this is what the store's ``indicators`` table holds)."""
        rows = []
        for ind in self.indicators.values():
            theme = self.themes[ind.theme]
            source = self.sources[ind.source_table]
            rows.append(
                {
                    "indicator_id": ind.indicator_id,
                    "name_nl": ind.name_nl,
                    "name_en": ind.name_en,
                    "theme": ind.theme,
                    "theme_name": theme.name_nl,
                    "theme_group": theme.group,
                    "unit": ind.unit,
                    "direction": ind.direction,
                    "source_table": ind.source_table,
                    "source_title": source.title,
                    "measure": ind.measure,
                    "period_type": ind.period_type,
                    "levels": ",".join(ind.levels),
                    "aggregation": ind.aggregation,
                    "is_key": ind.key,
                    "uncertain": ind.uncertain,
                    "twin_of": ind.twin_of or None,
                    "label_nl": self.label(ind.indicator_id),
                }
            )
        return pd.DataFrame(rows)


class CatalogueError(ValueError):
    """The catalogue file is inconsistent."""


def _require(entry: dict[str, Any], name: str, where: str) -> Any:
    if entry.get(name) in (None, ""):
        raise CatalogueError(f"{CATALOGUE_FILE.name}: {where} mist veld '{name}'")
    return entry[name]


def parse_catalogue(raw: dict[str, Any]) -> Catalogue:
    """Validate the raw YAML structure and resolve source defaults into each indicator."""
    themes = {
        tid: Theme(tid, t["name_nl"], t["name_en"], t["group"]) for tid, t in raw["themes"].items()
    }
    sources: dict[str, Source] = {}
    for table_id, s in raw["sources"].items():
        table_id = str(table_id)
        sources[table_id] = Source(
            table_id=table_id,
            title=_require(s, "title", f"bron {table_id}"),
            file=_require(s, "file", f"bron {table_id}"),
            layout=_require(s, "layout", f"bron {table_id}"),
            levels=tuple(_require(s, "levels", f"bron {table_id}")),
            period_type=_require(s, "period_type", f"bron {table_id}"),
            filters=dict(s.get("filters") or {}),
            note=s.get("note", ""),
            metadata_file=s.get("metadata_file", ""),
            live_filters=dict(s.get("live_filters") or {}),
            intervals={k: str(v) for k, v in (s.get("intervals") or {}).items()},
        )
    indicators: dict[str, Indicator] = {}
    for entry in raw["indicators"]:
        iid = _require(entry, "id", "indicator")
        if iid in indicators:
            raise CatalogueError(f"{CATALOGUE_FILE.name}: indicator '{iid}' staat er twee keer in")
        table_id = str(_require(entry, "source", iid))
        if table_id not in sources:
            raise CatalogueError(f"{CATALOGUE_FILE.name}: indicator '{iid}' noemt onbekende bron {table_id}")
        defaults = raw["sources"][table_id] if table_id in raw["sources"] else raw["sources"][int(table_id)]
        merged = {**{k: v for k, v in defaults.items() if k not in ("note", "live_filters", "intervals")}, **entry}
        ind = Indicator(
            indicator_id=iid,
            name_nl=_require(merged, "name_nl", iid),
            name_en=_require(merged, "name_en", iid),
            theme=_require(merged, "theme", iid),
            unit=str(_require(merged, "unit", iid)),
            direction=_require(merged, "direction", iid),
            source_table=table_id,
            measure=str(_require(merged, "measure", iid)),
            period_type=_require(merged, "period_type", iid),
            levels=tuple(merged["levels"]),
            aggregation=_require(merged, "aggregation", iid),
            key=bool(merged.get("key", False)),
            uncertain=merged.get("uncertain", ""),
            twin_of=str(merged.get("twin_of") or ""),
        )
        if ind.theme not in themes:
            raise CatalogueError(f"{CATALOGUE_FILE.name}: indicator '{iid}' heeft onbekend thema {ind.theme}")
        if ind.direction not in DIRECTIONS:
            raise CatalogueError(f"{CATALOGUE_FILE.name}: indicator '{iid}' heeft richting {ind.direction}")
        if ind.aggregation not in AGGREGATIONS:
            raise CatalogueError(f"{CATALOGUE_FILE.name}: indicator '{iid}' heeft aggregatie {ind.aggregation}")
        if not set(ind.levels) <= set(LEVELS):
            raise CatalogueError(f"{CATALOGUE_FILE.name}: indicator '{iid}' heeft onbekende niveaus")
        indicators[iid] = ind
    for ind in indicators.values():
        if ind.twin_of and (ind.twin_of not in indicators or indicators[ind.twin_of].twin_of):
            raise CatalogueError(f"{CATALOGUE_FILE.name}: indicator '{ind.indicator_id}' heeft twin_of "
                                 f"'{ind.twin_of}', die niet bestaat of zelf een tweeling is")
    return Catalogue(themes, sources, indicators)


@lru_cache(maxsize=1)
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Load and validate the catalogue (cached)."""
    with open(path, encoding="utf-8") as fh:
        return parse_catalogue(yaml.safe_load(fh))
