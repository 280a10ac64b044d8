"""Read one YAML file safely, keeping the line and column of every value.

PyYAML's loaders silently keep the last of duplicate keys, expand aliases (a "billion
laughs" file hangs them) and raise on impossible timestamps such as 2022-02-30. Here the
file is scanned as events first (aliases, anchors and deep nesting are refused), composed
into nodes with the safe (C when available) loader, and converted by hand: duplicate keys
are reported, timestamps stay strings for pydantic to parse, and every value's position is
recorded so that a validation error can name the exact line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1_000_000
MAX_DEPTH = 32

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the store, pointing at a file, line and column (1-based)."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.field or '-'}: {self.message}"


class YamlFileError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Located:
    """A YAML document as plain data plus the position of each value and mapping key."""

    data: Any
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Best position for a pydantic error location: the key itself for unknown fields,
        else the value, else the nearest enclosing value (e.g. for a missing field)."""
        loc = tuple(loc)
        if key and loc in self.keys:
            return self.keys[loc]
        while loc:
            if loc in self.values:
                return self.values[loc]
            if loc in self.keys:
                return self.keys[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))


def field_name(loc: PathKey) -> str:
    """('sources', 0, 'url') -> 'sources[0].url'"""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _pos(node_or_event: Any) -> tuple[int, int]:
    mark = node_or_event.start_mark
    return (mark.line + 1, mark.column + 1)


def load(path: Path, display: str) -> Located:
    """Load `path`; raise YamlFileError naming the file, line and column on any problem."""

    def fail(line: int, column: int, message: str, fld: str = "") -> YamlFileError:
        return YamlFileError(Problem(display, line, column, fld, message))

    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise fail(1, 1, f"file is larger than {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(line, column, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise fail(1, 1, "file is empty")

    try:
        depth = 0
        documents = 0
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, yaml.AliasEvent):
                line, col = _pos(event)
                raise fail(line, col, "YAML aliases (*name) are not allowed in event files (no anchors or aliases)")
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and event.anchor:
                line, col = _pos(event)
                raise fail(line, col, "YAML anchors (&name) are not allowed in event files (no anchors or aliases)")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = _pos(event)
                    raise fail(line, col, f"nesting deeper than {MAX_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _pos(event)
                    raise fail(line, col, "only one YAML document per file")
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # Where the parser gave up at the end of the file (an unclosed bracket or quote), the
        # useful place is where the unfinished construct began.
        if exc.context_mark and mark is exc.problem_mark and mark.index >= len(text.rstrip()):
            mark = exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        raise fail(line, col, f"invalid YAML: {message}") from None
    except yaml.YAMLError as exc:
        raise fail(1, 1, f"invalid YAML: {exc}") from None
    if node is None:
        raise fail(1, 1, "file is empty")

    located = Located(data=None)
    located.data = _convert(node, (), located, fail)
    return located


_SCALARS = {
    "tag:yaml.org,2002:null": lambda v: None,
    "tag:yaml.org,2002:bool": lambda v: v.lower() in ("true", "yes", "on"),
    "tag:yaml.org,2002:int": lambda v: int(v.replace("_", ""), 0),
    "tag:yaml.org,2002:float": float,
}


def _convert(node: yaml.Node, loc: PathKey, out: Located, fail: Any) -> Any:
    out.values[loc] = _pos(node)
    if isinstance(node, yaml.ScalarNode):
        convert = _SCALARS.get(node.tag)
        if convert is None:
            # str, timestamp (kept as text for pydantic to parse strictly), binary, etc.
            return node.value
        try:
            return convert(node.value)
        except ValueError:
            return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, loc + (i,), out, fail) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, col = _pos(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                raise fail(line, col, "mapping keys must be plain text", field_name(loc))
            key = key_node.value
            if key in result:
                first = out.keys[loc + (key,)]
                raise fail(
                    line, col, f"duplicate key {key!r} (first defined at line {first[0]})",
                    field_name(loc + (key,)),
                )
            out.keys[loc + (key,)] = (line, col)
            result[key] = _convert(value_node, loc + (key,), out, fail)
        return result
    raise fail(*_pos(node), "unsupported YAML node")
