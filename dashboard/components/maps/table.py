"""The text alternative of a map: its numbers as a frame and as the collapsed 'Als tabel' HTML table."""

from __future__ import annotations

import pandas as pd

from dashboard.components.fmt import fmt_num
from dashboard.components.maps.spec import MapSpec, esc, value_text


def table_frame(spec: MapSpec) -> pd.DataFrame:
    """The map's numbers as a table: name, value, rank, NL, status ('geen data'), best first."""
    ind = spec.indicator
    rows = []
    for feature in spec.features:
        code = feature["id"]
        av = spec.values.get(code)
        name = av.name if av else feature["properties"].get("statnaam", code)
        value = av.value if av else None
        rows.append({
            "Gebied": name,
            "Code": code,
            "Waarde": None if value is None else round(value, 2),
            "Positie": av.rank if av and value is not None else None,
            "Nederland": None if ind is None or ind.nl_value is None or pd.isna(ind.nl_value) else round(ind.nl_value, 2),
            "Status": "" if value is not None else "geen data",
        })
    frame = pd.DataFrame(rows, columns=["Gebied", "Code", "Waarde", "Positie", "Nederland", "Status"])
    frame["Positie"] = frame["Positie"].astype("Int64")
    return frame.sort_values(["Positie", "Gebied"], na_position="last", ignore_index=True)


def table_html(spec: MapSpec, uid: str = "bwm") -> str:
    """The 'Als tabel' text alternative: a collapsed ``<details>`` with a real table (Dutch number format)."""
    ind = spec.indicator
    if ind is None:
        return ""
    frame = table_frame(spec)
    nl = ind.nl_value if ind.nl_value is not None and not pd.isna(ind.nl_value) else None
    unit = esc(ind.unit)
    rows = []
    for row in frame.itertuples(index=False):
        if row.Status:
            cells = f'<td colspan="3">{esc(row.Status)}</td>'
        else:
            diff = fmt_num(row.Waarde - nl, unit=ind.unit) if nl is not None else "–"
            if nl is not None and row.Waarde - nl > 0 and not diff.startswith("-"):
                diff = "+" + diff
            cells = (f"<td>{esc(value_text(row.Waarde, ind.unit))}</td><td>{'' if pd.isna(row.Positie) else int(row.Positie)}"
                     f"</td><td>{esc(diff)}</td>")
        rows.append(f'<tr><th scope="row">{esc(row.Gebied)}</th>{cells}</tr>')
    nl_text = f" Nederland: {esc(value_text(nl, ind.unit))} {unit}." if nl is not None else ""
    caption = (f"{esc(ind.name)}, {ind.period} ({unit}); positie 1 = best van {spec.n_ranked} {esc(ind.level_plural)}."
               f"{nl_text} Bron: {esc(ind.source)}.")
    return (f'<details class="bw-table"><summary>Als tabel</summary><div class="bw-table-box" tabindex="0" role="region" '
            f'aria-label="Tabel bij de kaart"><table id="{esc(uid)}-t"><caption>{caption}</caption><thead><tr>'
            f'<th scope="col">Gebied</th><th scope="col">Waarde ({unit})</th><th scope="col">Positie</th>'
            f'<th scope="col">Verschil met NL</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div></details>')
