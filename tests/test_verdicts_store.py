"""Issue 20 on the real store: every verdict a statistician would sign (each test failed on main 94a2645).

The store is the session's build from the bundle; numbers checked here are recomputed from the bundle CSVs
where that is short, else read from the store's evidence (whose recomputation tests live in test_claims_store).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from seeds import rules

SCALE = set(rules.LABELS)


def _whole(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM claim_verdicts WHERE region_id IS NULL").df().set_index("claim_id")


def _pair(con: duckdb.DuckDBPyConnection, claim: str, region: str, delineation: str, indicator: str) -> pd.Series:
    df = con.execute("SELECT * FROM claim_evidence WHERE claim_id = ? AND region_id = ? AND delineation = ? "
                     "AND indicator_id = ?", [claim, region, delineation, indicator]).df()
    assert len(df) == 1
    return df.iloc[0]


def test_every_label_is_on_the_scale_and_deels_ondersteund_is_gone(con) -> None:  # noqa: ANN001
    labels = set(con.execute("SELECT DISTINCT label FROM claim_verdicts").df()["label"])
    assert labels <= SCALE and "deels ondersteund" not in labels
    tested = _whole(con)[lambda f: f["label"] != rules.UNTESTABLE]
    assert len(tested) >= 25
    assert tested["window_nl"].str.len().min() > 3  # every tested claim states its window
    assert tested["robustness_nl"].str.len().min() > 3  # and how robust it is


def test_a_claim_and_its_negation_do_not_both_look_supported(con) -> None:  # noqa: ANN001
    """c029 'verschillen nemen toe' and c090 'verschillen worden kleiner' rest on the same evidence."""
    whole = _whole(con)
    assert not (whole.loc["c029", "label"] in rules.SUPPORTING and whole.loc["c090", "label"] in rules.SUPPORTING)
    assert whole.loc["c090", "label"] == rules.MIRROR[whole.loc["c029", "label"]]
    assert (whole.loc["c029", "n_support"], whole.loc["c029", "n_contra"]) == (
        whole.loc["c090", "n_contra"], whole.loc["c090", "n_support"])


def test_the_indicator_is_the_unit_of_evidence(con) -> None:  # noqa: ANN001
    """c044 over ten regions: n is the number of indicators, not regions × indicators (297 pairs on main)."""
    whole = _whole(con).loc["c044"]
    n_pairs = con.execute("SELECT count(*) FROM claim_evidence WHERE claim_id = 'c044' AND direction IS NOT NULL").fetchone()[0]
    n_ind = con.execute("SELECT count(DISTINCT indicator_id) FROM claim_evidence WHERE claim_id = 'c044'").fetchone()[0]
    assert n_pairs > 100 and whole["n_indicators"] <= n_ind < 40


def test_near_duplicate_indicators_count_once(con) -> None:  # noqa: ANN001
    """Bruto- and nettoarbeidsparticipatie (ρ ≈ 0.98 over the COROP areas) count as one indicator."""
    eff = con.execute("SELECT * FROM claim_indicator_effects WHERE claim_id = 'c044' AND region_id IS NULL").df()
    labour = eff[eff["indicator_id"].isin(["brutoarbeidsparticipatie", "nettoarbeidsparticipatie"])]
    if len(labour) == 2:
        assert labour["counted"].sum() == 1
    assert (~eff["counted"]).sum() >= 1
    assert eff.loc[~eff["counted"], "duplicate_of"].notna().all()


def test_duplicate_claims_have_one_verdict(con) -> None:  # noqa: ANN001
    whole = _whole(con)
    claims = con.execute("SELECT claim_id, group_id FROM claims").df().set_index("claim_id")["group_id"]
    for dup, primary in (("c047", "c029"), ("c071", "c029"), ("c073", "c041"), ("c086", "c044")):
        assert claims[dup] == primary
        assert whole.loc[dup, "verdict_nl"] == whole.loc[primary, "verdict_nl"]
        assert whole.loc[dup, "group_id"] == primary


def test_c078_is_tested_on_actual_shrinkage(con) -> None:  # noqa: ANN001
    """All ten regions grew 2019–2026: slower growth than NL is no demographic shrinkage (main: 'ondersteund 10 van 10')."""
    ev = con.execute("SELECT * FROM claim_evidence WHERE claim_id = 'c078'").df()
    assert (ev["statistic"] > 0).all()  # every region's population grew
    assert set(ev["outcome"]) == {rules.GROEIT}
    assert ev["note"].str.contains("gemeenten kromp").all()  # per gemeente too
    assert _whole(con).loc["c078", "label"] == rules.CONTRADICTED


def test_c012_is_not_testable_with_the_reason(con) -> None:  # noqa: ANN001
    row = _whole(con).loc["c012"]
    assert row["label"] == rules.UNTESTABLE and "meet niet wat de claim zegt" in row["summary_nl"]


def test_c032_is_tested_on_regio_groningen_assen(con) -> None:  # noqa: ANN001
    ev = con.execute("SELECT * FROM claim_evidence WHERE claim_id = 'c032'").df()
    assert set(ev["region_id"]) == {"Regio Groningen-Assen"}  # not on all of Noord-Nederland
    assert _whole(con).loc["c032", "label"] == rules.UNTESTABLE  # CBS publishes these for Groningen only
    assert ev["note"].fillna("").str.contains("van de 9 gemeenten").any()


def test_differences_within_rounding_or_the_cbs_interval_are_no_difference(con) -> None:  # noqa: ANN001
    twente = _pair(con, "c044", "twente", "corop", "werkloosheid")  # 3,6 vs 3,7: 'beter' on main
    assert (twente["value_to"], twente["nl_to"]) == (pytest.approx(3.6), pytest.approx(3.7))
    assert twente["outcome"] == rules.GELIJK and twente["neutral"] and "afronding" in twente["note"]
    school = _pair(con, "c044", "achterhoek", "corop", "afstand_basisschool")  # 0,9 vs 0,8 km: 'slechter' on main
    assert school["outcome"] == rules.GELIJK and school["direction"] == 0
    woning = _pair(con, "c044", "zuid-limburg", "corop", "tevredenheid_woning")  # 81,6 vs 82,5 in [79,1; 84,0]
    assert woning["outcome"] == rules.GELIJK and "95%-interval" in woning["note"]
    small = con.execute("""SELECT count(*) FROM claim_evidence e JOIN indicators i USING (indicator_id)
        WHERE e.claim_id = 'c044' AND e.outcome IN ('beter', 'slechter')
        AND abs(e.value_to - e.nl_to) < 2 * i.resolution - 1e-9""").fetchone()[0]
    assert small == 0  # 21 of 240 on main


def test_84570ned_intervals_are_loaded(con) -> None:  # noqa: ANN001
    n = con.execute("SELECT count(*) FROM intervals WHERE indicator_id = 'tevredenheid_woning'").fetchone()[0]
    assert n > 100


def test_one_window_per_claim(con) -> None:  # noqa: ANN001
    """c041 ran from 2017–22 to 2002–24 per indicator on main; now every pair lies inside 2013–2022."""
    ev = con.execute("SELECT * FROM claim_evidence WHERE claim_id = 'c041' AND period_from IS NOT NULL").df()
    assert ev["period_from"].min() >= 2013 and ev["period_to"].max() <= 2022
    assert _whole(con).loc["c041", "window_nl"].startswith("venster 2013–2022")


def test_trends_do_not_straddle_the_2022_break_in_the_distances(con) -> None:  # noqa: ANN001
    ev = con.execute("SELECT * FROM claim_evidence WHERE claim_id = 'c069' AND period_to IS NOT NULL").df()
    assert ev["period_to"].max() <= 2021
    assert ev["note"].str.contains("reeksbreuk in 2022").any()


def test_derived_series_come_from_a_constant_set(con) -> None:  # noqa: ANN001
    """Kop van Noord-Holland (beleid): huisartsenpost 3,01 → 7,38 km on main while CBS's CR18 is flat."""
    row = _pair(con, "c069", "kop-van-noord-holland", "beleid", "afstand_huisartsenpost")
    assert row["value_from"] > 5.0  # no longer the 3,01 of a set that grew
    nog = _pair(con, "c069", "noord-en-oost-groningen", "corop", "afstand_treinstation")
    assert "CBS-cijfers van 2 COROP-gebieden" in nog["note"]  # a union of COROP areas: CBS's own series


