"""The mutants of one Python module: small, plausible bugs, found in its syntax tree.

Each mutant replaces one span of the source text, so its diff shows the one line that
changed and the rest of the file keeps its layout. Kinds:

- compare: `<` ↔ `<=`, `>` ↔ `>=`, `==` ↔ `!=`, `in` ↔ `not in`, `is` ↔ `is not`
- negate: an `if`/`while`/`elif`/conditional-expression/comprehension test becomes `not (…)`
- not: `not x` becomes `x`
- boolop: one operand of `and`/`or` dropped, or `and` ↔ `or`
- arith: `+` ↔ `-`, and `&` ↔ `|` (SQLAlchemy's AND/OR of clauses)
- number: an integer n becomes n + 1 and n - 1; True ↔ False
- where: one term of `.where(…)`/`.filter(…)`/`and_(…)`/`or_(…)` dropped, or a one-term
  `.where(x)` dropped whole
- regex: one alternative of a `|` in a regular expression literal dropped
- statement: a call made for its effect (`conn.execute(…)`, `x.append(…)`) or an augmented
  assignment (`used[k] += 1`) becomes `pass`

A line carrying the comment `no mutate` is left alone.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace

COMPARE_SWAP = {
    ast.Lt: ("<", "<="),
    ast.LtE: ("<=", "<"),
    ast.Gt: (">", ">="),
    ast.GtE: (">=", ">"),
    ast.Eq: ("==", "!="),
    ast.NotEq: ("!=", "=="),
    ast.In: ("in", "not in"),
    ast.NotIn: ("not in", "in"),
    ast.Is: ("is", "is not"),
    ast.IsNot: ("is not", "is"),
}
ARITH_SWAP = {
    ast.Add: ("+", "-"),
    ast.Sub: ("-", "+"),
    ast.BitAnd: ("&", "|"),
    ast.BitOr: ("|", "&"),
}
WHERE_CALLS = {"where", "filter", "and_", "or_", "having"}
REGEX_HINTS = ("\\b", "\\s", "\\d", "\\w", "(?:", "(?P<", "(?=")


@dataclass(frozen=True)
class Mutant:
    """One change to the module's text: replace source[start:end] with `replacement`."""

    line: int
    kind: str
    description: str
    start: int
    end: int
    replacement: str

    def apply(self, source: str) -> str:
        """The module's text with this mutant in it."""
        return source[: self.start] + self.replacement + source[self.end :]


