"""Broken bundles: the CLI build fails with ONE clear 'fout:' line and leaves the previous store untouched.

Each case copies the bundle's ``cbs/`` and ``geo/`` into a temp dir, breaks one thing, and runs
``python -m data_loaders build --bundle <tmp> --store <store>`` where ``<store>`` already holds a good store.
The builds run concurrently (one module-scoped fixture) to keep the suite fast.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from data_loaders.bundle import read_csv_strict
from data_loaders.config import REPO_ROOT
from data_loaders.harmonise import DataError
from data_loaders.store import Store
from tests.conftest import CLI_TIMEOUT_S, cli_env, file_digest

pytestmark = pytest.mark.usefixtures("no_network")

RMBW = "rmbw_gemeente_indicatoren_2013_2022_wide.csv"
NABIJ = "nabijheid_voorzieningen_80305NED_NL_LD_PV_CR_GM_2006_2023.csv"
ARBEID = "arbeidsdeelname_86088NED_totaal_personen_2013_2024.csv"
INKOMEN = "inkomen_huishoudens_86004NED_particuliere_huishoudens.csv"
ONDERWIJS = "onderwijsniveau_85525NED_15tot75jaar.csv"
BBP = "regionale_rekeningen_85924NED_bbp.csv"
GEBIEDEN_2024 = "gebieden_in_nederland_2024_85755NED.csv"

Breaker = Callable[[Path], list[str]]  # breaks a file in cbs/, returns fragments the 'fout:' line must hold


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, records: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    _write_bytes(path, buffer.getvalue().encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    path.unlink(missing_ok=True)  # the copies keep the bundle's read-only mode
    path.write_bytes(data)


def missing_file(name: str) -> Breaker:
    def run(cbs: Path) -> list[str]:
        (cbs / name).unlink()
        return [name, "ontbreekt"]

    return run


def drop_column(name: str, column: str) -> Breaker:
    def run(cbs: Path) -> list[str]:
        records = _read(cbs / name)
        i = records[0].index(column)
        _write(cbs / name, [r[:i] + r[i + 1:] for r in records])
        return [name, f"'{column}'", "ontbreekt"]

    return run


def rename_column(name: str, column: str, new: str) -> Breaker:
    def run(cbs: Path) -> list[str]:
        records = _read(cbs / name)
        records[0] = [new if c == column else c for c in records[0]]
        _write(cbs / name, records)
        return [name, f"'{column}'", "ontbreekt"]

    return run


def set_cell(name: str, column: str, line: int, value: str, *expect: str) -> Breaker:
    """Put ``value`` in ``column`` on file line ``line`` (1 = header)."""

    def run(cbs: Path) -> list[str]:
        records = _read(cbs / name)
        records[line - 1][records[0].index(column)] = value
        _write(cbs / name, records)
        return [name, *expect]

    return run


def duplicate_row(name: str, line: int) -> Breaker:
    def run(cbs: Path) -> list[str]:
        records = _read(cbs / name)
        records.append(list(records[line - 1]))
        _write(cbs / name, records)
        return [name, "dubbele rij"]

    return run


def empty_file(name: str) -> Breaker:
    def run(cbs: Path) -> list[str]:
        _write_bytes(cbs / name, b"")
        return [name, "leeg"]

    return run


def header_only(name: str) -> Breaker:
    def run(cbs: Path) -> list[str]:
        header = (cbs / name).read_bytes().split(b"\n", 1)[0] + b"\n"
        _write_bytes(cbs / name, header)
        return [name, "kopregel"]

    return run


def reencode(name: str, encoding: str) -> Breaker:
    def run(cbs: Path) -> list[str]:
        text = (cbs / name).read_text(encoding="utf-8")
        assert any(ord(ch) > 127 for ch in text), f"{name} is ASCII: herkodering is niet te zien"
        _write_bytes(cbs / name, text.encode(encoding))
        return [name, "UTF-8", "rij"]

    return run


def truncate(name: str, where: str) -> Breaker:
    """Cut the file inside a row: in its middle field, or inside its last field (no newline at the end)."""

    def run(cbs: Path) -> list[str]:
        data = (cbs / name).read_bytes()
        start = data.rfind(b"\n", 0, len(data) * 2 // 3) + 1
        end = data.index(b"\n", start)
        row = data[start:end]
        if where == "middle":
            cut = start + row.index(b",", len(row) // 2)
        else:
            cut = start + row.rindex(b",") + 2 if not row.endswith(b",") else end - 1
            assert cut < end, "laatste veld te kort om af te kappen"
        _write_bytes(cbs / name, data[:cut])
        line = data[:start].count(b"\n") + 1
        return [name, f"rij {line}"]

    return run


def bare_cr(name: str, line: int) -> Breaker:
    """A carriage return without line feed in the middle of a row (an editor's broken line end)."""

    def run(cbs: Path) -> list[str]:
        lines = (cbs / name).read_bytes().split(b"\n")
        row = lines[line - 1]
        lines[line - 1] = row[: len(row) // 2] + b"\r" + row[len(row) // 2:]
        _write_bytes(cbs / name, b"\n".join(lines))
        return [name, f"rij {line}", "CR"]

    return run


def truncated_geo(name: str, expect_row: bool) -> Breaker:
    """Cut a file in ``geo/`` off at two thirds (a copy that stopped half-way)."""

    def run(cbs: Path) -> list[str]:
        path = cbs.parent / "geo" / name
        data = path.read_bytes()
        _write_bytes(path, data[: len(data) * 2 // 3])
        return [name, "rij"] if expect_row else [name]

    return run


@dataclass(frozen=True)
class Case:
    id: str
    breaker: Breaker


CASES = [
    Case("missing_file", missing_file(ARBEID)),
    Case("missing_column", drop_column(ARBEID, "Werkloosheidspercentage_13")),
    Case("missing_classification_column", drop_column(GEBIEDEN_2024, "corop_naam")),
    Case("renamed_column", rename_column(RMBW, "gemeentecode", "gemeente_code")),
    Case("garbage_number", set_cell(NABIJ, "AfstandTotApotheek_6", 40, "n.v.t.", "AfstandTotApotheek_6", "rij 40",
                                    "'n.v.t.'")),
    Case("duplicated_row", duplicate_row(INKOMEN, 30)),
    Case("unknown_region_code", set_cell(BBP, "region_code", 7, "XX99", "region_code", "rij 7", "XX99")),
    Case("unknown_corop_code", set_cell(NABIJ, "region_code", 25, "CR99", "region_code", "CR99")),
    Case("empty_file", empty_file(RMBW)),
    Case("header_only", header_only(INKOMEN)),
    Case("latin1", reencode(NABIJ, "latin-1")),
    Case("utf16", reencode(ARBEID, "utf-16")),
    Case("truncated_mid_row", truncate(ONDERWIJS, "middle")),
    Case("truncated_last_field", truncate(ARBEID, "last")),
    Case("bare_cr", bare_cr(NABIJ, 50)),
    Case("truncated_geo_lookup", truncated_geo("gemeente_corop_provincie_2024.csv", True)),
    Case("truncated_geojson", truncated_geo("gemeente_2024.geojson", True)),
]


@dataclass
class Outcome:
    expect: list[str]
    proc: subprocess.CompletedProcess[str]
    store: Path
    before: tuple[str, int]


def _prepare(case: Case, bundle_dir: Path, built_store: Path, root: Path) -> tuple[list[str], Path, Path]:
    bundle = root / "bundle"
    shutil.copytree(bundle_dir / "cbs", bundle / "cbs")
    shutil.copytree(bundle_dir / "geo", bundle / "geo")
    expect = case.breaker(bundle / "cbs")
    store = root / "store" / built_store.name
    store.parent.mkdir()
    shutil.copyfile(built_store, store)
    return expect, bundle, store


@pytest.fixture(scope="module")
def outcomes(bundle_dir: Path, built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Run every broken build once, concurrently; keyed by case id."""
    prepared = {}
    for case in CASES:
        expect, bundle, store = _prepare(case, bundle_dir, built_store, tmp_path_factory.mktemp(case.id))
        prepared[case.id] = (expect, bundle, store, file_digest(store))

    def run(item: tuple[str, tuple[list[str], Path, Path, tuple[str, int]]]) -> tuple[str, Outcome]:
        case_id, (expect, bundle, store, before) = item
        proc = subprocess.run(
            [sys.executable, "-m", "data_loaders", "build", "--bundle", str(bundle), "--store", str(store)],
            cwd=REPO_ROOT, env=cli_env(bundle_dir), capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
            check=False,
        )
        return case_id, Outcome(expect, proc, store, before)

    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        return dict(pool.map(run, prepared.items()))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_bundle_fails_cleanly(outcomes: dict[str, Outcome], case: Case) -> None:
    out = outcomes[case.id]
    stderr = out.proc.stderr
    assert out.proc.returncode != 0, f"build slaagde ondanks {case.id}:\n{out.proc.stdout}"
    assert "Traceback" not in stderr, stderr[-2000:]
    lines = [line for line in (stderr + "\n" + out.proc.stdout).splitlines() if line.startswith("fout:")]
    assert len(lines) == 1, f"verwacht precies één 'fout:'-regel, kreeg {lines}\n{stderr[-1500:]}"
    missing = [fragment for fragment in out.expect if fragment not in lines[0]]
    assert not missing, f"{lines[0]!r} noemt niet: {missing}"
    assert sorted(p.name for p in out.store.parent.iterdir()) == [out.store.name], "resten naast de store"
    assert file_digest(out.store) == out.before, "de bestaande store is gewijzigd"
    store = Store(out.store)
    try:
        assert len(store.regions) > 0 and store.info.get("source") == "bundle"
    finally:
        store.close()


# --- the strict reader itself, in-process -----------------------------------------------------------
def test_reader_rejects_short_row_mid_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"region_code,Perioden,M_1\nGM0014,2019,1\nGM0034,2019\nGM0037,2019,3\n")
    with pytest.raises(DataError, match=r"^t\.csv, rij 3: 2 velden in plaats van 3"):
        read_csv_strict(path)


@pytest.mark.parametrize(
    "data", [b"\xef\xbb\xbfregion_code,M_1\r\nGM0014,1\r\n", b"region_code,M_1\nGM0014,1\n\n", b'region_code,M_1\n"GM0014",1\n']
)
def test_reader_accepts_bom_crlf_blank_end_and_quotes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    frame = read_csv_strict(path)
    assert frame["region_code"].tolist() == ["GM0014"] and frame["M_1"].tolist() == ["1"]
    assert frame["_row"].tolist() == [2]