def test_spread_evidence_shows_the_fitted_line(con) -> None:  # noqa: ANN001
    """'0,154 → 0,127 … neemt toe' on main: now the shown values are the trend line's, so they agree with the arrow."""
    ev = con.execute("SELECT * FROM claim_evidence WHERE test = 'spreiding' AND outcome IN ('neemt toe', 'neemt af')").df()
    assert len(ev)
    up = ev["outcome"] == rules.NEEMT_TOE
    assert (ev.loc[up, "value_to"] > ev.loc[up, "value_from"]).all()
    assert (ev.loc[~up, "value_to"] < ev.loc[~up, "value_from"]).all()


def test_corop_spread_needs_80_percent_of_the_population(con) -> None:  # noqa: ANN001
    low = con.execute("SELECT count(*) FROM dispersion WHERE level = 'CR' AND population_share < 0.8").fetchone()[0]
    assert low == 0  # social cohesion's COROP spread covered 38% on main


def test_spread_uses_sd_for_percentages(con) -> None:  # noqa: ANN001
    ev = con.execute("""SELECT e.note FROM claim_evidence e WHERE e.claim_id = 'c029' AND e.indicator_id = 'werkloosheid'""").df()
    assert ev["note"].str.contains("standaardafwijking").all()


def test_area_shares_are_weighted_by_area_in_group_tests(con) -> None:  # noqa: ANN001
    ev = con.execute("SELECT note FROM claim_evidence WHERE claim_id = 'c068' AND indicator_id = 'natuur_bos_aandeel'").df()
    assert len(ev) and ev["note"].str.contains("oppervlaktegewogen").all()


