"""Tests for seeds.verdict: the rule (each label, tolerance, flips) and the DuckDB adapter."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from seeds.claims import AreaLocation, Claim, load_claims
from seeds.verdict import (
    EVIDENCE_COLUMNS,
    LABELS,
    MIXED,
    NOT_SUPPORTED,
    SUPPORTED,
    UNTESTABLE,
    VERDICT_RULE_NL,
    evidence_from_store,
    verdict_for_claim,
)


def make_claim(
    expectation: str | None = "worse_than_nl",
    regions: tuple[str, ...] = ("twente",),
    indicators: tuple[str, ...] = ("mediaan_inkomen",),
    codes: tuple[str, ...] = ("CR12",),
) -> Claim:
    return Claim(
        id="c999",
        document="x.txt",
        section="s",
        quote="q",
        paraphrase="p",
        kind="welvaart",
        location=AreaLocation(codes=codes),
        regions=regions,
        indicators=indicators,
        expectation=expectation,
    )


def ev(*rows: tuple[str, str, int, float, float, str]) -> pd.DataFrame:
    """Evidence rows from (region, indicator, period, value, nl_value, direction)."""
    frame = pd.DataFrame(
        rows, columns=["region_id", "indicator_id", "period", "value", "nl_value", "direction"]
    )
    frame["rank"] = pd.NA
    frame["n_ranked"] = pd.NA
    return frame[list(EVIDENCE_COLUMNS)]


# --- the rule ---


def test_supported_when_all_pairs_agree() -> None:
    claim = make_claim(regions=("twente", "achterhoek"), indicators=("mediaan_inkomen", "werkloosheid"))
    evidence = ev(
        ("twente", "mediaan_inkomen", 2022, 30.0, 33.0, "higher_is_better"),
        ("achterhoek", "mediaan_inkomen", 2022, 31.0, 33.0, "higher_is_better"),
        ("twente", "werkloosheid", 2023, 4.2, 3.6, "lower_is_better"),
        ("achterhoek", "werkloosheid", 2023, 3.9, 3.6, "lower_is_better"),
    )
    verdict = verdict_for_claim(claim, evidence)
    assert verdict.label == SUPPORTED
    assert len(verdict.rows) == 4 and verdict.rows["agrees"].all()
    assert "4 van de 4" in verdict.explanation_nl


def test_not_supported_when_no_pair_agrees() -> None:
    claim = make_claim(indicators=("mediaan_inkomen", "werkloosheid"))
    evidence = ev(
        ("twente", "mediaan_inkomen", 2022, 36.0, 33.0, "higher_is_better"),
        ("twente", "werkloosheid", 2023, 3.0, 3.6, "lower_is_better"),
    )
    assert verdict_for_claim(claim, evidence).label == NOT_SUPPORTED


def test_mixed_when_some_pairs_agree() -> None:
    claim = make_claim(indicators=("mediaan_inkomen", "werkloosheid"))
    evidence = ev(
        ("twente", "mediaan_inkomen", 2022, 30.0, 33.0, "higher_is_better"),
        ("twente", "werkloosheid", 2023, 3.0, 3.6, "lower_is_better"),
    )
    verdict = verdict_for_claim(claim, evidence)
    assert verdict.label == MIXED
    assert "twente – werkloosheid: beter" in verdict.explanation_nl


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        (
            make_claim(expectation=None),
            ev(("twente", "mediaan_inkomen", 2022, 30.0, 33.0, "higher_is_better")),
        ),
        (make_claim(indicators=("bevolking",)), ev(("twente", "bevolking", 2024, 6e5, 1.8e7, "neutral"))),
        (make_claim(), ev()),
        (make_claim(), None),
        (make_claim(), ev(("twente", "mediaan_inkomen", 2022, 30.0, float("nan"), "higher_is_better"))),
        (
            make_claim(expectation="declining"),
            ev(("twente", "mediaan_inkomen", 2022, 30.0, 33.0, "higher_is_better")),
        ),
        (make_claim(), ev(("achterhoek", "mediaan_inkomen", 2022, 30.0, 33.0, "higher_is_better"))),
    ],
    ids=[
        "no-expectation",
        "only-neutral",
        "empty",
        "none",
        "no-nl-value",
        "trend-one-period",
        "other-region",
    ],
)
def test_untestable(claim: Claim, evidence: pd.DataFrame | None) -> None:
    verdict = verdict_for_claim(claim, evidence)
    assert verdict.label == UNTESTABLE
    assert verdict.explanation_nl and verdict.rows.empty


def test_verdict_flips_when_the_data_change() -> None:
    claim = make_claim()
    evidence = ev(("twente", "mediaan_inkomen", 2022, 30.0, 33.0, "higher_is_better"))
    assert verdict_for_claim(claim, evidence).label == SUPPORTED
    evidence.loc[0, "value"] = 36.0
    assert verdict_for_claim(claim, evidence).label == NOT_SUPPORTED


def test_tolerance_counts_as_equal_and_never_agrees() -> None:
    claim = make_claim()
    within = ev(("twente", "mediaan_inkomen", 2022, 32.5, 33.0, "higher_is_better"))  # -1.5 %
    verdict = verdict_for_claim(claim, within)
    assert verdict.label == NOT_SUPPORTED and verdict.rows.loc[0, "outcome"] == "gelijk"
    beyond = ev(("twente", "mediaan_inkomen", 2022, 32.0, 33.0, "higher_is_better"))  # -3 %
    assert verdict_for_claim(claim, beyond).label == SUPPORTED


def test_uses_latest_period_for_level_claims() -> None:
    claim = make_claim(expectation="better_than_nl")
    evidence = ev(
        ("twente", "mediaan_inkomen", 2022, 36.0, 33.0, "higher_is_better"),
        ("twente", "mediaan_inkomen", 2015, 20.0, 33.0, "higher_is_better"),
    )
    verdict = verdict_for_claim(claim, evidence)
    assert verdict.label == SUPPORTED and verdict.rows.loc[0, "period"] == 2022


def test_trend_claims_and_flip() -> None:
    claim = make_claim(expectation="declining", indicators=("werkloosheid",))
    evidence = ev(
        ("twente", "werkloosheid", 2015, 6.0, 6.0, "lower_is_better"),
        ("twente", "werkloosheid", 2023, 4.5, 3.6, "lower_is_better"),  # gap 0 % -> -25 %: worse
    )
    verdict = verdict_for_claim(claim, evidence)
    assert verdict.label == SUPPORTED
    assert verdict.rows.loc[0, "period_from"] == 2015 and verdict.rows.loc[0, "outcome"] == "verslechterd"
    evidence.loc[1, "value"] = 3.2  # now better than NL in 2023: the region improved
    assert verdict_for_claim(claim, evidence).label == NOT_SUPPORTED
    assert verdict_for_claim(
        make_claim(expectation="improving", indicators=("werkloosheid",)), evidence
    ).label == (SUPPORTED)


def test_area_codes_used_when_claim_has_no_regions() -> None:
    claim = make_claim(regions=(), codes=("GM0080",))
    evidence = ev(
        ("GM0080", "mediaan_inkomen", 2022, 30.0, 33.0, "higher_is_better"),
        ("GM0014", "mediaan_inkomen", 2022, 40.0, 33.0, "higher_is_better"),
    )
    verdict = verdict_for_claim(claim, evidence)
    assert verdict.label == SUPPORTED and list(verdict.rows["region_id"]) == ["GM0080"]


def test_rule_text_is_dutch_and_names_all_labels() -> None:
    assert "2%" in VERDICT_RULE_NL and "Nederland" in VERDICT_RULE_NL
    for label in LABELS:
        assert label in VERDICT_RULE_NL


def test_register_expectations_are_checkable() -> None:
    """Every testable claim in the register yields 'ondersteund' on evidence built to agree with it."""
    directions = {"worse_than_nl": 0.8, "better_than_nl": 1.2}
    for claim in (c for c in load_claims() if c.expectation):
        target = claim.regions[0] if claim.regions else claim.area_codes[0]
        indicator = claim.indicators[0]
        if claim.expectation in directions:
            evidence = ev(
                (target, indicator, 2022, 100 * directions[claim.expectation], 100.0, "higher_is_better")
            )
        else:
            last = 80.0 if claim.expectation == "declining" else 120.0
            evidence = ev(
                (target, indicator, 2015, 100.0, 100.0, "higher_is_better"),
                (target, indicator, 2022, last, 100.0, "higher_is_better"),
            )
        assert verdict_for_claim(claim, evidence).label == SUPPORTED, claim.id


# --- the DuckDB adapter ---


@pytest.fixture()
def store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE observations (indicator_id VARCHAR, region_code VARCHAR, region_level VARCHAR, "
        "period INTEGER, value DOUBLE, source_table VARCHAR, method VARCHAR, coverage DOUBLE)"
    )
    con.execute(
        "CREATE TABLE region_observations (region_id VARCHAR, delineation VARCHAR, indicator_id VARCHAR, "
        "period INTEGER, value DOUBLE, method VARCHAR, coverage DOUBLE, source_table VARCHAR, reason VARCHAR)"
    )
    con.execute("CREATE TABLE indicators (indicator_id VARCHAR, direction VARCHAR, name_nl VARCHAR)")
    con.executemany(
        "INSERT INTO indicators VALUES (?, ?, ?)",
        [
            ("mediaan_inkomen", "higher_is_better", "Mediaan inkomen"),
            ("werkloosheid", "lower_is_better", "Werkloosheid"),
            ("levensverwachting", "higher_is_better", "Levensverwachting"),
        ],
    )
    obs = [
        ("mediaan_inkomen", "NL01", "NL", 2021, 32.0),
        ("mediaan_inkomen", "NL01", "NL", 2022, 33.0),
        ("mediaan_inkomen", "GM0080", "GM", 2022, 30.0),
        ("mediaan_inkomen", "GM0014", "GM", 2022, 29.0),
        ("mediaan_inkomen", "GM0106", "GM", 2022, 34.0),
        ("werkloosheid", "NL01", "NL", 2022, 3.6),
        ("werkloosheid", "GM0080", "GM", 2022, 4.4),
        ("werkloosheid", "GM0014", "GM", 2022, 5.0),
    ]
    con.executemany(
        "INSERT INTO observations VALUES (?, ?, ?, ?, ?, 'T', 'cbs', 1.0)", [list(o) for o in obs]
    )
    reg = [
        ("twente", "corop", "mediaan_inkomen", 2021, 31.0),
        ("twente", "corop", "mediaan_inkomen", 2022, 31.5),
        ("achterhoek", "corop", "mediaan_inkomen", 2022, 32.0),
        ("zuid-limburg", "corop", "mediaan_inkomen", 2022, 30.0),
        ("nederland", "corop", "mediaan_inkomen", 2022, 33.0),
        ("veenkolonien", "beleid", "mediaan_inkomen", 2022, 29.0),
        ("veenkolonien", "corop", "mediaan_inkomen", 2022, 35.0),
        ("twente", "corop", "levensverwachting", 2021, 79.0),
        ("nederland", "corop", "levensverwachting", 2021, 82.0),
    ]
    con.executemany(
        "INSERT INTO region_observations VALUES (?, ?, ?, ?, ?, 'gewogen', 1.0, 'T', NULL)",
        [list(r) for r in reg],
    )
    return con


def test_adapter_region_claim(store: duckdb.DuckDBPyConnection) -> None:
    claim = make_claim(indicators=("mediaan_inkomen", "levensverwachting"))
    evidence = evidence_from_store(store, claim)
    assert list(evidence.columns) == list(EVIDENCE_COLUMNS)
    latest = evidence[(evidence["indicator_id"] == "mediaan_inkomen") & (evidence["period"] == 2022)].iloc[0]
    assert latest["nl_value"] == 33.0 and latest["direction"] == "higher_is_better"
    assert (latest["rank"], latest["n_ranked"]) == (
        3,
        4,
    )  # all regions but 'nederland': veenkolonien 35 first
    members = {r: [] for r in ("twente", "achterhoek", "zuid-limburg")}
    ranked = evidence_from_store(store, claim, region_members=members)
    latest = ranked[(ranked["indicator_id"] == "mediaan_inkomen") & (ranked["period"] == 2022)].iloc[0]
    assert (latest["rank"], latest["n_ranked"]) == (2, 3)  # achterhoek 32 > twente 31.5 > zuid-limburg 30
    life = evidence[evidence["indicator_id"] == "levensverwachting"].iloc[0]
    assert life["nl_value"] == 82.0  # no NL01 observation: falls back to region 'nederland'
    assert verdict_for_claim(claim, evidence).label == SUPPORTED


def test_adapter_region_members_and_delineation(store: duckdb.DuckDBPyConnection) -> None:
    claim = make_claim(regions=("veenkolonien",))
    corop = evidence_from_store(store, claim)
    assert corop["value"].tolist() == [35.0] and verdict_for_claim(claim, corop).label == NOT_SUPPORTED
    members = {"veenkolonien": ["GM0114"], "twente": ["GM0153"]}
    beleid = evidence_from_store(store, claim, region_members=members, delineation={"veenkolonien": "beleid"})
    assert beleid["value"].tolist() == [29.0] and beleid["n_ranked"].tolist() == [1]
    assert verdict_for_claim(claim, beleid).label == SUPPORTED


def test_adapter_area_claim_and_flip(store: duckdb.DuckDBPyConnection) -> None:
    claim = make_claim(regions=(), codes=("GM0080",), indicators=("mediaan_inkomen", "werkloosheid"))
    evidence = evidence_from_store(store, claim)
    assert set(evidence["region_id"]) == {"GM0080"}
    income = evidence[evidence["indicator_id"] == "mediaan_inkomen"].iloc[0]
    assert (income["rank"], income["n_ranked"]) == (2, 3)
    assert verdict_for_claim(claim, evidence).label == SUPPORTED
    store.execute(
        "UPDATE observations SET value = 36.0 "
        "WHERE region_code = 'GM0080' AND indicator_id = 'mediaan_inkomen'"
    )
    assert verdict_for_claim(claim, evidence_from_store(store, claim)).label == MIXED


def test_adapter_claim_without_indicators(store: duckdb.DuckDBPyConnection) -> None:
    evidence = evidence_from_store(store, make_claim(indicators=()))
    assert evidence.empty and list(evidence.columns) == list(EVIDENCE_COLUMNS)
