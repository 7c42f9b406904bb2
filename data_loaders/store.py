"""Read access to the DuckDB store. The dashboard reads only through this class.

Each ``Store`` is its own in-memory DuckDB instance with the store file attached read-only. DuckDB keeps one
instance per file path in a process, so a second ``duckdb.connect(path)`` would hand back the instance of the
file that was there before a rebuild; an attached file is opened anew, which lets the dashboard switch to a
rebuilt store while runs on the old one finish. Opening reads every table once (DuckDB verifies each block's
checksum as it reads it), so a corrupted or cut-off file fails here and not in the middle of a page; any DuckDB
error later on is turned into :class:`StoreUnavailable` too.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from data_loaders.config import DUCKDB_OFFLINE, store_path

REQUIRED_TABLES = {"indicators", "regions", "observations", "region_observations", "region_members", "sources",
                   "comparisons", "theme_overview", "dispersion", "peers", "claims", "claim_verdicts",
                   "claim_evidence", "similar_areas"}
NOTICE_MISSING = "De datastore van het dashboard is nog niet gebouwd."
NOTICE_BROKEN = "De datastore van het dashboard is beschadigd of onvolledig."
REBUILD = "bouw hem opnieuw met: python -m data_loaders build"
# A query the code got wrong is a bug, not a broken store: these propagate unchanged.
_BUGS = (duckdb.BinderException, duckdb.ParserException)


class StoreUnavailable(RuntimeError):
    """The store is missing, corrupted or incomplete.

    ``str(err)`` is a short Dutch notice fit for any visitor (no server paths); ``detail`` names the file, the
    cause and the rebuild command, for the server log and the operator.
    """

    def __init__(self, notice: str, detail: str = "") -> None:
        super().__init__(notice)
        self.notice = notice
        self.detail = detail or notice


class Store:
    """A read-only view of the store. Thread-safe: every query runs on its own cursor."""

    def __init__(self, path: Path | str | None = None, *, verify: bool = True) -> None:
        self.path = store_path(path)
        if not self.path.is_file():
            raise StoreUnavailable(NOTICE_MISSING, f"geen store op {self.path}; {REBUILD}")
        self._con = duckdb.connect(":memory:", config=DUCKDB_OFFLINE)
        try:
            quoted = str(self.path).replace("'", "''")
            self._con.execute(f"ATTACH '{quoted}' AS store (TYPE duckdb, READ_ONLY)")
            self._con.execute("USE store")
            tables = {r[0] for r in self._con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'store'").fetchall()}
        except duckdb.Error as err:
            self._con.close()
            raise self._broken(err, "beschadigd of onleesbaar") from None
        missing = REQUIRED_TABLES - tables
        if missing:
            self._con.close()
            raise StoreUnavailable(
                NOTICE_BROKEN, f"store {self.path} is onvolledig (ontbreekt: {', '.join(sorted(missing))}); {REBUILD}"
            )
        self.tables = sorted(tables)
        try:
            self.verify_ms = self.verify() if verify else None
            self.indicators = self.df("SELECT * FROM indicators")
            self.regions = self.df("SELECT * FROM regions")
            self.info = dict(self.rows("SELECT key, value FROM build_info"))
        except BaseException:
            self._con.close()
            raise

    def _broken(self, err: BaseException, what: str = "onleesbaar") -> StoreUnavailable:
        message = " ".join(str(err).split())[:300]
        return StoreUnavailable(NOTICE_BROKEN, f"store {self.path} is {what} ({type(err).__name__}: {message}); {REBUILD}")

    def verify(self) -> float:
        """Read every column of every table once (DuckDB checks each block's checksum); return the time in ms."""
        started = time.perf_counter()
        for table in self.tables:
            self.rows(f'SELECT count(*), bit_xor(hash("{table}")) FROM "{table}"')
        return (time.perf_counter() - started) * 1000

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self._con.cursor()
        cur.execute("USE store")
        return cur

    def df(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run a query on a fresh cursor and return a DataFrame."""
        try:
            cur = self._cursor()
            try:
                return cur.execute(sql, params or []).df()
            finally:
                cur.close()
        except _BUGS:
            raise
        except duckdb.Error as err:
            raise self._broken(err) from None

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query on a fresh cursor and return its rows as tuples."""
        try:
            cur = self._cursor()
            try:
                return cur.execute(sql, params or []).fetchall()
            finally:
                cur.close()
        except _BUGS:
            raise
        except duckdb.Error as err:
            raise self._broken(err) from None

    def batches(self, sql: str, params: Sequence[Any] | None = None, size: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of a query in lists of at most ``size``, read from one cursor (bounded memory)."""
        try:
            cur = self._cursor()
        except duckdb.Error as err:
            raise self._broken(err) from None
        try:
            try:
                cur.execute(sql, params or [])
            except _BUGS:
                raise
            except duckdb.Error as err:
                raise self._broken(err) from None
            while True:
                try:
                    chunk = cur.fetchmany(size)
                except duckdb.Error as err:
                    raise self._broken(err) from None
                if not chunk:
                    return
                yield chunk
        finally:
            cur.close()

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    # --- catalogue -------------------------------------------------------------------------------
    def indicator(self, indicator_id: str) -> dict[str, Any]:
        """One catalogue row as a dict (KeyError when unknown)."""
        rows = self.indicators[self.indicators["indicator_id"] == indicator_id]
        if rows.empty:
            raise KeyError(indicator_id)
        return rows.iloc[0].to_dict()

    def region_name(self, code: str) -> str:
        """Name of a CBS region code (the code itself when unknown)."""
        hit = self.regions.loc[self.regions["region_code"] == code, "name"]
        return str(hit.iloc[0]) if len(hit) else code

    def sources(self) -> pd.DataFrame:
        """Every source table with title, periods and counts."""
        return self.df("SELECT * FROM sources ORDER BY source_table")

    # --- observations ----------------------------------------------------------------------------
    def periods(self, indicator_id: str, level: str | None = None) -> list[int]:
        """Periods with data for an indicator (at one level when given), ascending."""
        sql = "SELECT DISTINCT period FROM observations WHERE indicator_id = ?"
        params: list[Any] = [indicator_id]
        if level:
            sql += " AND region_level = ?"
            params.append(level)
        return sorted(int(p) for p in self.df(sql, params)["period"])

    def level_values(self, indicator_id: str, level: str, period: int) -> pd.DataFrame:
        """All areas of one level for one indicator and period, with names (current areas only)."""
        return self.df(
            """
            SELECT o.region_code, r.name, o.value, o.period, o.method, o.coverage, o.source_table
            FROM observations o JOIN regions r USING (region_code)
            WHERE o.indicator_id = ? AND o.region_level = ? AND o.period = ? AND r.is_current
            ORDER BY o.region_code
            """,
            [indicator_id, level, int(period)],
        )

    def values_for(self, indicator_id: str, codes: Sequence[str]) -> pd.DataFrame:
        """Time series of one indicator for the given CBS codes."""
        if not codes:
            return pd.DataFrame(columns=["region_code", "period", "value", "method", "source_table"])
        marks = ",".join("?" * len(codes))
        return self.df(
            f"""SELECT region_code, period, value, method, coverage, source_table FROM observations
                WHERE indicator_id = ? AND region_code IN ({marks}) ORDER BY region_code, period""",
            [indicator_id, *codes],
        )

    def observations_of(self, codes: Sequence[str]) -> pd.DataFrame:
        """Every observation (all indicators and periods) of the given CBS codes, in the build's columns."""
        if not codes:
            return pd.DataFrame(columns=["indicator_id", "region_code", "region_level", "period", "value",
                                         "source_table", "method", "coverage"])
        marks = ",".join("?" * len(codes))
        return self.df(f"""SELECT indicator_id, region_code, region_level, period, value, source_table, method, coverage
                           FROM observations WHERE region_code IN ({marks})""", list(codes))

    def weights(self, kind: str) -> pd.DataFrame:
        """The build's gemeente weights of one kind ('population' or 'area') as region_code, period, population
        (the column name :func:`geo.aggregate.aggregate_regions` expects); empty for a store built before them."""
        if "weights" not in self.tables:
            return pd.DataFrame(columns=["region_code", "period", "population"])
        return self.df("SELECT region_code, period, value AS population FROM weights WHERE kind = ? ORDER BY 1, 2", [kind])

    def own_region_values(self, gemeenten: Sequence[str]) -> pd.DataFrame:
        """Every value (all periods) of a set of current gemeenten, computed as the build computes a region
        delineation's (:func:`data_loaders.build.own_region_observations`, the stored weights and catalogue rules);
        in the columns of :meth:`region_values` without region_id and delineation."""
        from data_loaders.build import own_region_observations, stored_rules

        regions = self.regions
        rows = regions[regions["region_code"].isin(list(gemeenten))]
        parents = {c for col in ("corop_code", "province_code", "landsdeel_code") for c in rows[col].dropna()}
        obs = self.observations_of(sorted(set(gemeenten) | parents | {"NL01"}))
        if not hasattr(self, "_weights"):
            self._weights = {kind: self.weights(kind) for kind in ("population", "area")}
        return own_region_observations(obs, regions, list(gemeenten), stored_rules(self.indicators),
                                       self._weights["population"], self._weights["area"])

    # --- regions (tien regio's, voorbeeldregio's) ------------------------------------------------
    def region_values(self, region_id: str, delineation: str, indicator_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """All values (every period) for one region and delineation, optionally for some indicators."""
        sql = "SELECT * FROM region_observations WHERE region_id = ? AND delineation = ?"
        params: list[Any] = [region_id, delineation]
        if indicator_ids:
            sql += f" AND indicator_id IN ({','.join('?' * len(indicator_ids))})"
            params += list(indicator_ids)
        return self.df(sql + " ORDER BY indicator_id, period", params)

    def region_members(self, region_id: str, delineation: str) -> list[str]:
        """Gemeente codes of a region in one delineation."""
        return self.df(
            "SELECT gemeente_code FROM region_members WHERE region_id = ? AND delineation = ? ORDER BY 1",
            [region_id, delineation],
        )["gemeente_code"].tolist()

    # --- data page --------------------------------------------------------------------------------
    def extract(
        self,
        indicator_ids: Sequence[str],
        levels: Sequence[str],
        first_period: int,
        last_period: int,
        codes: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Rows for the download: every value with name, unit, source table, period and method."""
        if not indicator_ids or not levels:
            return pd.DataFrame()
        sql = f"""
            SELECT o.indicator_id, i.name_nl AS indicator, o.region_code, r.name AS regio, o.region_level,
                   o.period, o.value, i.unit, o.source_table, s.title AS source_title, o.method, o.coverage
            FROM observations o
            JOIN indicators i USING (indicator_id)
            JOIN regions r USING (region_code)
            LEFT JOIN sources s ON s.source_table = o.source_table
            WHERE o.indicator_id IN ({",".join("?" * len(indicator_ids))})
              AND o.region_level IN ({",".join("?" * len(levels))})
              AND o.period BETWEEN ? AND ?
        """
        params: list[Any] = [*indicator_ids, *levels, int(first_period), int(last_period)]
        if codes:
            sql += f" AND o.region_code IN ({','.join('?' * len(codes))})"
            params += list(codes)
        return self.df(sql + " ORDER BY o.indicator_id, o.region_level, o.region_code, o.period", params)

    # --- claim tests and comparisons (written by seeds.engine at build time) -----------------------
    def claim_verdicts(self, region_id: str | None = None) -> pd.DataFrame:
        """Every claim's verdict as a whole (``region_id`` None) or for one region (all its delineations)."""
        if region_id is None:
            return self.df("SELECT * FROM claim_verdicts WHERE region_id IS NULL ORDER BY claim_id")
        return self.df("SELECT * FROM claim_verdicts WHERE region_id = ? ORDER BY claim_id, delineation", [region_id])

    def claim_evidence(self, claim_id: str | None = None) -> pd.DataFrame:
        """Tested pairs of one claim (or of all claims), with indicator names and units."""
        sql = """SELECT e.*, i.label_nl AS indicator, i.unit FROM claim_evidence e
                 LEFT JOIN indicators i USING (indicator_id)"""
        if claim_id is None:
            return self.df(sql + " ORDER BY e.claim_id, e.region_id, e.indicator_id, e.level")
        return self.df(sql + " WHERE e.claim_id = ? ORDER BY e.region_id, e.indicator_id, e.level", [claim_id])

    def claim_indicator_effects(self, claim_id: str) -> pd.DataFrame:
        """Per indicator the effect and direction behind a claim's verdicts (as a whole and per region)."""
        return self.df("""SELECT x.*, i.label_nl AS indicator, i.theme_name FROM claim_indicator_effects x
                          LEFT JOIN indicators i USING (indicator_id) WHERE x.claim_id = ?
                          ORDER BY x.region_id NULLS FIRST, x.delineation, x.indicator_id""", [claim_id])

    def comparisons(self, subject_id: str, delineation: str | None = None) -> pd.DataFrame:
        """The niveau and gap-trend comparisons of a region delineation (or a CBS area) for every indicator."""
        if delineation is None:
            return self.df("SELECT * FROM comparisons WHERE subject_id = ? AND delineation IS NULL ORDER BY indicator_id",
                           [subject_id])
        return self.df("SELECT * FROM comparisons WHERE subject_id = ? AND delineation = ? ORDER BY indicator_id",
                       [subject_id, delineation])

    def theme_overview(self, region_id: str, delineation: str) -> pd.DataFrame:
        """Per theme: counts of indicators better / comparable / worse than NL and of gap movements."""
        return self.df("SELECT * FROM theme_overview WHERE region_id = ? AND delineation = ? ORDER BY sort_order",
                       [region_id, delineation])

    def dispersion(self, indicator_ids: Sequence[str]) -> pd.DataFrame:
        """Dispersion statistics per indicator, level and year."""
        if not indicator_ids:
            return pd.DataFrame(columns=["indicator_id", "level", "period", "cv", "p90_p10", "n_areas"])
        marks = ",".join("?" * len(indicator_ids))
        return self.df(f"SELECT * FROM dispersion WHERE indicator_id IN ({marks}) ORDER BY indicator_id, level, period",
                       list(indicator_ids))

    def similar_areas(self, code: str) -> pd.DataFrame:
        """The (up to) 20 areas of the same level most similar to a CBS area, with names and a description."""
        return self.df(
            """SELECT s.*, s.similar_code AS peer_code, s.similar_rank AS peer_rank, r.name FROM similar_areas s
               JOIN regions r ON r.region_code = s.similar_code WHERE s.code = ? ORDER BY s.similar_rank""", [code])

    def area_values(self, code: str) -> pd.DataFrame:
        """Every value (every period) of one CBS area, in the columns of :meth:`region_values`."""
        return self.df(
            """SELECT indicator_id, period, value, method, coverage, source_table, CAST(NULL AS VARCHAR) AS reason
               FROM observations WHERE region_code = ? ORDER BY indicator_id, period""", [code])

    def peers(self, region_id: str, delineation: str) -> pd.DataFrame:
        """The five COROP areas closest to a region on the standardised profile, with their names."""
        return self.df(
            """SELECT p.*, r.name FROM peers p JOIN regions r ON r.region_code = p.peer_code
               WHERE p.region_id = ? AND p.delineation = ? ORDER BY p.peer_rank""", [region_id, delineation])
