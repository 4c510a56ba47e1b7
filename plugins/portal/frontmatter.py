"""Reading Markdown files with YAML front matter, the way the rules need them read.

The YAML loader is PyYAML's safe loader with these changes, so that what users write
means what they think and nothing else:

- dates stay text (the core parses them in the site timezone and reports 2026-02-30 as
  an error rather than crashing);
- only ``true``/``false`` are booleans (YAML 1.1 would read the key ``on:`` of a change
  entry as ``True``);
- a key given twice in one mapping is an error naming both lines (PyYAML keeps the
  last one silently: a second ``publish_at`` would lose an embargo);
- anchors and aliases are refused (front matter, register files and the theme
  vocabulary never need them, and a few hundred bytes of nested aliases expand to
  gigabytes: the "billion laughs");
- nesting deeper than ``MAX_DEPTH`` levels is refused before libyaml builds anything
  (100,000 ``[`` crash libyaml's composer, a thousand end in a ``RecursionError``).

libyaml (``CSafeLoader``) still does the parsing; the checks live in the constructor,
which is Python in both loaders, so reading stays as fast as before.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.nodes import MappingNode

# libyaml's parser where it is installed (it is, with PyYAML's wheels): several times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterError(ValueError):
    """The YAML could not be read; the message says where."""


class RefusedYaml(FrontMatterError):
    """Valid YAML that the portal refuses (a key given twice, an anchor or alias).

    ``template`` names the lines it concerns as ``{0}``, ``{1}``..., counted from 1 at
    the start of the YAML text, so that a file's reader can count from its own top."""

    def __init__(self, template: str, *lines: int):
        self.template = template
        self.lines = lines
        super().__init__(str(self))

    def shifted(self, first_line: int) -> RefusedYaml:
        """The same error with lines counted from ``first_line`` (the YAML's line in a file)."""
        return RefusedYaml(self.template, *(line + first_line - 1 for line in self.lines))

    def __str__(self) -> str:
        return "line {0}: ".format(*self.lines) + self.template.format(*self.lines)


ALIAS_MESSAGE = "YAML anchors and aliases are not allowed"
_construct_object = yaml.constructor.BaseConstructor.construct_object


class PortalLoader(_BaseLoader):
    def construct_object(self, node, deep=False):
        # A node reached a second time is an alias (libyaml hands aliases back as the
        # anchored node itself): refuse it before anything is expanded.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise RefusedYaml(ALIAS_MESSAGE, node.start_mark.line + 1)
        return _construct_object(self, node, deep)

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, MappingNode):
            return super().construct_mapping(node, deep=deep)
        mapping: dict = {}
        lines: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise RefusedYaml("YAML merge keys ('<<') are not allowed: write the fields out",
                                  key_node.start_mark.line + 1)
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if not isinstance(key, Hashable):
                raise RefusedYaml("a mapping key must be a single value", line)
            if key in mapping:
                name = str(key).replace("{", "{{").replace("}", "}}")
                raise RefusedYaml(f"the key {name!r} is given twice (lines {{1}} and {{0}}): keep one",
                                  line, lines[key])
            lines[key] = line
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


PortalLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PortalLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)


