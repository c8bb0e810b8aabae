"""Reading small YAML files written by users (``playbook.yaml``, mappings) safely.

``yaml.safe_load`` still expands aliases: a few hundred bytes of nested ``&a [*b, *b, ...]``
anchors grow into gigabytes ("billion laughs"). The loader here refuses aliases outright
(settings and mappings never need them), refuses files above :data:`MAX_BYTES`, and turns
every YAML problem (syntax, unknown tag, bad encoding, absurd nesting) into one
:class:`YamlError` naming the file and line, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: Settings and mapping files are a few kilobytes; anything bigger is a mistake.
MAX_BYTES = 256 * 1024
#: Where aliases are allowed (mappings reuse a condition with ``*name``), the document may
#: expand to at most this many nodes (aliases counted as often as they are used).
MAX_EXPANDED_NODES = 100_000


class YamlError(ValueError):
    """A YAML file that cannot be read: the message names the file, line and reason."""


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (``*name``) instead of expanding them."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            line = event.start_mark.line + 1
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed (line {line})"
            )
        return super().compose_node(parent, index)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Nodes of the document with every alias expanded (memoised: cheap even for a bomb)."""
    key = id(node)
    if key not in memo:
        memo[key] = 0  # a recursive alias counts once
        if isinstance(node, yaml.SequenceNode):
            size = 1 + sum(_expanded_size(n, memo) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
        else:
            size = 1
        memo[key] = min(size, MAX_EXPANDED_NODES + 1)
    return memo[key]


def load_yaml_with_aliases(text: str, where: str) -> Any:
    """Like :func:`load_yaml_text` but aliases are allowed, as long as the document expands
    to at most :data:`MAX_EXPANDED_NODES` nodes (a few hundred bytes of nested aliases
    cannot stand for gigabytes).

    Raises
    ------
    YamlError
        Too big (in bytes or expanded), bad syntax, an unknown tag.
    """
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise YamlError(f"{where}: file larger than {MAX_BYTES // 1024} KB; is it the right file?")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise YamlError(
                f"{where}: aliases expand to more than {MAX_EXPANDED_NODES:,} values; "
                "write the values out instead"
            )
        loader = yaml.SafeLoader("")
        try:
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise YamlError(f"{where}: not valid YAML: {_problem(exc)}") from None
    except RecursionError:
        raise YamlError(f"{where}: not valid YAML: nested too deeply") from None
    except (ValueError, OverflowError) as exc:
        # a plain value that YAML reads as a timestamp but is no real date (0000-00-00)
        raise YamlError(
            f"{where}: not valid YAML: a value that looks like a date is not one "
            f"({exc}); quote it if it is text"
        ) from None


def _problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    return " ".join(f"{where}{problem}".split())


def load_yaml_text(text: str, where: str) -> Any:
    """Parse ``text`` (the content of ``where``) without alias expansion.

    Raises
    ------
    YamlError
        Too big, bad syntax, an alias, an unknown tag (``!!python/object``) or nesting too
        deep to parse.
    """
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise YamlError(f"{where}: file larger than {MAX_BYTES // 1024} KB; is it the right file?")
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise YamlError(f"{where}: not valid YAML: {_problem(exc)}") from None
    except RecursionError:
        raise YamlError(f"{where}: not valid YAML: nested too deeply") from None
    except (ValueError, OverflowError) as exc:
        # a plain value that YAML reads as a timestamp but is no real date (0000-00-00)
        raise YamlError(
            f"{where}: not valid YAML: a value that looks like a date is not one "
            f"({exc}); quote it if it is text"
        ) from None


def load_yaml_file(path: str | Path) -> Any:
    """Read and parse a YAML file (UTF-8) with :func:`load_yaml_text`."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise YamlError(
                f"{p.name}: file larger than {MAX_BYTES // 1024} KB; is it the right file?"
            )
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"{p.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    return load_yaml_text(text, p.name)
