"""Check a claim against data: a small, explainable rule on top of tidy evidence rows.

Rule (also shown on the Over page as :data:`VERDICT_RULE_NL`):

* Evidence is one row per (region, indicator, period) with the value, the Netherlands value for the same
  indicator and period, and the indicator's direction (``higher_is_better`` / ``lower_is_better`` /
  ``neutral``). Only the claim's own regions (or, for claims without regions, its area codes) and indicators
  count; neutral indicators and rows without a value or without a Netherlands value are ignored.
* ``worse_than_nl`` / ``better_than_nl``: per (region, indicator) pair take the latest period and compute the
  relative difference ``(value - nl_value) / |nl_value|``. Below 2% (``TOLERANCE``) it counts as *gelijk*;
  otherwise the direction decides whether the region is *beter* or *slechter* than the Netherlands.
* ``improving`` / ``declining``: per pair compare the first and the last period with a Netherlands value. The
  gap is the relative difference signed so that positive means better than the Netherlands; the pair
  *verbeterd* (or *verslechterd*) when the gap changed by at least 2 percentage points, else *gelijk*.
* A pair agrees when its outcome is what the claim expects (*gelijk* never agrees). All pairs agree:
  ``ondersteund``; none: ``niet ondersteund``; some: ``gemengd``. No expectation, only neutral indicators or
  no usable pairs: ``niet toetsbaar met deze data``.

:func:`verdict_for_claim` is pure pandas. :func:`evidence_from_store` builds its input from the DuckDB store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from seeds.claims import Claim

SUPPORTED = "ondersteund"
NOT_SUPPORTED = "niet ondersteund"
MIXED = "gemengd"
UNTESTABLE = "niet toetsbaar met deze data"
LABELS: tuple[str, ...] = (SUPPORTED, NOT_SUPPORTED, MIXED, UNTESTABLE)

TOLERANCE = 0.02
# When the evidence carries ``sd`` (the spread of the 40 COROP values in that period), differences are
# measured in those standard deviations instead, the same scale as the dashboard's profile.
SD_TOLERANCE = 0.25
EVIDENCE_COLUMNS: tuple[str, ...] = (
    "region_id",
    "indicator_id",
    "period",
    "value",
    "nl_value",
    "rank",
    "n_ranked",
    "direction",
)
ROW_COLUMNS: tuple[str, ...] = (
    "region_id",
    "indicator_id",
    "direction",
    "period_from",
    "period",
    "value_from",
    "value",
    "nl_value_from",
    "nl_value",
    "rel_diff",
    "gap_change",
    "rank",
    "n_ranked",
    "outcome",
    "agrees",
)
_SIGN = {"higher_is_better": 1.0, "lower_is_better": -1.0}
_EXPECTED_OUTCOME = {
    "worse_than_nl": "slechter",
    "better_than_nl": "beter",
    "improving": "verbeterd",
    "declining": "verslechterd",
}
EXPECTATION_NL = {
    "worse_than_nl": "slechter dan Nederland",
    "better_than_nl": "beter dan Nederland",
    "improving": "verbeterend ten opzichte van Nederland",
    "declining": "verslechterend ten opzichte van Nederland",
}

VERDICT_RULE_NL = "\n\n".join(
    [
        "Hoe we een claim toetsen",
        "Een claim is toetsbaar als hij iets verwacht over gekoppelde indicatoren in gekoppelde regio's: "
        "slechter of beter dan Nederland, of verbeterend of verslechterend ten opzichte van Nederland. We "
        "bekijken elke combinatie van regio en indicator waarvoor cijfers zijn, zowel voor de regio als "
        "voor Nederland. Indicatoren zonder duidelijke goede richting (zoals bevolkingsomvang) tellen "
        "niet mee.",
        "- Slechter/beter dan Nederland: we nemen het meest recente jaar en meten het verschil met "
        "Nederland in standaardafwijkingen van de 40 COROP-gebieden in dat jaar (dezelfde schaal als het "
        "profiel op de regiopagina's). Is het verschil kleiner dan 0,25 standaardafwijking, dan noemen we "
        "de regio gelijk aan Nederland. Anders bepaalt de richting van de indicator (hoger is beter of "
        "lager is beter) of de regio beter of slechter scoort. Zonder COROP-spreiding gebruiken we het "
        "relatieve verschil met een drempel van 2%.\n"
        "- Verbeterend/verslechterend: we vergelijken het eerste en het laatste jaar met cijfers. Is de "
        "afstand tot Nederland minstens 0,25 standaardafwijking (of, zonder spreiding, 2 procentpunt) "
        "gunstiger geworden, dan is de regio verbeterd; evenveel ongunstiger: verslechterd; anders gelijk "
        "gebleven.",
        "Wijzen alle combinaties in de richting van de claim, dan is de claim ondersteund; geen enkele: "
        "niet ondersteund; een deel: gemengd. 'Gelijk' telt niet als steun. Zonder verwachting, met "
        "alleen indicatoren zonder richting of zonder bruikbare cijfers is de claim niet toetsbaar met "
        "deze data.",
        "Dit is een eenvoudige, controleerbare toets, geen oordeel over de claim als geheel: indicatoren "
        "meten vaak maar een deel van wat een document bedoelt, en regio-afbakeningen wijken soms af van "
        "wat de schrijvers bedoelen.",
    ]
)


@dataclass(frozen=True, eq=False)
class Verdict:
    """Outcome of a claim check: label, Dutch explanation and one row per evaluated (region, indicator)."""

    label: str
    explanation_nl: str
    rows: pd.DataFrame


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ROW_COLUMNS})


def _targets(claim: Claim) -> tuple[str, ...]:
    """Regions take precedence over area codes (the same rule as :func:`evidence_from_store`)."""
    return tuple(claim.regions) or tuple(claim.area_codes)


def _rel_diff(value: float, nl_value: float) -> float:
    if nl_value == 0:
        return 0.0 if value == 0 else float("inf") * (1.0 if value > nl_value else -1.0)
    return (value - nl_value) / abs(nl_value)


def _optional(row: pd.Series, column: str) -> Any:
    value = row.get(column)
    return None if value is None or pd.isna(value) else value


def _judge_pair(group: pd.DataFrame, expectation: str) -> dict[str, Any] | None:
    """Evaluate one (region, indicator) pair; None if it has too little data."""
    data = group.dropna(subset=["value", "nl_value", "period"]).sort_values("period")
    if data.empty:
        return None
    sign = _SIGN[data["direction"].iloc[0]]
    last = data.iloc[-1]
    use_sd = "sd" in data and data["sd"].notna().all() and bool((data["sd"] > 0).all())
    tolerance = SD_TOLERANCE if use_sd else TOLERANCE

    def gap(r: pd.Series) -> float:
        if use_sd:
            return (float(r["value"]) - float(r["nl_value"])) / float(r["sd"])
        return _rel_diff(float(r["value"]), float(r["nl_value"]))

    rel_last = gap(last)
    row: dict[str, Any] = {
        "region_id": last["region_id"],
        "indicator_id": last["indicator_id"],
        "direction": last["direction"],
        "period_from": None,
        "period": int(last["period"]),
        "value_from": None,
        "value": float(last["value"]),
        "nl_value_from": None,
        "nl_value": float(last["nl_value"]),
        "rel_diff": rel_last,
        "gap_change": None,
        "rank": _optional(last, "rank"),
        "n_ranked": _optional(last, "n_ranked"),
    }
    if expectation in ("worse_than_nl", "better_than_nl"):
        if abs(rel_last) < tolerance:
            outcome = "gelijk"
        else:
            outcome = "beter" if sign * rel_last > 0 else "slechter"
    else:
        if data["period"].nunique() < 2:
            return None
        first = data.iloc[0]
        rel_first = gap(first)
        change = sign * rel_last - sign * rel_first
        row.update(
            period_from=int(first["period"]),
            value_from=float(first["value"]),
            nl_value_from=float(first["nl_value"]),
            gap_change=change,
        )
        if abs(change) < tolerance:
            outcome = "gelijk"
        else:
            outcome = "verbeterd" if change > 0 else "verslechterd"
    row["outcome"] = outcome
    row["agrees"] = outcome == _EXPECTED_OUTCOME[expectation]
    return row


def verdict_for_claim(claim: Claim, evidence: pd.DataFrame | None) -> Verdict:
    """Apply the rule in the module docstring to ``claim`` and its evidence (:data:`EVIDENCE_COLUMNS`)."""
    expectation = claim.expectation
    if expectation is None:
        return Verdict(
            UNTESTABLE, "Deze claim doet geen toetsbare uitspraak over indicatoren.", _empty_rows()
        )
    if expectation not in _EXPECTED_OUTCOME:
        raise ValueError(f"{claim.id}: unknown expectation {expectation!r}")
    if evidence is None or evidence.empty:
        return Verdict(
            UNTESTABLE, "Er zijn geen cijfers voor de regio's en indicatoren van deze claim.", _empty_rows()
        )
    required = {"region_id", "indicator_id", "period", "value", "nl_value", "direction"}
    if missing := required - set(evidence.columns):
        raise ValueError(f"evidence is missing columns {sorted(missing)}")

    ev = evidence.copy()
    if claim.indicators:
        ev = ev[ev["indicator_id"].isin(claim.indicators)]
    if targets := _targets(claim):
        ev = ev[ev["region_id"].isin(targets)]
    ev = ev[ev["value"].notna()]
    directed = ev[ev["direction"].isin(list(_SIGN))]
    if directed.empty:
        reason = (
            "Er zijn alleen cijfers voor indicatoren zonder goede richting."
            if not ev.empty
            else "Er zijn geen cijfers voor de regio's en indicatoren van deze claim."
        )
        return Verdict(UNTESTABLE, reason, _empty_rows())

    judged = [
        r
        for _, group in directed.groupby(["region_id", "indicator_id"], sort=True)
        if (r := _judge_pair(group, expectation)) is not None
    ]
    if not judged:
        msg = (
            "Voor geen enkele combinatie van regio en indicator zijn er twee jaren met cijfers voor zowel "
            "de regio als Nederland."
            if expectation in ("improving", "declining")
            else "Er zijn geen cijfers voor zowel de regio als Nederland in hetzelfde jaar."
        )
        return Verdict(UNTESTABLE, msg, _empty_rows())

    rows = pd.DataFrame(judged, columns=list(ROW_COLUMNS))
    n, n_agree = len(rows), int(rows["agrees"].sum())
    label = SUPPORTED if n_agree == n else NOT_SUPPORTED if n_agree == 0 else MIXED
    return Verdict(label, _explain(label, expectation, rows, n_agree), rows)


def _explain(label: str, expectation: str, rows: pd.DataFrame, n_agree: int) -> str:
    n = len(rows)
    n_equal = int((rows["outcome"] == "gelijk").sum())
    subject = "de regio" if rows["region_id"].nunique() == 1 else "de regio's"
    head = {
        SUPPORTED: "Ondersteund",
        NOT_SUPPORTED: "Niet ondersteund",
        MIXED: "Gemengd",
    }[label]
    text = (
        f"{head}: de claim verwacht dat {subject} {EXPECTATION_NL[expectation]} scoort; dat geldt voor "
        f"{n_agree} van de {n} combinaties van regio en indicator met cijfers."
    )
    if n_equal:
        text += f" {n_equal} combinatie(s) liggen binnen de drempel (0,25 sd van de COROP-gebieden, of 2%) en tellen als gelijk."
    others = rows[~rows["agrees"]]
    if not others.empty:
        listed = "; ".join(
            f"{r.region_id} – {r.indicator_id}: {r.outcome}" for r in others.head(5).itertuples()
        )
        more = f" (en {len(others) - 5} meer)" if len(others) > 5 else ""
        text += f" Niet in lijn: {listed}{more}."
    return text


# ----------------------------------------------------------------------------------------------------
# Adapter: evidence from the DuckDB store
# ----------------------------------------------------------------------------------------------------


def _level_of(code: str) -> str:
    return "NL" if code == "NL01" else code[:2]


def _add_rank(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Rank 1 = best within each group (by direction; neutral ranks high values first)."""
    if frame.empty:
        return frame.assign(rank=pd.Series(dtype="Int64"), n_ranked=pd.Series(dtype="Int64"))
    sign = frame["direction"].map(_SIGN).fillna(1.0)
    score = -(frame["value"] * sign)
    grouped = score.groupby([frame[c] for c in by])
    return frame.assign(
        rank=grouped.rank(method="min").astype("Int64"),
        n_ranked=grouped.transform("count").astype("Int64"),
    )