def load_yaml(text: str, cache=None) -> Any:
    """The YAML's data. With a ``BuildCache``, data that JSON holds exactly is kept there
    under the text's hash: reading 10,000 items' front matter back from JSON takes a
    fifth of the time of parsing it again, which ``portal check`` does on every run.

    Raises ``RefusedYaml`` for a key given twice or an anchor or alias, and
    ``FrontMatterError`` for text that is not YAML; lines are counted from 1 at the
    start of ``text``."""
    if cache is not None:
        import json

        from .cache import key_of

        # "strict": the key of data read by a loader that refuses duplicate keys and
        # aliases; data kept by an older, laxer loader is never handed back.
        key = key_of("yaml", "strict", text)
        kept = cache.get("yaml", key)
        if kept is not None:
            return json.loads(kept)
        data = load_yaml(text)
        try:
            encoded = json.dumps(data)
            if json.loads(encoded) == data:  # e.g. no dates as objects, no integer keys
                cache.put("yaml", key, encoded.encode("utf-8"))
        except (TypeError, ValueError, RecursionError):
            pass
        return data
    try:
        _refuse_deep_nesting(text)
        data = yaml.load(text, Loader=PortalLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError as exc:  # never expected after the depth check: still no traceback
        raise RefusedYaml(DEPTH_MESSAGE, 1) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(f"{where}{problem}") from exc
    _refuse_anchors(text)
    return data


MAX_DEPTH = 20
DEPTH_MESSAGE = f"nested too deeply (more than {MAX_DEPTH} levels)"
_COLLECTION_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_END_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


_INDICATOR = re.compile(r"[-?](?=[ \t\n])")


def most_depth(text: str) -> int:
    """A quick upper bound on the YAML's nesting depth, from its characters alone: each
    level is a flow bracket (with at most one implicit pair in it), a block sequence's
    '-' or an explicit key's '?' (with at most one compact mapping after it), or a block
    mapping indented more than the one around it."""
    flows = text.count("[") + text.count("{")
    # A nested block sequence or explicit key always stands further right than the one
    # holding it, so the columns its indicators use bound its depth (a list of 30 entries
    # at one column is one level, not thirty: most front matter skips the event pass).
    indicators = {match.start() - (text.rfind("\n", 0, match.start()) + 1)
                  for match in _INDICATOR.finditer(text)}
    indents = {len(line) - len(line.lstrip(" ")) for line in text.splitlines()}
    return 2 * flows + 2 * len(indicators) + len(indents) + 2


def _refuse_deep_nesting(text: str) -> None:
    """Refuse more than ``MAX_DEPTH`` levels of nesting, reading libyaml's events (its
    parser keeps its own stack, never the C one) and stopping at the first level too deep.
    Front matter never needs a third of that; most texts are cleared by ``most_depth``."""
    if most_depth(text) <= MAX_DEPTH:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, _COLLECTION_EVENTS):
                depth += 1
                if depth > MAX_DEPTH:
                    raise RefusedYaml(DEPTH_MESSAGE, event.start_mark.line + 1)
            elif isinstance(event, _END_EVENTS):
                depth -= 1
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):  # libyaml's own limit (PyYAML 6.0.4 and later)
            mark = getattr(exc, "problem_mark", None)
            raise RefusedYaml(DEPTH_MESSAGE, mark.line + 1 if mark else 1) from None
        return  # not YAML: the loader says where


# Where an anchor can start: '&' at the start of a node, followed by its name. Most text
# has no such '&' ("Q&A", "police & health" do not match) and is not parsed a second time.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s\[\]{},]", re.M)


def _refuse_anchors(text: str) -> None:
    """An anchor that no alias uses does no harm, but it says the writer means to alias:
    refuse it too, so that the rule is simply 'no anchors, no aliases'."""
    if not _MAYBE_ANCHOR.search(text):
        return
    for event in yaml.parse(text, Loader=_BaseLoader):
        if getattr(event, "anchor", None) is not None:
            raise RefusedYaml(ALIAS_MESSAGE, event.start_mark.line + 1)


def split(text: str, cache=None) -> tuple[Any, str]:
    """Return (front matter, body). Front matter is None when the file has none.

    Raises ``FrontMatterError`` for front matter that is not valid YAML or that the
    portal refuses (``RefusedYaml``), with the line counted from the top of the file.
    """
    if text.startswith("\ufeff"):  # a byte-order mark, as some Windows editors write
        text = text[1:]
    match = FENCE.match(text)
    if not match:
        return None, text
    try:
        meta = load_yaml(match.group(1) or "", cache)
    except RefusedYaml as exc:
        raise exc.shifted(2) from exc  # count from the top of the file: the '---' is line 1
    except FrontMatterError as exc:
        message = str(exc)
        line = re.match(r"line (\d+)", message)
        if line:  # count from the top of the file, not the start of the YAML
            message = message.replace(line.group(0), f"line {int(line.group(1)) + 1}", 1)
        raise FrontMatterError(f"front matter is not valid YAML: {message}") from exc
    return meta, text[match.end():]
