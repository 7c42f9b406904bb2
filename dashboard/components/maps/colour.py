"""Colour: one sequential colour-blind-safe palette per direction and one robust national domain per indicator."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

# ColorBrewer YlGnBu (9 classes) and Blues: sequential, colour-blind safe, light → dark.
PALETTE = ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58")
PALETTE_NEUTRAL = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
MISSING_FILL = "#d4d4d4"
MISSING_HATCH = "#7a7a7a"
CONTEXT_FILL = "#f0f0f0"
CONTEXT_STROKE = "#bdbdbd"
BASE_FILL = "#ececec"
BASE_STROKE = "#9e9e9e"
OUTLINE_COLOUR = "#1a1a1a"
CLAIM_COLOUR = "#762a83"  # purple: distinct from the blue-yellow value scale and the green/orange verdicts
TEXT_COLOUR = "#111111"
FONT_FAMILY = "'Source Sans','Source Sans 3','Source Sans Pro',Arial,Helvetica,sans-serif"
DOMAIN_PERCENTILES = (2.0, 98.0)
DIRECTION_NL = {"higher_is_better": "hoger is beter", "lower_is_better": "lager is beter"}


def palette_for(direction: str) -> tuple[str, ...]:
    """Light → dark colours; dark = better (YlGnBu) or, for neutral indicators, dark = higher (Blues)."""
    return PALETTE if direction in DIRECTION_NL else PALETTE_NEUTRAL


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def colour_at(t: float, palette: Sequence[str] = PALETTE) -> str:
    """The palette at position ``t`` (0 = light, 1 = dark), linearly interpolated, clipped to [0, 1]."""
    t = min(1.0, max(0.0, float(t)))
    pos = t * (len(palette) - 1)
    i = min(int(pos), len(palette) - 2)
    frac = pos - i
    a, b = _rgb(palette[i]), _rgb(palette[i + 1])
    return "#" + "".join(f"{round(x + (y - x) * frac):02x}" for x, y in zip(a, b, strict=True))


def darkness(value: float, domain: tuple[float, float], direction: str) -> float:
    """0 (light) … 1 (dark) for a value: dark = better (lower for lower-is-better), dark = higher when neutral."""
    lo, hi = domain
    t = (value - lo) / (hi - lo) if hi > lo else 0.5
    t = min(1.0, max(0.0, t))
    return 1.0 - t if direction == "lower_is_better" else t


def fill_for(value: float | None, domain: tuple[float, float] | None, direction: str) -> str | None:
    """The fill colour of a value, or None for 'geen data'."""
    if value is None or domain is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return colour_at(darkness(float(value), domain, direction), palette_for(direction))


def national_domain(values: Iterable[float | None], percentiles: tuple[float, float] = DOMAIN_PERCENTILES
                    ) -> tuple[float, float] | None:
    """Robust colour domain of all areas of a level (2nd–98th percentile), or None without values."""
    arr = np.array([v for v in values if v is not None], dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None
    lo, hi = (float(x) for x in np.percentile(arr, percentiles))
    if hi <= lo:  # one value (or all equal): a small symmetric range
        pad = max(abs(lo) * 0.01, 0.5)
        lo, hi = lo - pad, hi + pad
    return lo, hi


def legend_direction(direction: str) -> str:
    """'donker = beter' or, for neutral indicators, 'donker = hoger'."""
    return "donker = beter" if direction in DIRECTION_NL else "donker = hoger"
