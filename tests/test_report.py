"""The printable region profile (``dashboard.report``): two A4 pages, tagged PDF/UA-1, the page's numbers.

The expected values are read straight from the store's tables with DuckDB (``comparisons``, ``region_members``,
``claim_verdicts``) and formatted with the page's own formatter, then looked up in the PDF's extracted text.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pypdf  # in requirements-dev.txt: a missing pypdf fails the tests instead of skipping them
import pytest

from data_loaders.config import REPO_ROOT
from tests.e2e.harness import REGIONS

MAX_BYTES = 1_000_000
WARM_BUDGET_S = 2.0
KEY_INDICATORS = ["levensverwachting", "mediaan_inkomen", "werkloosheid", "tevredenheid_leven", "ervaren_gezondheid",
                  "afstand_huisartsenpraktijk", "afstand_ziekenhuis"]


@pytest.fixture(scope="module")
def pdfs(store_env: Path) -> dict[str, bytes]:
    """Every region's profile in its default delineation (built once)."""
    from dashboard.report import build_pdf

    return {rid: build_pdf(rid) for rid in REGIONS}


def _text(pdf: bytes) -> list[str]:
    """Text per page, whitespace collapsed (line breaks inside a cell or sentence become one space)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def _default(con: Any, region_id: str) -> tuple[str, str]:
    return con.execute("SELECT name, default_delineation FROM region_defs WHERE region_id = ?", [region_id]).fetchone()


def test_every_region_has_a_profile(store_env: Path) -> None:
    from dashboard.report import report_regions

    assert report_regions() == REGIONS


@pytest.mark.parametrize("region_id", REGIONS)
def test_two_pages_small_and_titled(pdfs: dict[str, bytes], con: Any, region_id: str) -> None:
    pdf = pdfs[region_id]
    assert pdf.startswith(b"%PDF")
    assert len(pdf) <= MAX_BYTES
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    for page in reader.pages:  # A4 portrait
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    name, _ = _default(con, region_id)
    assert reader.metadata.title == f"Regioprofiel {name}"
    assert reader.metadata.author == "Brede Welvaart Regiodashboard"


@pytest.mark.parametrize("region_id", REGIONS)
def test_text_has_region_members_and_key_figures_as_stored(pdfs: dict[str, bytes], con: Any, region_id: str) -> None:
    from dashboard.components.fmt import fmt_signed, with_unit

    page1, page2 = _text(pdfs[region_id])
    name, delineation = _default(con, region_id)
    assert name in page1
    members = [r[0] for r in con.execute(
        """SELECT r.name FROM region_members m JOIN regions r ON r.region_code = m.gemeente_code
           WHERE m.region_id = ? AND m.delineation = ?""", [region_id, delineation]).fetchall()]
    listed = page1[page1.index("Gemeenten"):page1.index("Kerncijfers")]
    missing = [m for m in members if m not in listed]
    assert not missing, f"gemeenten ontbreken in het profiel: {missing}"
    assert f"{len(members)} gemeenten" in page1
    rows = con.execute(
        """SELECT c.indicator_id, i.name_nl, i.unit, c.period, c.value, c.nl_value, c.diff, c.rank, c.n_ranked
           FROM comparisons c JOIN indicators i USING (indicator_id)
           WHERE c.subject_id = ? AND c.delineation = ? AND c.value IS NOT NULL""",
        [region_id, delineation]).fetchall()
    shown = 0
    for iid, label, unit, period, value, nl, diff, rank, n_ranked in rows:
        if iid not in KEY_INDICATORS:
            continue
        rank_text = f"{int(rank)} van {int(n_ranked)}" if rank is not None else "–"
        expected = f"{with_unit(value, unit)} {with_unit(nl, unit)} {fmt_signed(diff)} {rank_text}"
        row = re.search(re.escape(f"{label} ({int(period)})") + r"(.*?)(?=\(\d{4}\) |In het kort)", page1)
        assert row, f"kerncijfer {label} ({period}) niet gevonden"
        assert expected in row.group(1), f"{label}: verwacht '{expected}' in '{row.group(1)}'"
        shown += 1
    assert shown >= 5
    assert "CC BY 4.0" in page2 and "Bron: CBS" in page2


@pytest.mark.parametrize("region_id", ["twente", "zuid-limburg", "noord-en-oost-groningen", "noord-nederland"])
def test_claims_with_their_stored_verdicts(pdfs: dict[str, bytes], con: Any, region_id: str) -> None:
    _, delineation = _default(con, region_id)
    text = _text(pdfs[region_id])[1]
    # one verdict per group of claims that say the same: the PDF shows the group's own claim (with its quotes)
    verdicts = con.execute("SELECT claim_id, verdict_nl, label FROM claim_verdicts WHERE region_id = ? AND delineation = ? "
                           "AND group_id = claim_id ORDER BY claim_id", [region_id, delineation]).fetchall()
    tested = [(cid, verdict) for cid, verdict, label in verdicts if label != "niet toetsbaar"]
    assert tested
    refs = list(re.finditer(r"\(D\d, (c\d{3})\)", text))
    assert [m.group(1) for m in refs[:len(tested)]] == [cid for cid, _ in tested], "getoetste claims in paginavolgorde"
    for i, (cid, verdict) in enumerate(tested):
        ref = refs[i]
        head = text[:ref.start()]
        assert head[:head.rindex(" — ")].endswith(verdict), f"{cid}: oordeel '{verdict}' niet bij de claim"
        end = refs[i + 1].start() if i + 1 < len(refs) else text.index("Bronnen en licentie")
        assert "→" in text[ref.end():end], f"{cid}: geen paar met cijfers bij het oordeel"


def test_sentences_are_traceable_to_the_store(pdfs: dict[str, bytes], con: Any) -> None:
    from dashboard.components.fmt import fmt_num, with_unit

    value, nl, diff, period, rank, n_ranked, unit = con.execute(
        """SELECT c.value, c.nl_value, c.diff, c.period, c.rank, c.n_ranked, i.unit FROM comparisons c
           JOIN indicators i USING (indicator_id)
           WHERE c.subject_id = 'twente' AND c.delineation = 'corop' AND c.indicator_id = 'levensverwachting'"""
    ).fetchone()
    side = "onder" if diff < 0 else "boven"
    expected = (f"De levensverwachting bij geboorte in Twente ({with_unit(value, unit)}, {period}) ligt "
                f"{fmt_num(abs(diff), 1)} jaar {side} het cijfer voor Nederland ({with_unit(nl, unit)}); positie "
                f"{rank} van {n_ranked} COROP-gebieden")
    assert expected in _text(pdfs["twente"])[0]


def test_figure_sentence_words_follow_the_stored_outcome() -> None:
    from dashboard.report.sentences import claims_sentence, figure_sentence

    row = {"indicator_id": "werkloosheid", "name": "Werkloosheid", "unit": "% van de beroepsbevolking", "period": 2024,
           "value": 3.6, "nl_value": 3.7, "diff": -0.1, "rank": 24, "n_ranked": 40, "niveau": "beter", "z": 0.34,
           "kloof": "voorsprong groeit", "kloof_from": 2013, "niveau_reason": ""}
    text = figure_sentence(row, "Twente")
    assert text == ("De werkloosheid in Twente (3,6 %, 2024) ligt 0,1 procentpunt onder het cijfer voor Nederland "
                    "(3,7 %); positie 24 van 40 COROP-gebieden (1 = best); dat is beter dan Nederland, en de voorsprong "
                    "groeit sinds 2013.")
    same = figure_sentence({**row, "diff": 0.01, "niveau": "gelijk", "niveau_reason": "binnen de marge"}, "Twente")
    assert "afgerond op het cijfer voor Nederland" in same and "gelijk aan Nederland (binnen de marge)" in same
    assert figure_sentence({**row, "value": float("nan")}, "Twente") is None
    assert claims_sentence(["ondersteund", "niet toetsbaar", "gemengd beeld"], "X") == (
        "Van de 3 claims over X in de documenten zijn er 2 met cijfers getoetst: 1 ondersteund en 1 gemengd beeld; "
        "1 niet toetsbaar.")


def test_pdf_ua_tagged_with_language_fonts_and_alt_text(pdfs: dict[str, bytes]) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdfs["twente"]))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).lower().startswith("nl")
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(>|=\")1", xmp), "geen PDF/UA-1-identificatie in de XMP-metadata"
    tags: dict[str, list[Any]] = {}

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, dict) and "/S" in node:
            tags.setdefault(str(node["/S"]), []).append(node)
        kids = node.get("/K") if isinstance(node, dict) else None
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/L", "/Figure", "/Link"} <= set(tags)
    figure = tags["/Figure"][0]
    assert str(figure["/Alt"]).startswith("Kaart: Ervaren gezondheid")
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]


def test_hostile_text_is_set_verbatim(store_env: Path) -> None:
    """Names and claim texts with Typst markup characters come out as text, not as markup."""
    from dashboard.report import build, content

    nasty = "Gem'eente \"#1\" *vet* _schuin_ @ref <lbl> $x$ \\ ] [ // /* `code` #{1+1} =kop"
    data, svg = content.collect("twente")
    data = json.loads(json.dumps(data))
    data["region"] = nasty
    data["delineation"]["members"] = [nasty, *data["delineation"]["members"][1:]]
    data["claims"]["tested"][0]["text"] = nasty
    pdf = build.compile_pdf(content.with_detail(data, build.fit(data, svg)), svg)
    text = " ".join(_text(pdf))
    assert text.count(nasty) >= 3, text[:500]


def test_permalink_and_delineation(store_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.report import build_pdf, file_name, permalink, resolve

    monkeypatch.setenv("BW_PUBLIC_URL", "https://bw.example.nl/")
    assert permalink(*resolve("twente")) == "https://bw.example.nl/twente"
    assert permalink(*resolve("veenkolonien")) == "https://bw.example.nl/veenkolonien"
    assert permalink(*resolve("veenkolonien", "corop")) == "https://bw.example.nl/veenkolonien?afbakening=corop"
    assert file_name("veenkolonien", "corop") == "regioprofiel_veenkolonien_corop.pdf"
    assert file_name("veenkolonien") == "regioprofiel_veenkolonien.pdf"
    page1, page2 = _text(build_pdf("noord-en-oost-groningen", "beleid"))
    assert "Beleidsregio" in page1
    assert "https://bw.example.nl/noord-en-oost-groningen?afbakening=beleid" in page2


def test_unknown_region_or_delineation_is_refused_in_dutch(store_env: Path) -> None:
    from dashboard.report import ReportError, resolve

    with pytest.raises(ReportError, match="Onbekende regio ‘utrecht’. Kies uit: .*twente"):
        resolve("utrecht")
    with pytest.raises(ReportError, match="Onbekende afbakening ‘beleid’ voor Twente. Kies uit: corop."):
        resolve("twente", "beleid")
    with pytest.raises(ReportError):
        resolve("nederland")  # no region page, no profile


@pytest.mark.parametrize("region_id", REGIONS)
def test_warm_build_within_budget(pdfs: dict[str, bytes], no_network: None, region_id: str) -> None:
    from dashboard.report import render_pdf

    began = time.perf_counter()
    pdf = render_pdf(region_id)  # a real build, not the cache
    assert time.perf_counter() - began < WARM_BUDGET_S
    assert pdf == pdfs[region_id], "het profiel hoort reproduceerbaar te zijn (zelfde store, zelfde bytes)"


def test_pdf_built_once_per_region_delineation_and_store_version(store_env: Path, store_copy: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Many visitors click at once: one Typst build per (region, delineation, store version); a swapped store builds
    again."""
    import shutil
    import threading

    from dashboard.report import build

    monkeypatch.setenv("BW_STORE", str(store_copy))
    build.clear_cache()
    finals: list[bool] = []
    real = build.compile_pdf

    def counting(*args: Any, final: bool = True, **kwargs: Any) -> bytes:
        if final:
            finals.append(True)
        return real(*args, final=final, **kwargs)

    monkeypatch.setattr(build, "compile_pdf", counting)
    start = threading.Barrier(3)
    results: list[bytes] = []

    def click() -> None:
        start.wait()
        results.append(build.build_pdf("twente"))

    threads = [threading.Thread(target=click) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 3 and len(set(results)) == 1 and results[0].startswith(b"%PDF")
    assert len(finals) == 1, f"{len(finals)} Typst-builds voor drie gelijktijdige klikken"
    assert build.build_pdf("twente", "corop") == results[0] and len(finals) == 1  # same key: the default delineation
    build.build_pdf("veenkolonien", "corop")
    assert len(finals) == 2  # another key builds

    swapped = tmp_path / "nieuw.duckdb"
    shutil.copyfile(store_copy, swapped)
    os.replace(swapped, store_copy)  # a rollout: same path, new file
    assert build.build_pdf("twente") == results[0]  # same data, so the same bytes ...
    assert len(finals) == 3  # ... but built again for the new store version
    build.build_pdf("twente")
    assert len(finals) == 3
    build.clear_cache()


def test_pdf_cache_is_bounded(store_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.report import build

    build.clear_cache()
    monkeypatch.setattr(build, "render_pdf", lambda region_id, delineation=None: b"%PDF" + b"x" * 1000)
    monkeypatch.setattr(build, "CACHE_ENTRIES", 3)
    for region_id in REGIONS[:5]:
        build.build_pdf(region_id)
    assert len(build._CACHE) == 3 and [k[1] for k in build._CACHE] == REGIONS[2:5]
    build.clear_cache()


def test_template_needs_no_network_or_system_fonts() -> None:
    from dashboard.report import build

    source = build.template().decode("utf-8")
    assert "@preview" not in source and "#import" not in source and "read(" not in source
    assert 'font: "Libertinus Serif"' in source  # embedded in the typst package


def test_cli(store_env: Path, tmp_path: Path) -> None:
    env = {**os.environ, "BW_STORE": str(store_env),
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "dashboard.report", *args], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    out = tmp_path / "twente.pdf"
    ok = run("twente", "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert "regioprofiel Twente" in ok.stderr and "geschreven:" in ok.stdout
    assert "No runtime found" not in ok.stderr
    bad = run("utrecht", "--out", str(tmp_path / "x.pdf"))
    assert bad.returncode == 2 and "Onbekende regio ‘utrecht’" in bad.stderr and "noord-nederland" in bad.stderr
    bad = run("twente", "--afbakening", "beleid", "--out", str(tmp_path / "x.pdf"))
    assert bad.returncode == 2 and "Kies uit: corop" in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
    helped = run("--help")
    assert helped.returncode == 0 and "afbakening" in helped.stdout and "toon deze hulp" in helped.stdout


def _region_page(region_id: str) -> None:
    from dashboard.views.regio import render

    render(region_id)


@pytest.mark.parametrize(("region_id", "params"), [("twente", {}), ("twente", {"presentatie": "1"}),
                                                   ("veenkolonien", {"afbakening": "corop"}), ("nederland", {})])
def test_page_button_builds_only_when_clicked(store_env: Path, monkeypatch: pytest.MonkeyPatch, region_id: str,
                                              params: dict[str, str]) -> None:
    """The button's data is a deferred callable: rendering the page does not build the PDF."""
    from streamlit.testing.v1 import AppTest

    from dashboard.report import build

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(build, "build_pdf", lambda *args: calls.append(args) or b"%PDF")
    at = AppTest.from_function(_region_page, args=(region_id,), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.label == "Download regioprofiel (PDF)"]
    if region_id == "nederland":  # the national context has no profile
        assert buttons == []
        return
    assert len(buttons) == 1 and buttons[0].proto.deferred_file_id
    assert calls == [], "het profiel hoort pas bij de klik gebouwd te worden"


# --- the profile of a CBS area and every profile in one batch (issue 21.7, issue 23.4) ---------------------------

def _report_env(store: Path) -> dict[str, str]:
    return {**os.environ, "BW_STORE": str(store),
            "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)}


def _report_cli(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard.report", *args], cwd=REPO_ROOT, env=_report_env(store),
                          capture_output=True, text=True, timeout=300, check=False)


def test_area_profile_has_the_gemeente_figures_as_stored(store_env: Path, con: Any) -> None:
    """A gemeente's PDF: its name, its key figures as stored, its position among the gemeenten, its regions' claims."""
    from dashboard.components.fmt import with_unit
    from dashboard.report.area import area_file_name, render_area_pdf

    pdf = render_area_pdf("GM0928")
    assert pdf.startswith(b"%PDF") and len(pdf) <= MAX_BYTES
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2 and reader.metadata.title == "Gebiedsprofiel Kerkrade"
    page1, page2 = _text(pdf)
    assert "GEBIEDSPROFIEL BREDE WELVAART" in page1 and "CBS-code GM0928" in page1
    assert "Positie onder de gemeenten met een waarde" in page1 and "COROP-gebied Zuid-Limburg" in page1
    value, period, rank, n_ranked, unit = con.execute(
        """SELECT c.value, c.period, c.rank, c.n_ranked, i.unit FROM comparisons c JOIN indicators i USING (indicator_id)
           WHERE c.subject_id = 'GM0928' AND c.indicator_id = 'werkloosheid'""").fetchone()
    row = re.search(rf"Werkloosheid \({period}\)(.*?)(?:Tevredenheid|$)", page1)
    assert row and with_unit(value, unit) in row.group(1)
    n_gm = con.execute("SELECT count(*) FROM observations WHERE region_code LIKE 'GM%' AND indicator_id = 'werkloosheid' "
                       "AND period = ? AND value IS NOT NULL", [period]).fetchone()[0]
    assert re.search(rf"\d+ van {n_gm}", row.group(1)), "positie onder de gemeenten, niet onder de COROP-gebieden"
    assert "Zuid-Limburg" in page2 and "niet voor Kerkrade alleen" in page2
    assert "/gebied?code=GM0928" in page2
    assert area_file_name("gm0928") == "gebiedsprofiel_GM0928.pdf"


def test_batch_of_a_subset_writes_valid_pdfs_and_a_summary(store_env: Path, tmp_path: Path) -> None:
    """``--alle`` with one PDF per level: five valid two-page PDFs, a Dutch progress line each and the summary."""
    out = tmp_path / "profielen"
    proc = _report_cli(store_env, "--alle", str(out), "--niveau", "regio,GM,CR,PV,NL", "--max", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 5 and "gebiedsprofiel_NL01.pdf" in files and any(f.startswith("regioprofiel_") for f in files)
    for name in files:
        pdf = (out / name).read_bytes()
        assert pdf.startswith(b"%PDF") and len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2
    for i in range(1, 6):
        assert re.search(rf"^PDF {i}/5 · .+ · \d+,\d s$", proc.stderr, re.M), proc.stderr
    assert re.fullmatch(r"klaar: 5 PDF's in .+ in \d+,\d s \(\d+,\d s per PDF, piekgeheugen \d+ MB\); 0 mislukt\n",
                        proc.stdout), proc.stdout
    assert "Traceback" not in proc.stderr and "No runtime found" not in proc.stderr


def test_batch_refuses_an_unwritable_folder_in_dutch(store_env: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    proc = _report_cli(store_env, "--alle", str(blocker / "profielen"))
    assert proc.returncode == 1
    assert proc.stderr.startswith("fout: kan niet schrijven in de map"), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    wrong = _report_cli(store_env, "--alle", str(tmp_path / "x"), "--niveau", "wijk")
    assert wrong.returncode == 2 and "fout: onbekend niveau ‘wijk’" in wrong.stderr
    both = _report_cli(store_env, "twente", "--alle", str(tmp_path / "x"))
    assert both.returncode == 2 and both.stderr.startswith("fout: --alle")


def test_batch_skips_a_failing_area_and_counts_it(store_env: Path, tmp_path: Path) -> None:
    """One area's failure is reported and skipped; the others are written and the summary counts the failure."""
    import io as text_io

    from dashboard.report import batch

    todo = batch.jobs(("PV",), 3)
    calls: list[str] = []

    def build(job: batch.Job) -> bytes:
        calls.append(job.key)
        if job is todo[1]:
            raise RuntimeError("kapot voor deze test")
        return b"%PDF-1.7 test " + job.key.encode()

    stream = text_io.StringIO()
    result = batch.run(tmp_path, todo, stream, build)
    assert calls == [j.key for j in todo]
    assert result.written == 2 and [j for j, _ in result.failed] == [todo[1]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([todo[0].file, todo[2].file])
    assert f"PDF 2/3 · {todo[1].name} (provincie) · mislukt: kapot voor deze test" in stream.getvalue()
    assert batch.summary(result, tmp_path).endswith("; 1 mislukt")


def test_batch_covers_every_area(store_env: Path) -> None:
    """All regions and all current CBS areas: 13 + 342 + 40 + 12 + 1."""
    from dashboard.report import batch

    todo = batch.jobs()
    counts = {level: sum(j.level == level for j in todo) for level in batch.LEVELS}
    assert counts == {"regio": len(REGIONS), "GM": 342, "CR": 40, "PV": 12, "NL": 1}
    assert len({j.file for j in todo}) == len(todo)


def test_batch_empties_the_per_area_caches_as_it_goes(store_env: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays flat over 408 PDFs: every FORGET_EVERY PDFs the read model's per-area caches are emptied."""
    import io as text_io

    from dashboard.report import batch

    assert batch.forget_area_caches() >= 10, "the read model's caches are found by name"
    calls: list[int] = []
    monkeypatch.setattr(batch, "forget_area_caches", lambda: calls.append(1) or 0)
    todo = [batch.Job("GM", f"GM{i:04d}", f"Gemeente {i}", f"g{i}.pdf") for i in range(2 * batch.FORGET_EVERY + 3)]
    result = batch.run(tmp_path, todo, text_io.StringIO(), lambda job: b"%PDF-1.7")
    assert result.written == len(todo) and len(calls) == 2
