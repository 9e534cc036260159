"""Templates that always end: every render bounded in time, in output and in arithmetic.

A team's template is code the scheduler runs for every due thread. Jinja's sandbox keeps
it from reaching the store, but not from running for ever: nested `range(100000)` loops,
`{{ 10 ** (10 ** 10) }}` or a string doubled forty times would hang `schedule` and
`templates check`. Each render here has three bounds, and hitting one raises
TemplateTooCostly (a jinja2 TemplateError): that thread's template error, never the end
of the run.

- arithmetic and calls: `**`, `*`, `%` and `//` are intercepted, and every call, method
  and filter has its whole-number arguments and its result's size checked; the few that
  multiply sizes (replace, join, indent, wordwrap, expandtabs, translate, lipsum, format
  widths) have their result's size estimated *before* they run, so no single step can
  allocate gigabytes or compute a number with billions of digits;
- time: a trace function on the template's own frames stops a render after its deadline
  (a loop that prints nothing is still a loop of template lines);
- size: the output is produced chunk by chunk and stopped past MAX_OUTPUT_CHARS, and every
  value a template line holds is checked against MAX_VALUE_CHARS.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Namespace

RENDER_SECONDS = 2.0
MAX_OUTPUT_CHARS = 100_000
# Any value a template makes (a string, a list) and any count it asks for (a width, a
# repetition, lipsum's paragraphs): far above what a follow-up needs, far below harm.
MAX_VALUE_CHARS = 200_000
MAX_ARGUMENT = 100_000  # Jinja's own range() limit
MAX_POWER_BITS = 4_096
# A printf width or precision of six digits or more ("%0999999d", "{:>999999}"), or a
# width taken from an argument ("{:>{}}"), in a string used as a format.
_HUGE_WIDTH = re.compile(
    r"%[-+ #0]*\d{6,}|%[-+ #0]*\d*\.\d{6,}|\{[^}]*:[^}]*\d{6,}[^}]*\}|\{[^{}]*:[^{}]*\{"
)


class TemplateTooCostly(TemplateError):
    """A render went past one of its bounds."""


class RenderTimedOut(TemplateTooCostly):
    """A render went past its deadline."""


def _too_big(value: Any) -> bool:
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset):
        return len(value) > MAX_VALUE_CHARS
    if isinstance(value, Namespace):
        # Namespace hides its dict behind __getattribute__; {% set ns.x %} writes there.
        attrs = object.__getattribute__(value, "_Namespace__attrs")
        return any(_too_big(v) for v in attrs.values())
    return False


def _check_arguments(args: tuple, kwargs: Mapping[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
            raise TemplateTooCostly(f"a number argument of {value:,} is above {MAX_ARGUMENT:,}")
        if _too_big(value):
            raise TemplateTooCostly(f"a value longer than {MAX_VALUE_CHARS:,}")


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _HUGE_WIDTH.search(text):
        raise TemplateTooCostly("a format width of a million characters or more")


def _checked_result(value: Any) -> Any:
    if _too_big(value):
        raise TemplateTooCostly(f"a value longer than {MAX_VALUE_CHARS:,} characters")
    return value


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else len(str(value))


def _estimate(name: str, subject: Any, args: tuple, kwargs: Mapping[str, Any]) -> int:
    """The result size of an operation that multiplies sizes, before it runs (else 0)."""

    def arg(position: int, key: str, default: Any = None) -> Any:
        return args[position] if len(args) > position else kwargs.get(key, default)

    if not isinstance(subject, str) and name != "lipsum":
        return 0
    if name == "replace":
        old, new = str(arg(0, "old", "")), str(arg(1, "new", ""))
        hits = subject.count(old) if old else len(subject) + 1
        return len(subject) + hits * len(new)
    if name == "indent":
        width = arg(0, "width", 4)
        pad = len(width) if isinstance(width, str) else int(width or 0)
        return len(subject) + (subject.count("\n") + 1) * pad
    if name == "wordwrap":
        width = max(int(arg(0, "width", 79) or 1), 1)
        wrap = arg(2, "wrapstring") or "\n"
        return len(subject) + (len(subject) // width + 1) * len(str(wrap))
    if name == "expandtabs":
        return len(subject) + subject.count("\t") * int(arg(0, "tabsize", 8) or 0)
    if name == "translate":
        table = arg(0, "table", {})
        longest = max((_length(v) for v in getattr(table, "values", list)()), default=1)
        return len(subject) * longest
    if name == "lipsum":
        return int(arg(0, "n", 5)) * int(arg(3, "max", 100)) * 12
    return 0


def _check_estimate(name: str, subject: Any, args: tuple, kwargs: Mapping[str, Any]) -> None:
    if _estimate(name, subject, args, kwargs) > MAX_VALUE_CHARS:
        raise TemplateTooCostly(f"{name} would make a value longer than {MAX_VALUE_CHARS:,}")


def _sized(items: Any) -> list:
    # join's size is its items' and separators': count them first (a generator, too).
    listed = list(items)
    if len(listed) > MAX_VALUE_CHARS:
        raise TemplateTooCostly(f"more than {MAX_VALUE_CHARS:,} items")
    return listed


def _bounded_filter(name: str, function: Callable) -> Callable:
    # functools.wraps keeps jinja_pass_arg, which tells Jinja to pass a context first.
    skip = 1 if getattr(function, "jinja_pass_arg", None) else 0

    @functools.wraps(function)
    def bounded(*args, **kwargs):
        _check_arguments(args[skip:], kwargs)
        value, rest = (args[skip], args[skip + 1 :]) if len(args) > skip else (None, ())
        if name == "format":
            _check_format(value)
        elif name == "join":
            value = _sized(value)
            separator = str(rest[0] if rest else kwargs.get("d", ""))
            if len(value) * len(separator) > MAX_VALUE_CHARS:
                raise TemplateTooCostly(f"join would make a value longer than {MAX_VALUE_CHARS:,}")
            args = (*args[:skip], value, *rest)
        else:
            _check_estimate(name, value, rest, kwargs)
        return _checked_result(function(*args, **kwargs))

    return bounded


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, with arithmetic, calls and filters that cannot explode."""

    # Intercepted operators are also never folded at compile time, where
    # `10 ** (10 ** 10)` would hang the compiler before any render began.
    intercepted_binops = frozenset({"**", "*", "%", "//"})

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        """`a ** b`, `a * b`, `a % b`, `a // b` with their results' size checked first."""
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_repeat(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
            values = right if isinstance(right, tuple) else (right,)
            _check_arguments(values, right if isinstance(right, dict) else {})
        return _checked_result(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Calls and method calls, their number arguments and results bounded."""
        # The sandbox wraps str.format; update_wrapper leaves the bound method in __wrapped__.
        method = getattr(__obj, "__wrapped__", __obj)
        bound_to = getattr(method, "__self__", None)
        name = getattr(method, "__name__", "")
        _check_arguments(args, kwargs)
        if isinstance(bound_to, str):
            if name in ("format", "format_map"):
                _check_format(bound_to)  # "{:>999999999}".format(1)
            elif name == "join" and args:
                args = (_sized(args[0]), *args[1:])
                if len(args[0]) * len(bound_to) > MAX_VALUE_CHARS:
                    raise TemplateTooCostly("join would make a value too long")
            else:
                _check_estimate(name, bound_to, args, kwargs)
        elif name == "generate_lorem_ipsum":
            _check_estimate("lipsum", None, args, kwargs)
        return _checked_result(super().call(__context, __obj, *args, **kwargs))


def _check_power(base: Any, exponent: Any) -> None:
    numbers = (int, float)
    if not (isinstance(base, numbers) and isinstance(exponent, numbers)):
        return
    if abs(base) <= 1 or exponent <= 0:
        return
    if isinstance(base, float) or isinstance(exponent, float):
        return  # floats overflow with an OverflowError of their own, at once
    if exponent * math.log2(abs(base)) > MAX_POWER_BITS:
        raise TemplateTooCostly(f"a power with more than {MAX_POWER_BITS:,} bits")


def _check_repeat(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        sequence = isinstance(seq, str | list | tuple) and isinstance(count, int)
        if sequence and len(seq) * count > MAX_VALUE_CHARS:
            raise TemplateTooCostly(f"a repetition longer than {MAX_VALUE_CHARS:,}")
    numbers = isinstance(left, int) and isinstance(right, int)
    if numbers and left.bit_length() + right.bit_length() > MAX_POWER_BITS:
        raise TemplateTooCostly(f"a product with more than {MAX_POWER_BITS:,} bits")


def render_bounded(
    template, variables: Mapping[str, Any], *, seconds: float = RENDER_SECONDS
) -> str:
    """Render with the time and output bounds; raises TemplateTooCostly past either."""
    environment = template.environment
    deadline = time.monotonic() + seconds

    def over_time() -> None:
        if time.monotonic() > deadline:
            raise RenderTimedOut(f"the template ran for more than {seconds:g}s")

    def local(frame, event, arg):
        over_time()
        if event == "line" and any(_too_big(v) for v in frame.f_locals.values()):
            raise TemplateTooCostly(f"a value longer than {MAX_VALUE_CHARS:,} characters")
        return local

    def calls(frame, event, arg):
        # Only the template's own code (its module globals hold its environment) is traced
        # line by line; every other Python call it makes (a filter's loop over a generator)
        # is only timed, once per call, so Jinja's internals run at nearly full speed.
        if frame.f_globals.get("environment") is environment:
            return local(frame, event, arg)
        over_time()
        return None

    # A tracer already set (a debugger, coverage) is set aside for the render and put back:
    # it misses the template's lines, which are not Python source anyway.
    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        parts: list[str] = []
        size = 0
        for chunk in template.generate(variables):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateTooCostly(f"the output passed {MAX_OUTPUT_CHARS:,} characters")
            parts.append(chunk)
        return "".join(parts)
    finally:
        sys.settrace(previous)