class _Offsets:
    """AST positions (line, UTF-8 byte column) as offsets into the str source."""

    def __init__(self, source: str):
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def at(self, lineno: int, col: int) -> int:
        line = self.lines[lineno - 1]
        return self.starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        return self.at(node.lineno, node.col_offset), self.at(node.end_lineno, node.end_col_offset)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Finder(ast.NodeVisitor):
    def __init__(self, source: str):
        self.source = source
        self.pos = _Offsets(source)
        self.found: list[Mutant] = []
        self.depth = 0  # inside how many functions

    # ------------------------------------------------------------------ helpers
    def add(self, node, kind: str, description: str, start: int, end: int, new: str, line=None):
        line = line or node.lineno
        if "no mutate" in self.pos.lines[line - 1]:
            return
        self.found.append(Mutant(line, kind, description, start, end, new))

    def text(self, node: ast.AST) -> str:
        start, end = self.pos.span(node)
        return self.source[start:end]

    def swap_between(self, node, left: ast.AST, right: ast.AST, old: str, new: str, kind: str):
        """Replace the operator written between two operands, keeping everything else."""
        gap_start, gap_end = self.pos.span(left)[1], self.pos.span(right)[0]
        gap = self.source[gap_start:gap_end]
        index = _find_operator(gap, old)
        if index < 0:
            return
        start = gap_start + index
        self.add(node, kind, f"{old} -> {new}", start, start + len(old), new)

    # ------------------------------------------------------------------ skip
    def visit_FunctionDef(self, node):
        self.depth += 1
        for child in node.body:  # decorators, defaults and annotations are not behaviour
            self.visit(child)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        for child in node.body:
            self.visit(child)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self.visit(node.value)

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring
        if isinstance(node.value, ast.Call):
            start, end = self.pos.span(node)
            self.add(node, "statement", f"drop {_short(self.text(node))}", start, end, "pass")
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        start, end = self.pos.span(node)
        self.add(node, "statement", f"drop {_short(self.text(node))}", start, end, "pass")
        self.generic_visit(node)

    # ------------------------------------------------------------------ conditions
    def _negate(self, test: ast.AST):
        start, end = self.pos.span(test)
        self.add(
            test,
            "negate",
            f"not ({_short(self.text(test))})",
            start,
            end,
            f"not ({self.text(test)})",
        )

    def visit_If(self, node):
        self._negate(node.test)
        self.generic_visit(node)

    visit_While = visit_If
    visit_IfExp = visit_If

    def visit_comprehension(self, node):
        for cond in node.ifs:
            self._negate(cond)
        self.generic_visit(node)

    def visit_JoinedStr(self, node):
        return  # f-string parts have no reliable positions

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            start, end = self.pos.span(node)
            inner = self.text(node.operand)
            self.add(node, "not", f"drop not before {_short(inner)}", start, end, f"({inner})")
        self.generic_visit(node)

    def visit_Compare(self, node):
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            old, new = COMPARE_SWAP[type(op)]
            self.swap_between(node, left, right, old, new, "compare")
            left = right
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        word = "and" if isinstance(node.op, ast.And) else "or"
        other = "or" if word == "and" else "and"
        start, end = self.pos.span(node)
        parts = [self.text(v) for v in node.values]
        for index, dropped in enumerate(parts):
            kept = parts[:index] + parts[index + 1 :]
            new = f"({f' {word} '.join(kept)})"
            self.add(
                node.values[index],
                "boolop",
                f"drop `{word}` operand {_short(dropped)}",
                start,
                end,
                new,
            )
        self.add(node, "boolop", f"{word} -> {other}", start, end, f"({f' {other} '.join(parts)})")
        self.generic_visit(node)

    def visit_BinOp(self, node):
        swap = ARITH_SWAP.get(type(node.op))
        # At module level `+` builds strings (a pattern from pieces): `-` only breaks import.
        if swap and (self.depth or not isinstance(node.op, ast.Add | ast.Sub)):
            self.swap_between(node, node.left, node.right, *swap, "arith")
        self.generic_visit(node)

    # ------------------------------------------------------------------ constants
    def visit_Constant(self, node):
        value = node.value
        start, end = self.pos.span(node)
        if isinstance(value, bool):
            self.add(node, "number", f"{value} -> {not value}", start, end, str(not value))
        elif isinstance(value, int):
            for new in (value + 1, value - 1):
                self.add(node, "number", f"{value} -> {new}", start, end, str(new))
        elif isinstance(value, str) and any(h in value for h in REGEX_HINTS):
            # A single raw literal reads as its value: mutate its text, keeping its layout.
            raw = re.fullmatch(r"([rR])(\"\"\"|'''|\"|')(.*)\2", self.source[start:end], re.DOTALL)
            if raw and raw.group(3) == value:
                head, tail = raw.group(1) + raw.group(2), raw.group(2)
                start, end = start + len(head), end - len(tail)
            for alternative, new, offset in regex_drops(value):
                exact = raw and raw.group(3) == value
                text = new if exact else repr(new)
                # In a raw literal, the line the alternative is written on.
                line = self.source.count("\n", 0, start + offset) + 1 if exact else None
                desc = f"drop alternative {_short(alternative)!r}"
                self.add(node, "regex", desc, start, end, text, line)

    # ------------------------------------------------------------------ queries
    def visit_Call(self, node):
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if name in WHERE_CALLS and not node.keywords:
            if len(node.args) > 1:
                for index, arg in enumerate(node.args):
                    kept = [self.text(a) for i, a in enumerate(node.args) if i != index]
                    start = self.pos.span(node.args[0])[0]
                    end = self.pos.span(node.args[-1])[1]
                    desc = f"{name}(): drop {_short(self.text(arg))}"
                    self.add(arg, "where", desc, start, end, ", ".join(kept))
            elif len(node.args) == 1 and isinstance(node.func, ast.Attribute) and name != "or_":
                start, end = self.pos.span(node)
                receiver = self.text(node.func.value)
                desc = f"drop .{name}({_short(self.text(node.args[0]))})"
                self.add(node, "where", desc, start, end, f"({receiver})")
        self.generic_visit(node)


