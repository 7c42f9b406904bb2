"""Issue 22.5: one unit formatter (``fmt.with_unit``) for cards, tables, map tooltips, the PDF and presentation mode."""

from __future__ import annotations

import dataclasses
import re

import pytest

from dashboard.components import maps
from dashboard.components.fmt import short_unit, with_unit
from tests.test_maps import _spec


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (80.7, "jaren", "80,7 jaar"), (31.2, "x 1 000 euro", "31,2 k€"), (113915.4, "euro", "113.915 €"),
    (83.24, "% van 18-plussers", "83,2 %"), (1.254, "km", "1,3 km"), (7.46, "rapportcijfer 1-10", "7,5"),
])
def test_with_unit(value: float, unit: str, expected: str) -> None:
    assert with_unit(value, unit) == expected


def _tooltip(svg: str, code: str) -> str:
    """What the map's tooltip script shows as the value line: data-v + ' ' + the root's data-unit."""
    unit = re.search(r'data-unit="([^"]*)"', svg).group(1)
    value = re.search(rf'data-k="{code}" data-v="([^"]*)"', svg)
    return value.group(1) + (" " + unit if unit else "")


@pytest.mark.parametrize(("unit", "value", "nl"), [("jaren", 80.66, 81.6), ("x 1 000 euro", 31.24, 33.0),
                                                    ("% van 18-plussers", 52.61, 50.0)])
def test_map_tooltip_uses_the_same_formatter(unit: str, value: float, nl: float) -> None:
    """The tooltips read '80,7 jaar' and '31,2 k€' like the cards and the PDF, not '80,7 jaren' or '31,2 x 1 000 euro'."""
    spec = _spec({"GM0001": value, "GM0002": value + 1})
    spec = dataclasses.replace(spec, indicator=dataclasses.replace(spec.indicator, unit=unit, nl_value=nl))
    svg = maps.render_svg(spec, interactive=True)
    assert f'data-unit="{short_unit(unit)}"' in svg
    assert _tooltip(svg, "GM0001") == with_unit(value, unit)
    assert f'data-nl="{with_unit(nl, unit)}"' in svg
