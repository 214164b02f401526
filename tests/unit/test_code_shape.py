"""The shape the actions keep (issue 10): small modules, no import cycles, and every sentence an
owner reads from the phrase catalogue or domain.yml — so wording is edited in one place and both
languages stay in step. Standard library only: runs on both interpreters."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ACTIONS = REPO / "actions"
MAX_LINES = 200
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _modules() -> dict[str, ast.Module]:
    return {f"actions.{p.stem}": ast.parse(p.read_text("utf-8"), str(p))
            for p in sorted(ACTIONS.glob("*.py")) if p.stem != "__init__"}


def _imports(tree: ast.Module) -> set[str]:
    """Every actions module imported anywhere in the file, function-level imports included."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("actions.")}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "actions":
                found |= {f"actions.{a.name}" for a in node.names}
            elif node.module.startswith("actions."):
                found.add(node.module)
    return found


def test_no_action_module_is_over_200_lines():
    long = {p.name: n for p in ACTIONS.glob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_no_import_cycle_between_action_modules():
    modules = _modules()
    graph = {name: _imports(tree) & modules.keys() for name, tree in modules.items()}

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return path + [start]
                if nxt not in path:
                    stack.append((nxt, path + [nxt]))
        return None

    cycles = [c for name in graph if (c := cycle_from(name))]
    assert not cycles, cycles[0]


def test_owner_facing_sentences_come_from_the_catalogue():
    """No Chinese text in the actions' code (docstrings aside), and no literal passed as a
    message's text."""
    problems = []
    for name, tree in _modules().items():
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                        ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and _CJK.search(node.value) and id(node) not in docstrings:
                problems.append(f"{name}:{node.lineno}: Chinese text in code")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message":
                for keyword in node.keywords:
                    if keyword.arg == "text" and isinstance(keyword.value, (ast.Constant,
                                                                            ast.JoinedStr)):
                        problems.append(f"{name}:{node.lineno}: literal message text")
    assert not problems, problems
