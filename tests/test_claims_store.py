"""Claim verdicts on the real store: exact numbers recomputed from the bundle's CSVs, read through the page path.

The pages read verdicts and evidence with :func:`dashboard.components.claims_layer.claim_verdict` and
:func:`~dashboard.components.claims_layer.claim_pairs` (cached store access in ``dashboard.data``); these tests
call the same functions against the session's store and compare every number with one computed here from the
CSV exports, independently of the pipeline.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from seeds import rules


@pytest.fixture(scope="module")
def page_path(built_store: Path, bundle_dir: Path):  # noqa: ANN201 - returns the claims_layer module
    """``dashboard.components.claims_layer`` reading the session's store (as a page would)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("BW_STORE", str(built_store))
    mp.setenv("BW_DATA_DIR", str(bundle_dir))
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    from dashboard.components import claims_layer

    yield claims_layer
    st.cache_resource.clear()
    mp.undo()


def _csv(bundle_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(bundle_dir / "cbs" / name, dtype={"region_code": str})


def _lookup(bundle_dir: Path) -> pd.DataFrame:
    return pd.read_csv(bundle_dir / "geo" / "gemeente_corop_provincie_2024.csv", dtype=str)


def test_c011_hospital_distance_in_noord_nederland(page_path, bundle_dir: Path) -> None:  # noqa: ANN001
    """c011, Noord-Nederland (= landsdeel LD01, an official CBS area), hospital distance 2023."""
    raw = _csv(bundle_dir, "nabijheid_voorzieningen_80305NED_NL_LD_PV_CR_GM_2006_2023.csv")
    raw["region_code"] = raw["region_code"].str.strip()
    year = int(raw["Perioden"].astype(str).str[:4].astype(int).max())
    now = raw[raw["Perioden"].astype(str).str[:4].astype(int) == year].set_index("region_code")["AfstandTotZiekenhuis_11"]
    region, nl = float(now["LD01"]), float(now["NL01"])
    corop = now[now.index.str.startswith("CR")].astype(float)
    assert len(corop) == 40
    z = -(region - nl) / (1.4826 * np.median(np.abs(corop - np.median(corop))))

    pairs = page_path.claim_pairs("c011", "noord-nederland", "corop")
    row = pairs.set_index("indicator_id").loc["afstand_ziekenhuis"]
    assert (row["period_to"], row["value_to"], row["nl_to"]) == (year, pytest.approx(region), pytest.approx(nl))
    assert row["statistic"] == pytest.approx(z)
    small = abs(z) < rules.PARAMS.drempel or abs(region - nl) < 2 * 0.1  # published to one decimal
    expected = rules.GELIJK if small else (rules.BETER if z > 0 else rules.SLECHTER)
    assert row["outcome"] == expected
    verdict = page_path.claim_verdict("c011", "noord-nederland", "corop")
    judged = pairs[pairs["direction"].notna()]
    assert verdict["n_indicators"] == len(judged) and verdict["n_support"] == int((judged["direction"] == 1).sum())
    assert verdict["n_contra"] == int((judged["direction"] == -1).sum())
    v = rules.Verdict(verdict["label"], verdict["n_indicators"], verdict["n_support"], verdict["n_contra"])
    assert verdict["verdict_nl"] == rules.verdict_text(v)


def test_c078_population_development_of_twente(page_path, bundle_dir: Path) -> None:  # noqa: ANN001
    """c078 (krimp), Twente = CR12: the sum of its gemeenten in 2019 and 2026 against NL (CBS 03759NED)."""
    raw = _csv(bundle_dir, "bevolking_03759NED_NL_PV_GM_2019_2026.csv")
    raw["region_code"] = raw["region_code"].str.strip()
    members = set(_lookup(bundle_dir).query("corop_code == 'CR12'")["gemeente_code"])
    pop = raw.pivot_table(index="region_code", columns="jaar", values="BevolkingOp1Januari")
    twente = pop.loc[sorted(members)]
    assert twente.notna().all().all()
    first, last = int(min(pop.columns)), int(max(pop.columns))

    row = page_path.claim_pairs("c078", "twente", "corop").iloc[0]
    assert (row["period_from"], row["period_to"]) == (first, last)
    assert row["value_from"] == pytest.approx(twente[first].sum())
    assert row["value_to"] == pytest.approx(twente[last].sum())
    assert row["nl_from"] == pytest.approx(pop.loc["NL01", first])
    assert row["nl_to"] == pytest.approx(pop.loc["NL01", last])
    change = twente[last].sum() / twente[first].sum() - 1
    nl_change = pop.loc["NL01", last] / pop.loc["NL01", first] - 1
    assert f"{change:+.1%}".replace(".", ",") in row["note"] and f"{nl_change:+.1%}".replace(".", ",") in row["note"]


def test_unemployment_dispersion_between_corop_areas(built_store: Path, bundle_dir: Path) -> None:
    """Werkloosheid over the 40 COROP areas: the weighted CV and SD in the last year (the *spreiding* table)."""
    raw = _csv(bundle_dir, "arbeidsdeelname_86088NED_totaal_personen_2013_2024.csv")
    raw["region_code"] = raw["region_code"].str.strip()
    year = int(raw["Perioden"].max())
    rate = raw[(raw["Perioden"] == year) & raw["region_code"].str.startswith("CR")].set_index("region_code")[
        "Werkloosheidspercentage_13"].astype(float)
    bev = _csv(bundle_dir, "bevolking_03759NED_NL_PV_GM_2019_2026.csv")
    bev["region_code"] = bev["region_code"].str.strip()
    lookup = _lookup(bundle_dir).set_index("gemeente_code")["corop_code"]
    gm = bev[(bev["jaar"] == year) & bev["region_code"].isin(lookup.index)]
    weights = gm.groupby(gm["region_code"].map(lookup))["BevolkingOp1Januari"].sum().reindex(rate.index)
    assert weights.notna().all()
    mean = np.average(rate, weights=weights)
    sd = np.sqrt(np.average((rate - mean) ** 2, weights=weights))
    from data_loaders.store import Store

    store = Store(built_store)
    try:
        disp = store.dispersion(["werkloosheid"])
    finally:
        store.close()
    row = disp[(disp["level"] == "CR") & (disp["period"] == year)].iloc[0]
    assert row["cv"] == pytest.approx(sd / mean)
    assert row["sd"] == pytest.approx(sd)


def test_cbs_interval_is_used_for_a_province(built_store: Path, bundle_dir: Path) -> None:
    """Gezondheidsmonitor 2022: Groningen (PV20) carries CBS's own 95% interval; 'gelijk' iff NL lies inside it."""
    from data_loaders.store import Store

    raw = _csv(bundle_dir, "gezondheidsmonitor_85563NED_2022.csv")
    raw = raw[(raw["region_code"].str.strip() == "PV20") & (raw["Leeftijd"] == "Totaal")].set_index("Marges")
    lo = float(raw.loc["Ondergrens 95%-interval", "ErvarenGezondheidGoedZeerGoed_1"])
    hi = float(raw.loc["Bovengrens 95%-interval", "ErvarenGezondheidGoedZeerGoed_1"])
    store = Store(built_store)
    try:
        comp = store.comparisons("PV20").set_index("indicator_id").loc["ervaren_gezondheid_gm"]
    finally:
        store.close()
    assert (comp["ci_low"], comp["ci_high"]) == (pytest.approx(lo), pytest.approx(hi))
    if lo <= comp["nl_value"] <= hi:
        assert comp["niveau"] == rules.GELIJK


def test_at_least_30_claims_from_four_documents_get_a_data_verdict(page_path) -> None:  # noqa: ANN001
    from dashboard import data

    verdicts = data.claim_verdicts()
    tested = verdicts[verdicts["label"] != rules.UNTESTABLE]
    assert len(tested) >= 30
    claims, _ = page_path.claims_and_documents()
    documents = {c.document for c in claims if c.id in set(tested["claim_id"])}
    assert len(documents) >= 4
    assert set(verdicts["label"]) <= set(rules.LABELS)
    untestable = verdicts[verdicts["label"] == rules.UNTESTABLE]
    assert untestable["summary_nl"].str.len().min() > 20  # every untestable claim says why


def test_no_verdict_logic_in_the_dashboard() -> None:
    """Pages only read verdicts: no thresholds, spreads or rule functions in dashboard/."""
    forbidden = re.compile(r"robust_sd|theil_sen|rules\.(niveau|kloof|spreiding|groep|ontwikkeling)\(|EQUAL_Z|"
                           r"TOLERANCE|stddev_samp|\.std\(")
    offenders = [str(p) for p in Path(__file__).resolve().parents[1].joinpath("dashboard").rglob("*.py")
                 if forbidden.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_claims_export_reads_cleanly(built_store: Path, tmp_path: Path) -> None:
    """The data page's claims download: header on row 1, equal widths, one verdict per claim equal to the store."""
    import csv
    import io

    from openpyxl import load_workbook

    from dashboard import exports
    from data_loaders.store import Store

    store = Store(built_store)
    try:
        export = exports.claims_export({"built_at": "test"}, "http://localhost:8501/claims")
        verdicts = store.claim_verdicts().set_index("claim_id")
        for flavour, sep in (("standard", ","), ("excel", ";")):
            buf = io.BytesIO()
            n = exports.write_csv(store, export, buf, flavour)
            rows = list(csv.reader(io.StringIO(buf.getvalue().decode("utf-8-sig")), delimiter=sep))
            assert rows[0] == export.header and len(rows) == n + 1
            assert {len(r) for r in rows} == {len(export.header)}
            col = {name: i for i, name in enumerate(rows[0])}
            seen = {r[col["claim"]]: r[col["oordeel_tekst"]] for r in rows[1:]}
            assert seen == verdicts["verdict_nl"].to_dict()  # every claim, with the stored verdict
        out = tmp_path / "claims.xlsx"
        with out.open("wb") as fh:
            exports.write_xlsx(store, export, fh)
        book = load_workbook(out, read_only=True)
        sheet = book[exports.DATA_SHEET]
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
        assert list(first) == export.header
        assert exports.META_SHEET in book.sheetnames
    finally:
        store.close()


def test_claims_export_has_no_false_precision_and_no_codes(built_store: Path) -> None:
    """Issue 22.12: no 16-decimal CVs or values, and words where a reader expects words (not neemt_toe, CR, corop)."""
    import csv
    import io

    from dashboard import exports
    from data_loaders.store import Store

    store = Store(built_store)
    try:
        export = exports.claims_export({"built_at": "test"}, "")
        buf = io.BytesIO()
        exports.write_csv(store, export, buf, "standard")
    finally:
        store.close()
    rows = list(csv.reader(io.StringIO(buf.getvalue().decode("utf-8"))))
    col = {name: i for i, name in enumerate(rows[0])}
    for name in ("waarde_van", "waarde_tot", "nl_van", "nl_tot", "maat", "drempel"):
        decimals = [len(r[col[name]].partition(".")[2]) for r in rows[1:] if r[col[name]]]
        assert decimals and max(decimals) <= exports.CV_DECIMALS, (name, max(decimals))
    for name in ("verwachting", "oordeel", "uitkomst"):
        assert not any("_" in r[col[name]] for r in rows[1:]), name
    assert {r[col["niveau"]] for r in rows[1:]} <= {"", "COROP-gebied", "Gemeente", "Nederland", "Provincie"}
    assert {r[col["afbakening"]] for r in rows[1:]} <= {"", *exports.DELINEATION_NAMES.values()}
    assert "afronding" in dict(exports.metadata_rows(export))
