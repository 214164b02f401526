"""YAML loading that remembers where every value came from.

Staff edit the knowledge files by hand; an error message is only useful if it names the file and
line to fix. PyYAML's composed node tree carries positions, so we build plain Python values from it
and keep a map from each value's path (("entries", 3, "checked")) to its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]

# libyaml's parser keeps the same node positions and is several times faster: a knowledge edit
# re-reads every pack file, and the pure-Python parser took most of two seconds of that.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Located:
    """A parsed document with the line of every path in it."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: PathKey) -> int:
        """Line of `path`, or of its nearest ancestor that has one (a missing field is reported at
        the line of the mapping it is missing from)."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class YamlSyntaxError(Exception):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def load_located(path: Path, display_name: str | None = None) -> Located:
    """Parse one YAML file into values plus a line map; syntax errors raise YamlSyntaxError."""
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise YamlSyntaxError(name, 1, f"not UTF-8 text ({error.reason})") from error
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        located = Located(name, None)
        located.data = _build(loader, node, (), located.lines) if node is not None else None
        return located
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(name, line, f"YAML syntax: {error.problem or error}") from error
    finally:
        loader.dispose()


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: PathKey, lines: dict) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = str(key) if not isinstance(key, (str, int)) else key
            if key in result:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
                )
            result[key] = _build(loader, value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:
        # A scalar that looks like a date but is not one (2026-13-01): keep the text so the
        # schema reports it against its field instead of failing the whole file.
        return node.value
