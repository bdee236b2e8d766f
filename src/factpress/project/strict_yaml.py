"""Strict YAML: positions for every value, duplicate keys rejected, numbers kept as written."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from factpress.shared.cache import BuildCache
from factpress.shared.diagnostics import Diagnostics, SourceLocation


class _Invalid:
    """A value that could not be read; its error is already reported, so readers say nothing more."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()


class YMap(dict):
    """A mapping that knows where it and each of its values came from."""

    loc: SourceLocation
    key_locs: dict
    value_locs: dict

    def at(self, key) -> SourceLocation:
        return self.value_locs.get(key, self.loc)

    def key_at(self, key) -> SourceLocation:
        return self.key_locs.get(key, self.loc)


class YList(list):
    loc: SourceLocation
    item_locs: list

    def at(self, index: int) -> SourceLocation:
        return self.item_locs[index] if index < len(self.item_locs) else self.loc


def _loc(path: str, node: Node) -> SourceLocation:
    mark = node.start_mark
    return SourceLocation(path, mark.line + 1, mark.column + 1)


# libyaml's parser composes the same nodes with the same marks, several times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar(path: str, node: ScalarNode, diags: Diagnostics):
    tag = node.tag
    text = node.value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return text.lower() in ("true", "yes", "on", "y")
    if tag == _TAG + "int":
        return _CONSTRUCTOR.construct_yaml_int(node)
    if tag == _TAG + "float":
        try:
            value = Decimal(text.replace("_", ""))
        except InvalidOperation:
            diags.error(_loc(path, node), f"'{text}' is not a finite number")
            return INVALID
        if not value.is_finite():
            diags.error(_loc(path, node), f"'{text}' is not a finite number")
            return INVALID
        return value
    # timestamps and everything else stay as the text the author wrote
    return text


def _convert(path: str, node: Node, diags: Diagnostics, depth: int = 0):
    if depth > 50:
        diags.error(_loc(path, node), "YAML is nested too deeply")
        return None
    if isinstance(node, ScalarNode):
        return _scalar(path, node, diags)
    if isinstance(node, SequenceNode):
        out = YList()
        out.loc = _loc(path, node)
        out.item_locs = []
        for child in node.value:
            out.append(_convert(path, child, diags, depth + 1))
            out.item_locs.append(_loc(path, child))
        return out
    if isinstance(node, MappingNode):
        out = YMap()
        out.loc = _loc(path, node)
        out.key_locs, out.value_locs = {}, {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                diags.error(_loc(path, key_node), "YAML merge keys (<<) are not supported")
                continue
            key = _convert(path, key_node, diags, depth + 1)
            if not isinstance(key, (str, int, bool)) or key is None:
                diags.error(_loc(path, key_node), "a mapping key must be plain text")
                continue
            key = str(key)
            if key in out:
                first = out.key_locs[key]
                diags.error(
                    _loc(path, key_node),
                    f"duplicate key '{key}' (first defined at line {first.line})",
                )
                continue
            out[key] = _convert(path, value_node, diags, depth + 1)
            out.key_locs[key] = _loc(path, key_node)
            out.value_locs[key] = _loc(path, value_node)
        return out
    return None


def _problem_location(path: str, exc: yaml.YAMLError, text: str = "") -> SourceLocation:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None and isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        before = text[: exc.position]
        return SourceLocation(path, before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
    if mark is None:
        return SourceLocation(path, 1)
    return SourceLocation(path, mark.line + 1, mark.column + 1)


def _problem_text(text: str, exc: yaml.YAMLError) -> tuple[str, str]:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    hint = ""
    if "'\\t'" in problem or (mark is not None and _char_at(text, mark) == "\t"):
        problem = "a tab character in indentation"
        hint = "YAML indents with spaces only"
    context = getattr(exc, "context", None)
    if context and not hint:
        problem = f"{context}, {problem}"
    return f"invalid YAML: {problem}", hint


def _char_at(text: str, mark) -> str:
    lines = text.splitlines()
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def parse_yaml(text: str, path: str, diags: Diagnostics):
    """Parse one YAML document; problems go to diags and None comes back."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        if _LOADER is not yaml.SafeLoader:  # the pure-Python parser words its errors more plainly
            try:
                yaml.compose(text, Loader=yaml.SafeLoader)
            except yaml.YAMLError as plain:
                exc = plain
        message, hint = _problem_text(text, exc)
        diags.error(_problem_location(path, exc, text), message, hint)
        return None
    if node is None:
        return None
    before = len(diags.errors)
    data = _convert(path, node, diags)
    return data if len(diags.errors) == before or data is not None else None


def parse_yaml_file(text: str, path: str, diags: Diagnostics, cache: BuildCache | None = None):
    """parse_yaml, reusing the result for a file whose text is as it was in the last build when the
    cache keeps inputs (the result is only read, never changed, by its callers)."""
    if cache is None or not cache.keep:
        return parse_yaml(text, path, diags)
    key = (path, text)
    hit = cache.yaml.get(key)
    if hit is None:
        local = Diagnostics()
        hit = (parse_yaml(text, path, local), tuple(local.items))
        cache.yaml.put(key, hit)
    diags.items.extend(hit[1])
    return hit[0]
