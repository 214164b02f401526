"""Record that someone rechecked an entry against its sources, editing the YAML file in place.

`record_check` sets the entry's `checked` date and `checked_by`, the `as_of` of every fact (and
the `value` of the facts given), and `review_by` (by default 92 days on for a volatile entry, 182
otherwise). Only those values change: the rest of the file — comments, order, quoting, blank
lines — stays byte for byte as the editor wrote it. There is no round-trip YAML library here, so
the edit replaces the exact character spans of the values, found from the positions PyYAML
reports for each node (the same positions the loader's file:line messages come from).

The edited file must still validate: the edit is checked on a copy of the knowledge folder first
and refused, with the reasons, when it would break the schema or add a consistency problem for
the entry (a new fact value the answer does not state, say). Problems the entry already had are
reported as warnings, not refusals.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

from market_entry.knowledge.consistency import check_consistency
from market_entry.knowledge.loader import MARKET_FILE, KnowledgeError, load_knowledge
from market_entry.knowledge.schema import MAX_VOLATILE_REVIEW_DAYS, Issue

VOLATILE_REVIEW_DAYS = MAX_VOLATILE_REVIEW_DAYS
REVIEW_DAYS = 182


class RecordRefused(Exception):
    """The check was not recorded; the message says why and what to do."""


@dataclass
class RecordResult:
    file: Path
    display: str
    entry_id: str
    checked: date
    checked_by: str
    review_by: date
    facts: list[str]
    changed_values: list[str]
    diff: str
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


def record_check(root: Path, entry_id: str, by: str, on: date, today: date,
                 review_by: date | None = None,
                 values: dict[str, str] | None = None) -> RecordResult:
    """Record the check in the entry's file; raise RecordRefused (file untouched) if it cannot."""
    root = Path(root)
    values = dict(values or {})
    if not by.strip():
        raise RecordRefused("--by needs the name of the person who checked the entry")
    path, text, node = _find_entry(root, entry_id)
    fields = _fields(node)
    for required in ("checked", "review_by"):
        if required not in fields:
            raise RecordRefused(f"{entry_id} has no `{required}` field: fix the entry first "
                                f"(validate)")
    volatile = _scalar_value(fields.get("volatile")) is True
    if review_by is None:
        review_by = on + timedelta(days=VOLATILE_REVIEW_DAYS if volatile else REVIEW_DAYS)

    edits = [_Edit(*_span(text, fields["checked"][1]), on.isoformat()),
             _Edit(*_span(text, fields["review_by"][1]), review_by.isoformat())]
    if "checked_by" in fields:
        edits.append(_Edit(*_span(text, fields["checked_by"][1]), _yaml_scalar(by.strip())))
    elif node.flow_style:
        raise RecordRefused(f"{entry_id} is written as one {{…}} mapping: write it one field per "
                            f"line, or add `checked_by` to it, then record again")
    else:
        edits.append(_insert_after(text, fields["checked"], f"checked_by: {_yaml_scalar(by.strip())}"))
    facts, changed = _fact_edits(text, fields, values, on, entry_id)
    edits += facts.edits

    new_text = _apply(text, edits)
    display = _display(path, root)
    warnings = _validate(root, path, display, new_text, entry_id, today)
    if path.read_bytes().decode("utf-8") != text:
        raise RecordRefused(f"{display} changed while the check was being recorded: run again")
    _write(path, new_text)
    diff = "".join(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True),
                                        display, display, n=0))
    return RecordResult(path, display, entry_id, on, by.strip(), review_by, facts.names, changed,
                        diff, warnings)


# --- finding the entry ------------------------------------------------------------------------

def _find_entry(root: Path, entry_id: str) -> tuple[Path, str, yaml.MappingNode]:
    known: list[str] = []
    unreadable: list[str] = []
    for path in sorted((root / "markets").glob("*/*.yml")):
        if path.name == MARKET_FILE or path.name.startswith("."):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        try:
            document = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            unreadable.append(_display(path, root))
            continue
        for node in _entry_nodes(document):
            found = _scalar_value(_fields(node).get("id"))
            if found == entry_id:
                return path, text, node
            if isinstance(found, str):
                known.append(found)
    hint = difflib.get_close_matches(entry_id, known, n=3)
    message = f"no entry with id {entry_id!r} in {root / 'markets'}"
    if hint:
        message += f"; did you mean {', '.join(hint)}?"
    if unreadable:
        message += f" (not readable, YAML errors: {', '.join(unreadable)})"
    raise RecordRefused(message)


def _entry_nodes(document: yaml.Node | None) -> list[yaml.MappingNode]:
    if not isinstance(document, yaml.MappingNode):
        return []
    entries = dict((k.value, v) for k, v in document.value if isinstance(k, yaml.ScalarNode))
    sequence = entries.get("entries")
    if not isinstance(sequence, yaml.SequenceNode):
        return []
    return [n for n in sequence.value if isinstance(n, yaml.MappingNode)]


