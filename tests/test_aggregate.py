"""Aggregation of gemeente values to region groups, on small hand-made frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.aggregate import (
    METHODS,
    OUTPUT_COLUMNS,
    aggregate_regions,
    nearest_population_weights,
    rank_among,
)

MEMBERS = pd.DataFrame({"group_code": ["R", "R", "R"], "region_code": ["A", "B", "C"]})


def _pop(rows: dict[str, dict[int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(code, period, pop) for code, by_period in rows.items() for period, pop in by_period.items()],
        columns=["region_code", "period", "population"],
    )


def _obs(values: dict[str, float | None], indicator: str = "x", period: int = 2020) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": indicator,
            "region_code": list(values),
            "period": period,
            "value": [np.nan if v is None else v for v in values.values()],
        }
    )


def _one(out: pd.DataFrame, group: str = "R", indicator: str = "x") -> pd.Series:
    rows = out[(out["group_code"] == group) & (out["indicator_id"] == indicator)]
    assert len(rows) == 1
    return rows.iloc[0]


POP = _pop({"A": {2020: 100}, "B": {2020: 300}, "C": {2020: 600}})


def test_weighted_mean_uses_population_weights() -> None:
    out = aggregate_regions(_obs({"A": 10, "B": 20, "C": 40}), MEMBERS, POP, {"x": "weighted_mean"})
    row = _one(out)
    assert row["value"] == pytest.approx((10 * 100 + 20 * 300 + 40 * 600) / 1000)  # 31, unweighted 23.3
    assert row["method"] == "derived:bevolkingsgewogen_gemiddelde"
    assert row["coverage"] == 1.0 and row["n_members"] == 3 and row["n_with_data"] == 3
    assert row["weight_period"] == 2020 and pd.isna(row["reason"])
    assert list(out.columns) == OUTPUT_COLUMNS


def test_coverage_is_a_population_share_and_threshold_applies() -> None:
    # Only C has a value: 1 of 3 members but 60% of the population → value given, from C alone.
    row = _one(aggregate_regions(_obs({"C": 40}), MEMBERS, POP, {"x": "weighted_mean"}))
    assert row["coverage"] == pytest.approx(0.6) and row["value"] == pytest.approx(40)
    # A and B have values: 2 of 3 members but 40% of the population → withheld.
    row = _one(aggregate_regions(_obs({"A": 10, "B": 20, "C": None}), MEMBERS, POP, {"x": "weighted_mean"}))
    assert row["coverage"] == pytest.approx(0.4) and np.isnan(row["value"])
    assert row["reason"] == "dekking 40% < 50%" and row["n_with_data"] == 2
    # A lower threshold releases the value; exactly at the threshold counts as enough.
    row = _one(
        aggregate_regions(_obs({"A": 10, "B": 20}), MEMBERS, POP, {"x": "weighted_mean"}, min_coverage=0.4)
    )
    assert row["value"] == pytest.approx(17.5)
    pop_half = _pop({"A": {2020: 250}, "B": {2020: 250}, "C": {2020: 500}})
    row = _one(aggregate_regions(_obs({"C": 8}), MEMBERS, pop_half, {"x": "weighted_mean"}))
    assert row["coverage"] == pytest.approx(0.5) and row["value"] == 8


def test_coverage_reason_rounds_down() -> None:
    pop = _pop({"A": {2020: 4999}, "B": {2020: 5001}})
    members = MEMBERS.iloc[:2]
    row = _one(aggregate_regions(_obs({"A": 1}), members, pop, {"x": "weighted_mean"}))
    assert np.isnan(row["value"]) and row["reason"] == "dekking 49% < 50%"


def test_nearest_weight_period_ties_go_to_the_later_period() -> None:
    pop = _pop({"A": {2019: 100, 2021: 300}, "B": {2019: 300, 2021: 100}})
    members = MEMBERS.iloc[:2]
    obs = pd.concat([_obs({"A": 0, "B": 10}, period=p) for p in (2020, 2015, 2030, 2019)])
    out = aggregate_regions(obs, members, pop, {"x": "weighted_mean"}).set_index("period")
    # 2020 is as far from 2019 as from 2021 → 2021 weights (A 300, B 100) → 2.5 (2019 weights would give 7.5).
    assert out.loc[2020, "weight_period"] == 2021 and out.loc[2020, "value"] == pytest.approx(2.5)
    assert out.loc[2015, "weight_period"] == 2019 and out.loc[2015, "value"] == pytest.approx(7.5)
    assert out.loc[2030, "weight_period"] == 2021
    assert out.loc[2019, "weight_period"] == 2019 and out.loc[2019, "value"] == pytest.approx(7.5)
    assert out["reason"].isna().all()


def test_nearest_period_is_chosen_per_member_and_mixing_is_noted() -> None:
    # B has no population for 2020 (e.g. a gemeente created later): it falls back to its nearest, 2022.
    pop = _pop({"A": {2020: 100, 2022: 999}, "B": {2022: 300}})
    row = _one(aggregate_regions(_obs({"A": 0, "B": 10}), MEMBERS.iloc[:2], pop, {"x": "weighted_mean"}))
    assert row["value"] == pytest.approx(7.5)
    assert row["weight_period"] == 2022  # tie in member count → later period
    assert row["reason"] == "gewichten uit meerdere perioden"
    weights = nearest_population_weights(pop, ["A", "B"], [2020, 2021]).set_index(["region_code", "period"])
    assert weights.loc[("A", 2020), "weight"] == 100 and weights.loc[("A", 2021), "weight_period"] == 2022
    assert weights.loc[("B", 2020), "weight"] == 300 and weights.loc[("B", 2020), "weight_period"] == 2022


def test_sum_requires_every_member() -> None:
    how = {"x": "sum"}
    row = _one(aggregate_regions(_obs({"A": 5, "B": 7, "C": 11}), MEMBERS, POP, how))
    assert row["value"] == 23 and row["method"] == "derived:som" and row["coverage"] == 1.0  # not weighted
    row = _one(aggregate_regions(_obs({"A": 5, "B": 7, "C": None}), MEMBERS, POP, how))
    assert np.isnan(row["value"]) and row["coverage"] == pytest.approx(0.4)
    assert row["reason"] == "som onvolledig: 2 van 3 gemeenten met waarde, dekking 40%"
    # A member missing from obs altogether also makes the sum incomplete, even at 90% coverage.
    pop = _pop({"A": {2020: 10}, "B": {2020: 10}, "C": {2020: 180}})
    row = _one(aggregate_regions(_obs({"B": 1, "C": 2}), MEMBERS, pop, how))
    assert row["coverage"] == pytest.approx(0.95) and np.isnan(row["value"])


def test_median_is_flagged_as_approximation() -> None:
    out = aggregate_regions(
        pd.concat([_obs({"A": 10, "B": 20, "C": 40}, "med"), _obs({"A": 10, "B": 20, "C": 40}, "avg")]),
        MEMBERS,
        POP,
        {"med": "median_approx", "avg": "weighted_mean"},
    )
    med, avg = _one(out, indicator="med"), _one(out, indicator="avg")
    assert med["method"] == "derived:bevolkingsgewogen_gemiddelde_van_medianen (benadering)"
    assert "benadering" in med["method"] and "benadering" not in avg["method"]
    assert med["value"] == pytest.approx(avg["value"]) and med["value"] != 20  # not the median of medians


def test_none_is_not_aggregated() -> None:
    row = _one(aggregate_regions(_obs({"A": 1, "B": 2, "C": 3}), MEMBERS, POP, {"x": "none"}))
    assert np.isnan(row["value"]) and row["method"] == METHODS["none"]
    assert row["reason"] == "niet aggregeerbaar naar regio's"


def test_one_row_per_group_indicator_period_and_non_members_ignored() -> None:
    members = pd.DataFrame(
        {"group_code": ["R", "R", "R", "S", "S", "E"], "region_code": ["A", "B", "C", "C", "D", "Z"]}
    )
    pop = _pop({"A": {2020: 100}, "B": {2020: 300}, "C": {2020: 600}, "D": {2020: 400}, "Z": {2020: 1}})
    obs = pd.concat(
        [
            _obs({"A": 10, "B": 20, "C": 40, "D": 5, "CR99": 1e9}, "x", 2020),
            _obs({"C": 1}, "x", 2021),
            _obs({"D": 3}, "y", 2020),
        ]
    )
    out = aggregate_regions(obs, members, pop, {"x": "weighted_mean", "y": "sum"})
    assert len(out) == 3 * 3  # (x,2020), (x,2021), (y,2020) × groups E, R, S
    assert list(out[["indicator_id", "group_code", "period"]].itertuples(index=False)) == sorted(
        out[["indicator_id", "group_code", "period"]].itertuples(index=False)
    )
    s = out.set_index(["indicator_id", "group_code", "period"])
    assert s.loc[("x", "S", 2020), "value"] == pytest.approx((40 * 600 + 5 * 400) / 1000)
    assert s.loc[("x", "R", 2020), "value"] == pytest.approx(31)  # CR99 is no member
    assert s.loc[("x", "E", 2020), "reason"] == "geen waarden voor de gemeenten van deze regio"
    assert s.loc[("x", "R", 2021), "weight_period"] == 2020 and s.loc[("x", "R", 2021), "value"] == 1
    assert np.isnan(s.loc[("y", "S", 2020), "value"]) and np.isnan(s.loc[("y", "R", 2020), "value"])


def test_invalid_input_gives_clear_errors() -> None:
    obs = _obs({"A": 1})
    with pytest.raises(ValueError, match="geen aggregatiemethode"):
        aggregate_regions(obs, MEMBERS, POP, {})
    with pytest.raises(ValueError, match="onbekende aggregatiemethode"):
        aggregate_regions(obs, MEMBERS, POP, {"x": "mean"})
    with pytest.raises(ValueError, match="meer dan één waarde"):
        aggregate_regions(pd.concat([obs, obs]), MEMBERS, POP, {"x": "sum"})
    with pytest.raises(ValueError, match="min_coverage"):
        aggregate_regions(obs, MEMBERS, POP, {"x": "sum"}, min_coverage=50)
    with pytest.raises(ValueError, match="kolommen ontbreken"):
        aggregate_regions(obs.drop(columns="value"), MEMBERS, POP, {"x": "sum"})
    with pytest.raises(ValueError, match="geen jaartal"):
        aggregate_regions(obs.assign(period="onbekend"), MEMBERS, POP, {"x": "sum"})


def test_string_periods_are_kept_as_given() -> None:
    pop = POP.assign(period="2020")
    out = aggregate_regions(
        _obs({"A": 1, "B": 1, "C": 1}).assign(period="2020"), MEMBERS, pop, {"x": "weighted_mean"}
    )
    assert out["period"].tolist() == ["2020"] and out["value"].tolist() == [1.0]


def test_rank_among() -> None:
    values = pd.Series([3.0, 1.0, 2.0, np.nan, 2.0])
    assert rank_among(values, 3.0, higher_is_better=True) == (1, 4)
    assert rank_among(values, 3.0, higher_is_better=False) == (4, 4)
    assert rank_among(values, 2.0, higher_is_better=True) == (2, 4)  # ties share the better rank
    assert rank_among(values, 2.0, higher_is_better=False) == (2, 4)
    assert rank_among(values, np.nan, higher_is_better=True) == (None, 4)
    assert rank_among(values, None, higher_is_better=True) == (None, 4)


def test_large_input_100_indicators_20_periods_60_groups() -> None:
    rng = np.random.default_rng(1)
    gemeenten = [f"GM{i:04d}" for i in range(342)]
    frame = pd.MultiIndex.from_product(
        [[f"I{i:03d}" for i in range(100)], gemeenten, range(2005, 2025)],
        names=["indicator_id", "region_code", "period"],
    ).to_frame(index=False)
    frame["value"] = rng.normal(size=len(frame))
    frame.loc[rng.random(len(frame)) < 0.1, "value"] = np.nan
    members = pd.DataFrame(
        [
            (f"G{g}", gm)
            for g in range(60)
            for gm in rng.choice(gemeenten, size=int(rng.integers(3, 60)), replace=False)
        ],
        columns=["group_code", "region_code"],
    )
    pop = _pop({gm: {y: float(rng.integers(1000, 100000)) for y in range(2019, 2025)} for gm in gemeenten})
    how = {f"I{i:03d}": list(METHODS)[i % 4] for i in range(100)}
    out = aggregate_regions(frame, members, pop, how)  # speed is measured by `python -m bench`, not here
    assert len(out) == 100 * 20 * 60