def _find_operator(gap: str, op: str) -> int:
    """Where an operator word or symbol stands in the text between two operands (outside
    comments and closing parentheses), or -1."""
    import re

    if op[0].isalpha():
        pattern = r"(?<![\w])" + r"\s+".join(map(re.escape, op.split())) + r"(?![\w])"
    else:
        # `<` must not match the first half of `<=`, nor `|` a part of `|=`.
        pattern = re.escape(op) + r"(?![=<>])"
        pattern = r"(?<![=<>!])" + pattern
    match = re.search(pattern, gap)
    return match.start() if match else -1


def regex_drops(pattern: str) -> list[tuple[str, str, int]]:
    """Each alternative of each `|` in a regex text, the text without it, and where it was.

    A fragment whose groups do not balance (a piece of a pattern built by `+`) gives the
    alternatives of its balanced groups only. In a multi-line (verbose) pattern, `#`
    comments are skipped.
    """
    verbose = "\n" in pattern
    groups: list[list[int]] = [[-1]]  # per open group: its start and the positions of its bars
    balanced_top = True
    spans: list[tuple[int, list[int], int]] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        if verbose and ch == "#":
            while i < n and pattern[i] != "\n":
                i += 1
            continue
        if ch == "(":
            groups.append([i])
        elif ch == ")":
            if len(groups) == 1:
                balanced_top = False
                groups = [[-1]]
            else:
                opened = groups.pop()
                spans.append((opened[0], opened[1:], i))
        elif ch == "|":
            groups[-1].append(i)
        i += 1
    if len(groups) == 1 and balanced_top:
        spans.append((-1, groups[0][1:], n))
    drops = []
    for open_at, bars, close_at in spans:
        if not bars:
            continue
        body_start = open_at + 1
        if open_at >= 0:
            group_head = pattern[body_start : body_start + 4]
            for prefix in ("?:", "?=", "?!", "?<=", "?<!"):
                if group_head.startswith(prefix):
                    body_start += len(prefix)
                    break
            if group_head.startswith("?P<"):
                body_start = pattern.index(">", body_start) + 1
        edges = [body_start, *[b + 1 for b in bars]]
        ends = [*bars, close_at]
        for k, (a, b) in enumerate(zip(edges, ends, strict=True)):
            alternative = pattern[a:b]
            if not alternative.strip():
                continue
            # Drop the alternative with the bar before it (or after it, for the first).
            cut = (a, b + 1) if k == 0 else (a - 1, b)
            drops.append((alternative.strip(), pattern[: cut[0]] + pattern[cut[1] :], a))
    return drops


def find_mutants(source: str) -> list[Mutant]:
    """Every mutant of a module, in source order."""
    finder = _Finder(source)
    finder.visit(ast.parse(source))
    mutants = []
    lines = source.splitlines()
    seen: dict[tuple[str, str], int] = {}
    for mutant in sorted(finder.found, key=lambda m: (m.start, m.kind, m.description)):
        try:
            ast.parse(mutant.apply(source))
        except SyntaxError:
            continue
        # The same change to the same text twice (two `[0]`s on a line, two identical lines)
        # gets a number, so that a mutant's key (devtools/mutate.py) names one mutant.
        same = (lines[mutant.line - 1].strip(), mutant.description)
        seen[same] = count = seen.get(same, 0) + 1
        if count > 1:
            mutant = replace(mutant, description=f"{mutant.description} #{count}")
        mutants.append(mutant)
    return mutants