def test_twente_c041_reads_against_the_claim(con) -> None:  # noqa: ANN001
    """'deels ondersteund (1 van 27)' on main, with 13 pairs in Twente's favour and 1 against."""
    row = con.execute("SELECT * FROM claim_verdicts WHERE claim_id = 'c041' AND region_id = 'twente'").df().iloc[0]
    assert row["label"] in rules.CONTRADICTING


def test_cause_is_never_tested(con) -> None:  # noqa: ANN001
    whole = _whole(con)
    for cid in ("c041", "c044", "c071", "c072", "c086", "c088", "c090"):
        assert whole.loc[cid, "cause_nl"] == rules.CAUSE_NOT_TESTED


def test_bathing_water_labels_follow_the_corrected_metadata(con, bundle_dir: Path) -> None:  # noqa: ANN001
    meta = pd.read_csv(bundle_dir / "cbs" / "rmbw_gemeente_indicatoren_metadata.csv").set_index(
        pd.read_csv(bundle_dir / "cbs" / "rmbw_gemeente_indicatoren_metadata.csv").columns[0])
    ind = con.execute("SELECT indicator_id, measure, name_nl FROM indicators WHERE indicator_id LIKE 'zwemwater%'").df()
    for row in ind.itertuples():
        source_name = str(meta.loc[row.measure].iloc[0]).lower()
        assert ("kust" in source_name) == ("kust" in row.name_nl.lower())
    kust = con.execute("SELECT count(DISTINCT region_code) FROM observations WHERE indicator_id = 'zwemwater_kust' "
                       "AND region_level = 'GM'").fetchone()[0]
    assert kust < 60  # 34 coastal gemeenten, not 232


def test_bbp_claim_handles_groningen_gas(con) -> None:  # noqa: ANN001
    ev = con.execute("SELECT * FROM claim_evidence WHERE claim_id = 'c088'").df()
    assert len(ev) == 1 and ev.iloc[0]["period_from"] == 1995 and ev.iloc[0]["period_to"] == 2023
    method = _whole(con).loc["c088", "method_nl"]
    assert "CR02" in method and "aardgas" in method


def test_new_claims_from_003_and_004_are_registered(con) -> None:  # noqa: ANN001
    whole = _whole(con)
    assert whole.loc["c089", "label"] == rules.UNTESTABLE and "investeringen" in whole.loc["c089", "summary_nl"]
    assert whole.loc["c090", "label"] != rules.UNTESTABLE
