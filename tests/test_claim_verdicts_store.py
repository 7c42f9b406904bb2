"""Claim verdicts computed from the real store, and the same claim after the data is changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from data_loaders.config import DUCKDB_OFFLINE
from seeds.claims import load_claims
from seeds.verdict import evidence_from_store, verdict_for_claim

CLAIM = "c011"  # Noord-Nederland: hospital, havo/vwo and performing arts are not 'nearby' (worse than NL)


def _claim():
    return next(c for c in load_claims() if c.id == CLAIM)


def test_verdict_on_real_data(built_store: Path) -> None:
    claim = _claim()
    con = duckdb.connect(str(built_store), read_only=True, config=DUCKDB_OFFLINE)
    evidence = evidence_from_store(con, claim)
    verdict = verdict_for_claim(claim, evidence)
    assert not verdict.rows.empty
    # The numbers behind the verdict are the store's values for the latest period.
    for row in verdict.rows.itertuples():
        stored = con.execute(
            "SELECT value FROM region_observations WHERE region_id=? AND delineation='corop' AND indicator_id=? "
            "AND period=?",
            [row.region_id, row.indicator_id, int(row.period)],
        ).fetchone()[0]
        nl = con.execute(
            "SELECT value FROM observations WHERE region_code='NL01' AND indicator_id=? AND period=?",
            [row.indicator_id, int(row.period)],
        ).fetchone()[0]
        assert row.value == stored and row.nl_value == nl
        assert row.agrees == (row.value > nl * 1.02)  # distances: farther than NL (beyond 2%) = worse
    assert verdict.label == "ondersteund"


def test_verdict_changes_when_data_changes(built_store: Path, tmp_path: Path) -> None:
    claim = _claim()
    copy = tmp_path / "modified.duckdb"
    shutil.copy(built_store, copy)
    con = duckdb.connect(str(copy), config=DUCKDB_OFFLINE)
    ids = ",".join(f"'{i}'" for i in claim.indicators)
    con.execute(
        f"UPDATE region_observations SET value = value * 0.5 WHERE region_id = 'noord-nederland' AND indicator_id IN ({ids})"
    )
    verdict = verdict_for_claim(claim, evidence_from_store(con, claim))
    assert verdict.label == "niet ondersteund"
    con.execute(
        f"UPDATE region_observations SET value = value * 2 WHERE region_id = 'noord-nederland' AND indicator_id IN ({ids}) "
        "AND indicator_id = 'afstand_ziekenhuis'"
    )
    assert verdict_for_claim(claim, evidence_from_store(con, claim)).label == "gemengd"
