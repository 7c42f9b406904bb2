"""Every map of the dashboard, once: shapes, colour logic, outlines and the claims layer → a server-made SVG.

Pure Python (numpy, shapely, pandas): no top-level streamlit or plotly import, so an offline report can use it.
A :class:`MapSpec` says what to draw; :func:`render_svg` draws it (interactive pages and static views such as
presentation mode use the same SVG); :func:`show` mounts it in Streamlit (lazy import) with an "Als tabel" view.
:func:`to_maplibre` draws the same spec with plotly MapLibre (WebGL) and exists only as the benchmark baseline
(``BW_MAP_RENDERER=maplibre``).

Colour: one sequential colour-blind-safe palette (YlGnBu), dark = better by the catalogue direction (a single-hue
blue ramp, dark = higher, for neutral indicators), and one domain per indicator and period: the robust national
range of the level (2nd–98th percentile of all areas; values outside get the end colours), so the same colour
means the same value on every region page and every presentation slide.

The package, by what each file holds: :mod:`.spec` (what to draw), :mod:`.colour` (palette and domains),
:mod:`.projection` (lon/lat → px, boxes, path data), :mod:`.claims` (the claims layer), :mod:`.labels` (names on the
map), :mod:`.svg` (the SVG and its legend), :mod:`.table` (the 'Als tabel' alternative), :mod:`.script` (the
component's CSS and JavaScript), :mod:`.mount` (Streamlit) and :mod:`.maplibre` (the WebGL baseline).
"""

from __future__ import annotations

from dashboard.components.maps.claims import ClaimsGeo, RegionGeo, claims_layer
from dashboard.components.maps.colour import (
    BASE_FILL,
    BASE_STROKE,
    CLAIM_COLOUR,
    CONTEXT_FILL,
    CONTEXT_STROKE,
    DIRECTION_NL,
    DOMAIN_PERCENTILES,
    FONT_FAMILY,
    MISSING_FILL,
    MISSING_HATCH,
    OUTLINE_COLOUR,
    PALETTE,
    PALETTE_NEUTRAL,
    TEXT_COLOUR,
    colour_at,
    darkness,
    fill_for,
    legend_direction,
    national_domain,
    palette_for,
)
from dashboard.components.maps.labels import CHAR_EM, text_width
from dashboard.components.maps.maplibre import RENDERER_ENV, renderer, to_maplibre
from dashboard.components.maps.mount import mount_svg, show
from dashboard.components.maps.projection import (
    Projection,
    features_in,
    fit_bbox,
    fit_projection,
    geometry_bbox,
    geometry_path,
    padded_bbox,
    ring_path,
)
from dashboard.components.maps.script import COMPONENT_CSS, COMPONENT_JS, COMPONENT_NAME
from dashboard.components.maps.spec import (
    AreaValue,
    BBox,
    ClaimArea,
    ClaimLine,
    ClaimMarker,
    ClaimsLayer,
    Geometry,
    Indicator,
    MapSpec,
    Outline,
    area_values,
    subset,
)
from dashboard.components.maps.svg import MAX_TIP_CLAIMS, payload, render_svg, render_svg_numbered, summary_text
from dashboard.components.maps.table import table_frame, table_html

__all__ = [
    "AreaValue", "BASE_FILL", "BASE_STROKE", "BBox", "CHAR_EM", "CLAIM_COLOUR", "COMPONENT_CSS", "COMPONENT_JS",
    "COMPONENT_NAME", "CONTEXT_FILL", "CONTEXT_STROKE", "ClaimArea", "ClaimLine", "ClaimMarker", "ClaimsGeo",
    "ClaimsLayer", "DIRECTION_NL", "DOMAIN_PERCENTILES", "FONT_FAMILY", "Geometry", "Indicator", "MAX_TIP_CLAIMS",
    "MISSING_FILL", "MISSING_HATCH", "MapSpec", "OUTLINE_COLOUR", "Outline", "PALETTE", "PALETTE_NEUTRAL", "Projection",
    "RENDERER_ENV", "RegionGeo", "TEXT_COLOUR", "area_values", "claims_layer", "colour_at", "darkness", "features_in",
    "fill_for", "fit_bbox", "fit_projection", "geometry_bbox", "geometry_path", "legend_direction", "mount_svg",
    "national_domain", "padded_bbox", "palette_for", "payload", "render_svg", "render_svg_numbered", "renderer",
    "ring_path", "show", "subset", "summary_text", "table_frame", "table_html", "text_width", "to_maplibre",
]
