"""Messages a newcomer meets (issue 15): the missing bundle points to the README, no false "niet gewijzigd",
Dutch help for every option of every command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from data_loaders.config import REPO_ROOT
from tests.conftest import cli_env

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=REPO_ROOT, env=env or cli_env(), capture_output=True, text=True,
                          timeout=120, check=False)


def test_readme_has_the_gegevens_section() -> None:
    assert re.search(r"^## Gegevens$", README, re.M), "README mist de sectie Gegevens"


def test_missing_bundle_points_to_the_readme_and_no_store_existed(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "geen_bundel")
    store = tmp_path / "nieuw" / "brede_welvaart.duckdb"
    proc = run("-m", "data_loaders", "build", "--store", str(store), "--quiet", env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("fout:")]
    assert len(lines) == 1 and 'README, sectie "Gegevens"' in lines[0], proc.stderr
    assert "niet gewijzigd" not in proc.stderr, "er was geen store, dus niets om ongewijzigd te laten"
    assert "er is geen store gemaakt" in proc.stderr
    assert not store.exists() and not store.parent.exists()


def test_failed_build_over_an_existing_store_says_unchanged(tmp_path: Path, store_copy: Path) -> None:
    proc = run("-m", "data_loaders", "build", "--bundle", str(tmp_path / "leeg"), "--store", str(store_copy), "--quiet")
    assert proc.returncode == 1
    assert f"de bestaande store is niet gewijzigd: {store_copy}" in proc.stderr


ENGLISH = re.compile(r"\b(show|this|help message|and exit|options|usage|default|the|for|number|skip|with|when|measure)\b", re.I)


@pytest.mark.parametrize("args", [
    ["-m", "data_loaders", "--help"], ["-m", "data_loaders", "build", "--help"], ["-m", "data_loaders", "info", "--help"],
    ["-m", "dashboard.healthcheck", "--help"], ["-m", "dashboard", "--help"], ["-m", "bench", "--help"],
], ids=lambda a: " ".join(a[1:]))
def test_help_is_plain_dutch(args: list[str]) -> None:
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "gebruik:" in text and "opties:" in text and "toon deze hulptekst" in text
    assert "``" not in text, "RST-backticks in de hulptekst"
    help_lines = [line for line in text.splitlines() if line.startswith("  ")]
    assert not [line for line in help_lines if ENGLISH.search(line.split("  ")[-1])], help_lines
    lines = text.splitlines() + [""]
    for line, following in zip(lines, lines[1:], strict=False):
        option = re.match(r"\s+(--[a-z][\w.-]*)(\s+\S+)?\s*$", line)
        assert not option or following.startswith(" " * 20), f"optie zonder uitleg: {line!r}"


def test_dashboard_refuses_a_taken_port_in_dutch(built_store: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**cli_env(), "BW_STORE": str(built_store)}
        proc = run("-m", "dashboard", "--server.port", str(port), env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"fout: poort {port} op 127.0.0.1 is al in gebruik" in proc.stderr
    assert f"--server.port {port + 1}" in proc.stderr


def test_dashboard_says_where_it_listens(built_store: Path) -> None:
    import os
    import signal
    import time

    from tests.e2e.harness import free_port

    port = free_port()
    env = {**cli_env(), "BW_STORE": str(built_store)}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", f"--server.port={port}", "--server.headless", "true",
                             "--server.fileWatcherType", "none"], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.stdout is not None:
            line = proc.stdout.readline()
            lines.append(line)
            if "Het dashboard draait" in line or not line:
                break
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    text = "".join(lines)
    assert f"Dashboard start op http://127.0.0.1:{port}, alleen op deze computer" in text, text
    assert "--server.address 0.0.0.0" in text and "--server.port N" in text
    assert f"Het dashboard draait: open http://127.0.0.1:{port}" in text, text
    assert "You can now view" not in text


# --- issue 24 point 4: hostile input to the report command ends in one short Dutch line ---------------------------
def _report(built_store: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run("-m", "dashboard.report", *args, env={**cli_env(), "BW_STORE": str(built_store), **env})


def _one_fout_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in proc.stderr and "TypstError" not in proc.stderr, proc.stderr[-2000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith("fout:")]
    assert len(lines) == 1, proc.stderr[-2000:]
    return lines[0]


def test_report_with_a_10_kb_public_url_gives_one_dutch_line(built_store: Path, tmp_path: Path) -> None:
    proc = _report(built_store, "twente", "--out", str(tmp_path / "t.pdf"), BW_PUBLIC_URL="https://x.example/" + "a" * 10_000)
    assert proc.returncode == 1
    line = _one_fout_line(proc)
    assert "BW_PUBLIC_URL is geen bruikbaar adres" in line and len(line) < 300, line[:400]
    assert not (tmp_path / "t.pdf").exists()


def test_report_with_a_100_kb_region_id_truncates_it(built_store: Path) -> None:
    proc = _report(built_store, "r" * 100_000)
    assert proc.returncode == 2
    line = _one_fout_line(proc)
    assert "Onbekende regio ‘" + "r" * 39 + "…’" in line and len(line) < 600, line[:700]
