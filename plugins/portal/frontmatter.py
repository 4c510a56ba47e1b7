"""Reading Markdown files with YAML front matter, the way the rules need them read.

The YAML loader is PyYAML's safe loader with two changes, so that what users write
means what they think: dates stay text (the core parses them in the site timezone and
reports 2026-02-30 as an error rather than crashing), and only ``true``/``false`` are
booleans (YAML 1.1 would read the key ``on:`` of a change entry as ``True``).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# libyaml's parser where it is installed (it is, with PyYAML's wheels): several times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PortalLoader(_BaseLoader):
    pass


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


class FrontMatterError(ValueError):
    """The YAML could not be read; the message says where."""


_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)


def load_yaml(text: str, cache=None) -> Any:
    """The YAML's data. With a ``BuildCache``, data that JSON holds exactly is kept there
    under the text's hash: reading 10,000 items' front matter back from JSON takes a
    fifth of the time of parsing it again, which ``portal check`` does on every run."""
    if cache is not None:
        import json

        from .cache import key_of

        key = key_of("yaml", text)
        kept = cache.get("yaml", key)
        if kept is not None:
            return json.loads(kept)
        data = load_yaml(text)
        try:
            encoded = json.dumps(data)
            if json.loads(encoded) == data:  # e.g. no dates as objects, no integer keys
                cache.put("yaml", key, encoded.encode("utf-8"))
        except (TypeError, ValueError):
            pass
        return data
    try:
        return yaml.load(text, Loader=PortalLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(f"{where}{problem}") from exc


def split(text: str, cache=None) -> tuple[Any, str]:
    """Return (front matter, body). Front matter is None when the file has none.

    Raises ``FrontMatterError`` for front matter that is not valid YAML, with the line
    counted from the top of the file.
    """
    match = _FENCE.match(text)
    if not match:
        return None, text
    try:
        meta = load_yaml(match.group(1) or "", cache)
    except FrontMatterError as exc:
        message = str(exc)
        line = re.match(r"line (\d+)", message)
        if line:  # count from the top of the file, not the start of the YAML
            message = message.replace(line.group(0), f"line {int(line.group(1)) + 1}", 1)
        raise FrontMatterError(f"front matter is not valid YAML: {message}") from exc
    return meta, text[match.end():]
