"""Templates: the project's overrides over the built-in theme, in one sandboxed Jinja2
environment, and where a template error came from.

Templates are the author's code: they run in Jinja2's SandboxedEnvironment (no access to Python
internals, ranges of at most 100,000), with repetition and powers bounded here, and each file they
render under a time limit (site/render.py); any error in one is a located one-line error."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from factpress.shared.cache import BuildCache
from factpress.shared.diagnostics import SourceLocation

THEME = Path(__file__).parent / "theme"


MAX_REPEAT = 1_000_000  # items or characters that `*` may make
MAX_POWER = 10_000  # largest exponent of `**`


class ReportEnvironment(SandboxedEnvironment):
    """The sandbox, with `*` and `**` bounded so no expression can fill the memory or the CPU in
    one C call (where no time limit can interrupt it); lipsum, which has no bound, is left out."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator: str, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER:
            raise jinja2.exceptions.SecurityError(f"an exponent above {MAX_POWER} is not allowed")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_REPEAT:
                    raise jinja2.exceptions.SecurityError(f"repeating to more than {MAX_REPEAT} items is not allowed")
        return super().call_binop(context, operator, left, right)


def make_environment(project_templates: Path) -> jinja2.Environment:
    loaders = []
    if project_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(project_templates)))
    theme = jinja2.FileSystemLoader(str(THEME / "templates"))
    # "theme/NAME" always names the built-in template, so an override can extend the one it replaces.
    loaders += [theme, jinja2.PrefixLoader({"theme": theme})]
    env = ReportEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["period"] = lambda fact: fact.period_text
    env.globals.pop("lipsum", None)
    return env


def template_texts(root: Path) -> list[tuple[str, str]]:
    """(path, text) of every template the project may use: its own, then the theme's."""
    out = []
    for base in (root / "templates", THEME / "templates"):
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    out.append((path.as_posix(), path.read_text("utf-8", errors="replace")))
    return out


def environment(root: Path, templates: list[tuple[str, str]], cache: BuildCache | None = None) -> jinja2.Environment:
    """A Jinja2 environment for the project; the cache's last one (with its compiled templates) while no template changed."""
    h = hashlib.sha256(repr((root.resolve().as_posix(), templates)).encode("utf-8", "surrogatepass")).hexdigest()
    if cache is not None and cache.environment is not None and cache.environment[0] == h:
        return cache.environment[1]
    env = make_environment(root / "templates")
    if cache is not None:
        cache.environment = (h, env)
    return env


def template_location(exc: Exception, root: Path, own_first: bool = False) -> SourceLocation:
    """file:line of a template error, from the exception or the innermost template frame
    (own_first: the innermost of the project's own templates, when one is on the way)."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", 0) or 0
    own = str((root / "templates").resolve())
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") or filename.endswith(".xml"):
            if not (own_first and name and name.startswith(own) and not filename.startswith(own)):
                name, line = filename, tb.tb_lineno
        tb = tb.tb_next
    if not name:
        return SourceLocation("templates")
    path = Path(name)
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = f"(built-in theme) {path.name}"
    return SourceLocation(rel, line)


_OBJECT_RE = re.compile(r"'factpress(?:\.\w+)+\.(\w+) object'")


def template_problem(exc: Exception) -> str:
    """What a template error says, as its author reads it: 'Page object', not factpress's module path."""
    message = getattr(exc, "message", None) or type(exc).__name__
    return "template error: " + _OBJECT_RE.sub(lambda m: f"'{m.group(1)} object'", message)


def template_failure(exc: BaseException, root: Path, seconds: float) -> tuple[SourceLocation, str] | None:
    """Where and what a template's failure was, or None for an error of factpress's own code (a bug,
    to be shown as one). Errors Jinja2 names, an expression that raised (1/0), a template or macro
    calling itself without end, and a template over its time are the template's."""
    from factpress.shared.deadline import TimeLimit

    if isinstance(exc, TimeLimit):
        return template_location(exc, root), (f"template error: rendering took longer than {seconds:g}s "
                                              "(template_timeout in report.yaml); does a loop never end?")
    if isinstance(exc, RecursionError):
        return template_location(exc, root, own_first=True), "template error: a template or macro calls itself without end"
    if isinstance(exc, jinja2.TemplateError) or _raised_in_template(exc):
        if isinstance(exc, jinja2.TemplateError):
            return template_location(exc, root), template_problem(exc)
        return template_location(exc, root), f"template error: {type(exc).__name__}: {exc}"
    return None


def _raised_in_template(exc: BaseException) -> bool:
    """True when the innermost frame is a template's code, Jinja2's or a builtin's called by it
    (not factpress's own, whose exceptions are bugs)."""
    tb, last = exc.__traceback__, None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    package = str(Path(__file__).resolve().parent.parent)
    return last is not None and not (last.startswith(package) and last.endswith(".py"))