def _in_clause(values: Sequence[str]) -> str:
    return "(" + ", ".join("?" for _ in values) + ")"


def _query(con: Any, sql: str, params: Sequence[Any]) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def _region_rows(
    con: Any, claim: Claim, wanted: Mapping[str, str], pool: set[str] | None, ind_in: str
) -> tuple[pd.DataFrame, list[str]]:
    """Region-id evidence from ``region_observations``, ranked within the comparison pool."""
    delineations = sorted(set(wanted.values()))
    raw = _query(
        con,
        f"""
        SELECT region_id, delineation, indicator_id, CAST(period AS INTEGER) AS period, value
        FROM region_observations
        WHERE indicator_id IN {ind_in} AND value IS NOT NULL AND delineation IN {_in_clause(delineations)}
        QUALIFY row_number() OVER (
            PARTITION BY region_id, delineation, indicator_id, period
            ORDER BY coverage DESC NULLS LAST) = 1
        """,
        [*claim.indicators, *delineations],
    )
    pool = (pool if pool is not None else set(raw["region_id"]) - {"nederland"}) | set(claim.regions)
    return raw[raw["region_id"].isin(pool)], ["delineation"]


def _area_rows(con: Any, claim: Claim, ind_in: str) -> tuple[pd.DataFrame, list[str]]:
    """Area-code evidence from ``observations``, ranked within each code's level."""
    levels = sorted({_level_of(c) for c in claim.area_codes})
    raw = _query(
        con,
        f"""
        SELECT region_code AS region_id, region_level, indicator_id, CAST(period AS INTEGER) AS period, value
        FROM observations
        WHERE indicator_id IN {ind_in} AND region_level IN {_in_clause(levels)} AND value IS NOT NULL
        QUALIFY row_number() OVER (
            PARTITION BY region_code, indicator_id, period
            ORDER BY coverage DESC NULLS LAST, source_table) = 1
        """,
        [*claim.indicators, *levels],
    )
    return raw, ["region_level"]


