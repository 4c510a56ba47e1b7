"""Reading mkdocs.yml with errors in the portal's manner: ``mkdocs.yml: option: message``.

MkDocs logs each configuration error as ``Config value 'plugins': Plugin 'portal' option
'closure_days': ...`` without the file's name and then raises a bare "Aborted with a
configuration error!"; a date that does not exist (``2026-12-32``) stops its YAML loader
with a ``ValueError`` and a traceback. Here both become one error per option, naming
the file and the option's dotted path.
"""

from __future__ import annotations

import logging
import re

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException


class ConfigFileError(ValueError):
    """mkdocs.yml cannot be used; the message names the file and each option at fault."""


def load_config_file(config_file: str, **overrides) -> MkDocsConfig:
    from mkdocs.config import load_config

    collected = _Collect(config_file)
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(collected)
    propagate, logger.propagate = logger.propagate, False
    try:
        return load_config(config_file, **overrides)
    except MkDocsException as exc:
        not_yaml = _not_yaml(config_file, exc)
        if not_yaml:
            raise ConfigFileError(not_yaml) from exc
        messages = [line for message in collected.errors for line in _dotted(message)]
        raise ConfigFileError("\n".join(f"{config_file}: {m}" for m in messages or [str(exc)])) from exc
    except ValueError as exc:  # a value YAML cannot construct, such as the date 2026-12-32
        raise ConfigFileError(f"{config_file}: {_locate(config_file) or exc}") from exc
    finally:
        logger.removeHandler(collected)
        logger.propagate = propagate


class _Collect(logging.Handler):
    """Keeps MkDocs' configuration errors; passes its warnings on to the ``mkdocs`` logger's
    handlers (the ``portal`` command shows them), with the file's name."""

    def __init__(self, config_file: str = "mkdocs.yml") -> None:
        super().__init__(level=logging.WARNING)
        self.config_file = config_file
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())
            return
        lines = _dotted(record.getMessage())
        record.msg, record.args = "\n".join(f"{self.config_file}: {line}" for line in lines), ()
        logging.getLogger("mkdocs").handle(record)


def _not_yaml(config_file: str, exc: Exception) -> str | None:
    """``mkdocs.yml: line L, column C: not valid YAML (problem)`` when MkDocs could not parse it."""
    cause = exc.__cause__ or exc.__context__
    mark = getattr(cause, "problem_mark", None)
    if isinstance(cause, yaml.YAMLError) and mark is not None:
        problem = getattr(cause, "problem", None) or "not valid YAML"
        return (f"{config_file}: line {mark.line + 1}, column {mark.column + 1}: not valid YAML "
                f"({problem}): nothing was built")
    return None


_STEP = re.compile(r"(?:Config value|Plugin|Sub-option) '([^']*)'(?: option '([^']*)')?: ", re.S)


def _dotted(message: str) -> list[str]:
    """MkDocs' error message as ``option.path: message`` lines (one per error it holds)."""
    message = re.sub(r"<class '(\w+)'>", r"\1", message)
    outer = _STEP.match(message)
    if outer is None:
        return [message]
    prefix = [outer.group(1)] + ([outer.group(2)] if outer.group(2) else [])
    lines = []
    for part in message[outer.end():].split("\n"):
        path = list(prefix)
        step = _STEP.match(part)
        while step:
            path += [step.group(1)] + ([step.group(2)] if step.group(2) else [])
            part = part[step.end():]
            step = _STEP.match(part)
        lines.append(f"{'.'.join(path)}: {part}")
    return lines


def _locate(config_file: str) -> str | None:
    """``option.path: line N: what is wrong`` for the first timestamp YAML cannot construct."""
    try:
        with open(config_file, encoding="utf-8") as source:
            root = yaml.compose(source, Loader=yaml.SafeLoader)  # noqa: S506 - composes, never constructs
    except (OSError, ValueError, yaml.YAMLError):
        return None
    constructor = yaml.constructor.SafeConstructor()

    def walk(node, path):
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except ValueError:
                return (f"{'.'.join(path)}: line {node.start_mark.line + 1}: {node.value} is not a "
                        "real date (write dates as YYYY-MM-DD)")
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                found = walk(child, path)
                if found:
                    return found
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                found = walk(value, [*path, str(key.value)])
                if found:
                    return found
        return None

    return walk(root, []) if root is not None else None