def _fields(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _scalar_value(pair: tuple[yaml.Node, yaml.Node] | None):
    """The value of a scalar node as the loader reads it (a plain 2026-11-01 is a date)."""
    if pair is None or not isinstance(pair[1], yaml.ScalarNode):
        return None
    if pair[1].style is not None:
        return pair[1].value
    try:
        return yaml.safe_load(pair[1].value)
    except yaml.YAMLError:
        return pair[1].value


def _display(path: Path, root: Path) -> str:
    """The file name as the loader's messages write it (knowledge/markets/jp/ip.yml)."""
    return str(Path(root.name) / path.relative_to(root))


# --- editing --------------------------------------------------------------------------------

@dataclass
class _FactEdits:
    edits: list[_Edit]
    names: list[str]


def _fact_edits(text: str, fields: dict, values: dict[str, str], on: date,
                entry_id: str) -> tuple[_FactEdits, list[str]]:
    facts_node = fields.get("facts", (None, None))[1]
    items = facts_node.value if isinstance(facts_node, yaml.SequenceNode) else []
    out = _FactEdits([], [])
    changed = []
    for item in items:
        if not isinstance(item, yaml.MappingNode):
            continue
        fact = _fields(item)
        name = _scalar_value(fact.get("name"))
        if "as_of" not in fact or not isinstance(name, str):
            raise RecordRefused(f"a fact of {entry_id} has no name or no `as_of`: fix the entry "
                                f"first (validate)")
        out.names.append(name)
        out.edits.append(_Edit(*_span(text, fact["as_of"][1]), on.isoformat()))
        if name in values:
            if "value" not in fact:
                raise RecordRefused(f"fact {name} of {entry_id} has no `value`: fix it first")
            if str(_scalar_value(fact["value"])).strip() != values[name].strip():
                out.edits.append(_Edit(*_span(text, fact["value"][1]), _yaml_scalar(values[name])))
                changed.append(name)
    unknown = sorted(set(values) - set(out.names))
    if unknown:
        declared = ", ".join(out.names) or "none"
        raise RecordRefused(f"{entry_id} declares no fact {', '.join(unknown)} (its facts: "
                            f"{declared}); add a new fact by editing the file")
    return out, changed


def _span(text: str, node: yaml.Node) -> tuple[int, int]:
    """Character span of a scalar value. A block scalar (| or >) ends after its last line break:
    the span stops before the line breaks so they stay."""
    if not isinstance(node, yaml.ScalarNode):
        raise RecordRefused(f"line {node.start_mark.line + 1}: expected a single value here")
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):
        end = start + len(text[start:end].rstrip("\r\n"))
    return start, end


def _insert_after(text: str, pair: tuple[yaml.Node, yaml.Node], line: str) -> _Edit:
    """A new `key: value` line right after the line of `pair`, at the same indentation."""
    key, value = pair
    end_of_line = text.find("\n", value.end_mark.index)
    position = len(text) if end_of_line < 0 else end_of_line
    if end_of_line > 0 and text[end_of_line - 1] == "\r":
        position -= 1
    newline = "\r\n" if "\r\n" in text else "\n"
    return _Edit(position, position, newline + " " * key.start_mark.column + line)


def _apply(text: str, edits: list[_Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


_PLAIN = re.compile(r"[A-Za-z0-9\u3400-\u9fff][^:#\n\"'{}\[\],`]*")


def _yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar that reads back as the same text: plain when that is safe (in
    block and in {…} context), otherwise double-quoted (JSON strings are YAML)."""
    value = value.strip()
    if _PLAIN.fullmatch(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


# --- validating and writing -----------------------------------------------------------------

def _validate(root: Path, path: Path, display: str, new_text: str, entry_id: str,
              today: date) -> list[str]:
    """Refuse (RecordRefused) if the edited file would not validate or the entry would gain a
    consistency problem; return warnings (problems the entry already had, or other files)."""
    before = _entry_issues(_consistency(root, today), entry_id)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy)
        (copy / path.relative_to(root)).write_bytes(new_text.encode("utf-8"))
        try:
            kb = load_knowledge(copy, today=today)
        except KnowledgeError as error:
            own = [i for i in error.issues if i.file == display]
            if own:
                raise RecordRefused("the edit would not validate:\n" + "\n".join(
                    f"  {i}" for i in own)) from None
            return [f"{len(error.issues)} problem(s) in other files (run validate); the "
                    f"consistency of {entry_id} was not checked"]
        after = _entry_issues(check_consistency(kb), entry_id)
    added = [i for key, i in after.items() if key not in before]
    if added:
        raise RecordRefused(f"the edit would add consistency problems for {entry_id} (correct "
                            f"the answer or the fact first):\n" + "\n".join(f"  {i}" for i in added))
    return [f"still open: {i}" for i in after.values()]


def _consistency(root: Path, today: date) -> list[Issue]:
    try:
        return check_consistency(load_knowledge(root, today=today))
    except KnowledgeError:
        return []


def _entry_issues(issues: list[Issue], entry_id: str) -> dict[str, Issue]:
    """Issues naming the entry, keyed by their text without line numbers (which an inserted
    line shifts)."""
    mentions = re.compile(rf"(?<![\w-]){re.escape(entry_id)}(?![\w-])")
    return {re.sub(r":\d+", "", f"{i.field} {i.message}"): i for i in issues
            if mentions.search(i.message)}


def _write(path: Path, text: str) -> None:
    """Replace the file in one step, so the hot-reloading server never reads half a file."""
    temporary = path.with_name(f".{path.name}.record")
    temporary.write_bytes(text.encode("utf-8"))
    shutil.copymode(path, temporary)
    os.replace(temporary, path)