def evidence_from_store(
    con: Any,
    claim: Claim,
    region_members: Mapping[str, Sequence[str]] | None = None,
    delineation: str | Mapping[str, str] = "corop",
) -> pd.DataFrame:
    """Evidence rows (:data:`EVIDENCE_COLUMNS`) for ``claim`` from a DuckDB connection.

    * Claims with region ids read ``region_observations`` for ``delineation`` ('corop' unless told; a mapping
      gives a delineation per region id, 'corop' for ids it lacks). ``region_members`` (region id -> member
      codes, e.g. from ``geo.regions``) sets the comparison group for ``rank``/``n_ranked``: its keys; without
      it, all region ids in the table except 'nederland'.
    * Claims without region ids but with area codes read ``observations`` directly; ranks are within the
      code's level (GM, CR or PV).
    * ``nl_value`` is the ``observations`` row for NL01, else the 'nederland' row of ``region_observations``
      (default delineation).
    """
    indicators = list(claim.indicators)
    if not indicators or not (claim.regions or claim.area_codes):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in EVIDENCE_COLUMNS})
    ind_in = _in_clause(indicators)
    per_region = delineation if isinstance(delineation, Mapping) else {}
    default = "corop" if isinstance(delineation, Mapping) else delineation

    if claim.regions:
        wanted = {r: per_region.get(r, default) for r in claim.regions}
        pool = set(region_members) if region_members is not None else None
        raw, group = _region_rows(con, claim, wanted, pool, ind_in)
    else:
        raw, group = _area_rows(con, claim, ind_in)
    directions = _query(
        con, f"SELECT indicator_id, direction FROM indicators WHERE indicator_id IN {ind_in}", indicators
    )
    direction_of = dict(zip(directions["indicator_id"], directions["direction"], strict=True))
    raw = raw.assign(direction=raw["indicator_id"].map(direction_of).fillna("neutral"))
    ranked = _add_rank(raw, [*group, "indicator_id", "period"])
    if claim.regions:
        keep = [wanted.get(r) == d for r, d in zip(ranked["region_id"], ranked["delineation"], strict=True)]
    else:
        keep = ranked["region_id"].isin(claim.area_codes).tolist()
    rows = ranked[keep]

    nl = _query(
        con,
        f"""
        SELECT indicator_id, CAST(period AS INTEGER) AS period, avg(value) AS nl_obs
        FROM observations
        WHERE region_code = 'NL01' AND indicator_id IN {ind_in} AND value IS NOT NULL
        GROUP BY ALL
        """,
        indicators,
    )
    nl_regions = _query(
        con,
        f"""
        SELECT indicator_id, CAST(period AS INTEGER) AS period, avg(value) AS nl_ro
        FROM region_observations
        WHERE region_id = 'nederland' AND delineation = ? AND indicator_id IN {ind_in} AND value IS NOT NULL
        GROUP BY ALL
        """,
        [default, *indicators],
    )
    out = rows.merge(nl, on=["indicator_id", "period"], how="left")
    out = out.merge(nl_regions, on=["indicator_id", "period"], how="left")
    out["nl_value"] = out["nl_obs"].astype("Float64").fillna(out["nl_ro"].astype("Float64"))
    out = out.sort_values(["region_id", "indicator_id", "period"]).reset_index(drop=True)
    return out[list(EVIDENCE_COLUMNS)]
