"""The claim-testing engine on small synthetic stores where the right answer is known.

Each case builds frames in the shape :func:`data_loaders.build.build_frames` produces, runs the pipeline step
(:func:`seeds.engine.run`), writes a real DuckDB store with :func:`data_loaders.build.write_store` and reads the
verdicts back through :class:`data_loaders.store.Store`, the path the pages use.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_loaders.build import write_store
from data_loaders.store import Store
from seeds import rules
from seeds.claims import AreaLocation, Claim, ClaimTest
from seeds.engine import RegionInfo, run

YEARS = [2015, 2016, 2017, 2018, 2019]
N_CR = 40
# A fixed spread of COROP deviations around NL (robust sd ≈ 3.7): no randomness, so the truth is known.
_RAW = np.array([((i * 7) % 13) - 6 for i in range(N_CR)], dtype=float)
DEVIATIONS = _RAW - _RAW.mean()  # mean zero, so the NL value is also the mean of the COROP values


def _catalogue(ids: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({
        "indicator_id": list(ids), "name_nl": list(ids), "label_nl": list(ids), "theme": "welzijn",
        "theme_name": "Welzijn", "theme_group": "hier_en_nu", "unit": "%", "direction": "higher_is_better",
        "source_table": "TEST", "uncertain": "", "twin_of": None,
    })


class Synthetic:
    """A tiny country: NL, 40 COROP areas with two gemeenten each, regions that are single COROP areas."""

    def __init__(self) -> None:
        self.obs: list[dict] = []
        self.intervals: list[dict] = []
        self.indicators: list[str] = []

    def indicator(self, iid: str, nl: Sequence[float], corop: dict[int, Sequence[float]],
                  scale: Sequence[float] | None = None) -> None:
        """NL per year; COROP i = NL + DEVIATIONS[i] × scale (overridden per COROP index in ``corop``)."""
        self.indicators.append(iid)
        scale = scale or [1.0] * len(YEARS)
        for t, year in enumerate(YEARS):
            self.obs.append(_row(iid, "NL01", year, nl[t]))
            for i in range(N_CR):
                value = corop[i][t] if i in corop else nl[t] + DEVIATIONS[i] * scale[t]
                code = f"CR{i + 1:02d}"
                self.obs.append(_row(iid, code, year, value))
                for g in (2 * i, 2 * i + 1):  # both gemeenten carry the COROP value
                    self.obs.append(_row(iid, f"GM{g + 1:04d}", year, value))

    def frames(self) -> dict[str, pd.DataFrame]:
        obs = pd.DataFrame(self.obs)
        gm = [f"GM{g + 1:04d}" for g in range(2 * N_CR)]
        regions = pd.DataFrame(
            [{"region_code": "NL01", "region_level": "NL", "name": "Nederland", "corop_code": None,
              "province_code": None, "landsdeel_code": None, "is_current": True, "population": 2 * N_CR * 1000,
              "stedelijkheid": None}]
            + [{"region_code": f"CR{i + 1:02d}", "region_level": "CR", "name": f"C{i + 1}", "corop_code": f"CR{i + 1:02d}",
                "province_code": None, "landsdeel_code": None, "is_current": True, "population": 2000,
                "stedelijkheid": None} for i in range(N_CR)]
            + [{"region_code": code, "region_level": "GM", "name": code, "corop_code": f"CR{g // 2 + 1:02d}",
                "province_code": None, "landsdeel_code": None, "is_current": True, "population": 1000,
                "stedelijkheid": "Sterk stedelijk" if g < 20 else "Niet stedelijk"} for g, code in enumerate(gm)]
        )
        region_ids = [f"r{i + 1}" for i in range(N_CR)]
        members = pd.DataFrame([{"region_id": f"r{g // 2 + 1}", "delineation": "corop", "gemeente_code": code}
                                for g, code in enumerate(gm)])
        cr_obs = obs[obs["region_code"].str.startswith("CR")].copy()
        cr_obs["region_id"] = "r" + cr_obs["region_code"].str[2:].astype(int).astype(str)
        region_obs = cr_obs.assign(delineation="corop", reason=None)[
            ["region_id", "delineation", "indicator_id", "period", "value", "method", "coverage", "source_table", "reason"]]
        assert set(region_obs["region_id"]) == set(region_ids)
        return {"observations": obs, "regions": regions, "region_members": members, "region_observations": region_obs,
                "indicators": _catalogue(self.indicators)}

    def run(self, claims: Sequence[Claim], tmp_path: Path) -> Store:
        frames = self.frames()
        population = pd.DataFrame([{"region_code": f"GM{g + 1:04d}", "period": y, "population": 1000.0}
                                   for g in range(2 * N_CR) for y in YEARS])
        intervals = pd.DataFrame(self.intervals, columns=["indicator_id", "region_code", "period", "lower", "upper"])
        infos = [RegionInfo(f"r{i + 1}", f"Regio {i + 1}", ("tien",) if i < 5 else (), "corop", ("corop",))
                 for i in range(N_CR)]
        exact = {(f"r{i + 1}", "corop"): f"CR{i + 1:02d}" for i in range(N_CR)}
        out = run(frames, population, intervals, frames["indicators"], infos, claims, exact, ["welzijn"])
        tmp_path.mkdir(parents=True, exist_ok=True)
        path = tmp_path / "synthetic.duckdb"
        write_store({**frames, "intervals": intervals, **out}, path, {"built_at": "test"})
        return Store(path)


def _row(iid: str, code: str, year: int, value: float) -> dict:
    level = "NL" if code == "NL01" else code[:2]
    return {"indicator_id": iid, "region_code": code, "region_level": level, "period": year, "value": float(value),
            "source_table": "TEST", "method": "cbs", "coverage": np.nan}


def _claim(cid: str, test: ClaimTest, regions: Sequence[str] = (), indicators: Sequence[str] = ("x",)) -> Claim:
    return Claim(id=cid, document="d.txt", section="s", quote="q", paraphrase="p", kind="welvaart",
                 location=AreaLocation(codes=("NL01",)), regions=tuple(regions), indicators=tuple(indicators), test=test)


NL = [50.0] * len(YEARS)


def test_behind_and_gap_widening_is_achterstand_groeit(tmp_path: Path) -> None:
    s = Synthetic()
    s.indicator("x", NL, {0: [45, 44, 43, 42, 41]})
    store = s.run([_claim("c1", ClaimTest("achterstand", "groeit"), ["r1"])], tmp_path)
    ev = store.claim_evidence("c1")
    row = ev[ev["region_id"] == "r1"].iloc[0]
    assert row["outcome"] == rules.ACHTERSTAND_GROEIT
    # Theil–Sen: the gap falls by 1 a year, i.e. 10 per decade, in robust sd of the COROP values
    rsd = store.comparisons("r1", "corop").set_index("indicator_id").loc["x", "robust_sd"]
    assert row["statistic"] == pytest.approx(-10.0 / rsd)
    assert bool(row["agrees"]) is True
    whole = store.claim_verdicts().set_index("claim_id").loc["c1"]
    assert whole["label"] == rules.SUPPORTED
    assert whole["verdict_nl"] == "ondersteund (1 van 1 in de richting van de claim, 0 de andere kant)"
    assert whole["window_nl"] == "venster 2015–2019"
    comp = store.comparisons("r1", "corop").set_index("indicator_id").loc["x"]
    assert comp["kloof"] == rules.ACHTERSTAND_GROEIT and comp["niveau"] == rules.SLECHTER


def test_above_nl_and_converging_is_not_falling_behind(tmp_path: Path) -> None:
    s = Synthetic()
    s.indicator("x", NL, {1: [58, 57, 56, 55, 54]})
    store = s.run([_claim("c1", ClaimTest("achterstand", "groeit"), ["r2"])], tmp_path)
    row = store.claim_evidence("c1").iloc[0]
    assert row["outcome"] == rules.VOORSPRONG_KLEINER
    assert bool(row["agrees"]) is False and row["direction"] == 0
    assert store.claim_verdicts().set_index("claim_id").loc["c1", "label"] == rules.NO_DIFFERENCE


def test_uniformly_widening_gaps_increase_dispersion(tmp_path: Path) -> None:
    s = Synthetic()
    # Every COROP's distance to NL grows by the same factor each year: the spread widens by construction.
    s.indicator("x", NL, {}, scale=[1.0, 1.1, 1.2, 1.3, 1.4])
    store = s.run([_claim("c1", ClaimTest("spreiding", "neemt_toe", levels=("CR", "GM")))], tmp_path)
    ev = store.claim_evidence("c1").set_index("level")
    for level in ("CR", "GM"):
        assert ev.loc[level, "outcome"] == rules.NEEMT_TOE
        assert ev.loc[level, "value_to"] == pytest.approx(1.4 * ev.loc[level, "value_from"])  # the fitted line
    # one indicator, both levels agree: it counts once
    verdict = store.claim_verdicts().set_index("claim_id").loc["c1"]
    assert (verdict["label"], verdict["n_indicators"], verdict["n_support"]) == (rules.SUPPORTED, 1, 1)
    # The same spread re-scaled each year by that year's spread would stay flat; the gap-trend yardstick is fixed.
    disp = store.dispersion(["x"])
    assert disp[disp["level"] == "CR"]["cv"].is_monotonic_increasing


def test_difference_inside_cbs_interval_is_equal(tmp_path: Path) -> None:
    s = Synthetic()
    s.indicator("x", NL, {0: [46] * 5})  # 4 below NL: beyond 0.5 robust sd of the spread
    store = s.run([_claim("c1", ClaimTest("niveau", "slechter"), ["r1"])], tmp_path)
    assert store.claim_evidence("c1").iloc[0]["outcome"] == rules.SLECHTER

    s.intervals.append({"indicator_id": "x", "region_code": "CR01", "period": YEARS[-1], "lower": 44.0, "upper": 51.0})
    store = s.run([_claim("c1", ClaimTest("niveau", "slechter"), ["r1"])], tmp_path / "ci")
    row = store.claim_evidence("c1").iloc[0]
    assert row["outcome"] == rules.GELIJK
    assert "95%-interval" in row["note"]
    comp = store.comparisons("r1", "corop").set_index("indicator_id").loc["x"]
    assert (comp["ci_low"], comp["ci_high"]) == (44.0, 51.0)


def test_interval_combined_from_gemeenten_for_a_derived_region(tmp_path: Path) -> None:
    s = Synthetic()
    s.indicator("x", NL, {0: [46] * 5})
    for g in ("GM0001", "GM0002"):  # the two gemeenten of CR01, each ±4: each interval alone reaches NL (50)
        s.intervals.append({"indicator_id": "x", "region_code": g, "period": YEARS[-1], "lower": 42.0, "upper": 50.0})
    store = s.run([], tmp_path)
    comp = store.comparisons("r1", "corop").set_index("indicator_id").loc["x"]
    # Two independent estimates with se = 4/1.96 each, equal weights: the mean's half-width is 4/√2 ≈ 2.83,
    # narrower than either gemeente's own interval, so NL (50) now lies outside it.
    assert comp["ci_high"] - 46.0 == pytest.approx(4.0 / np.sqrt(2))
    assert comp["niveau"] == rules.SLECHTER


def test_the_median_region_decides_for_an_indicator(tmp_path: Path) -> None:
    s = Synthetic()
    worse, better = [44] * 5, [56] * 5
    s.indicator("x", NL, {0: worse, 1: worse, 2: worse, 3: better, 4: better})
    regions = ["r1", "r2", "r3", "r4", "r5"]
    store = s.run([_claim("c1", ClaimTest("niveau", "slechter"), regions)], tmp_path)
    whole = store.claim_verdicts().set_index("claim_id").loc["c1"]
    # worse in 3 of 5 regions: the median region is worse, so the one indicator supports the claim (it counts once,
    # not five times: today's main said "deels ondersteund (3 van 5)")
    assert (whole["label"], whole["n_support"], whole["n_indicators"]) == (rules.SUPPORTED, 1, 1)
    per_region = store.claim_verdicts("r4").iloc[0]
    assert per_region["label"] == rules.CONTRADICTED
    assert per_region["verdict_nl"] == "tegengesproken (0 van 1 in de richting van de claim, 1 de andere kant)"


def test_group_comparison_is_population_weighted(tmp_path: Path) -> None:
    s = Synthetic()
    s.indicator("x", NL, {})
    groups = {"a": {"stedelijkheid": ["Sterk stedelijk"]}, "b": {"stedelijkheid": ["Niet stedelijk"]}}
    store = s.run([_claim("c1", ClaimTest("groep", "slechter", groups=groups))], tmp_path)
    row = store.claim_evidence("c1").iloc[0]
    # Gemeenten 1-20 (CR01-CR10) are 'sterk stedelijk'; their mean is NL + mean deviation of those COROP areas.
    assert row["value_to"] == pytest.approx(50 + DEVIATIONS[:10].mean())
    assert row["nl_to"] == pytest.approx(50 + DEVIATIONS[10:].mean())
    expected = rules.groep(row["value_to"], row["nl_to"], [50 + d for d in DEVIATIONS for _ in (0, 1)], 1.0).outcome
    assert row["outcome"] == expected


def test_development_against_nl(tmp_path: Path) -> None:
    s = Synthetic()
    s.indicator("x", [50, 51, 52, 53, 54], {0: [50, 50, 50, 50, 50]})  # NL +8%, region 0%
    store = s.run([_claim("c1", ClaimTest("ontwikkeling", "ongunstiger"), ["r1"])], tmp_path)
    row = store.claim_evidence("c1").iloc[0]
    assert row["outcome"] == rules.ONGUNSTIGER and bool(row["agrees"])


def test_claim_without_test_says_why(tmp_path: Path) -> None:
    s = Synthetic()
    s.indicator("x", NL, {})
    claim = Claim(id="c9", document="d.txt", section="s", quote="q", paraphrase="p", kind="geld",
                  location=AreaLocation(codes=("NL01",)), untestable="Gaat over geld.")
    store = s.run([claim], tmp_path)
    row = store.claim_verdicts().set_index("claim_id").loc["c9"]
    assert row["label"] == rules.UNTESTABLE and row["summary_nl"] == "Gaat over geld."
