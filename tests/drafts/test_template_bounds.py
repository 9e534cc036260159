"""Templates that never end are stopped (issue 13): each runaway is that render's
TemplateError, quickly, and ordinary templates are untouched."""

from __future__ import annotations

import pytest
from jinja2 import StrictUndefined, TemplateError

from drafts.writing.bounded import BoundedSandbox, render_bounded

RUNAWAY = {
    "nested loops": "{% for i in range(100000) %}{% for j in range(100000) %}"
    "{% endfor %}{% endfor %}",
    "three loops": "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
    "{{ '' }}{% endfor %}{% endfor %}{% endfor %}",
    "power tower": "{{ 10 ** (10 ** 10) }}",
    "string repeat": "{{ 'x' * 10**10 }}",
    "list repeat": "{{ [1] * 1000000000 }}",
    "center filter": "{{ 'x'|center(1000000000) }}",
    "ljust method": "{{ 'x'.ljust(1000000000) }}",
    "printf width": "{{ '%0999999999d' % 1 }}",
    "format filter width": "{{ '%0999999999d'|format(1) }}",
    "str.format width": "{{ '{:>999999999}'.format(1) }}",
    "lipsum": "{{ lipsum(10**6) }}",
    "doubling": "{% set ns = namespace(x='ab') %}{% for i in range(60) %}"
    "{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x|length }}",
    "chained replace": "{{ ('x' * 1000)|replace('', 'xxxxxxxxx')|replace('', 'xxxxxxxxx')"
    "|replace('', 'xxxxxxxxx')|replace('', 'xxxxxxxxx') }}",
    "huge output": "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}",
    "replace with a long new": "{{ ('x' * 100000)|replace('', 'y' * 100000) }}",
    "str.replace method": "{{ ('x' * 100000).replace('', 'y' * 100000) }}",
    "join with a long separator": "{{ range(100000)|join('y' * 100000) }}",
    "str.join over a generator": "{{ ('y' * 100000).join(range(100000)|map('string')) }}",
    "indent by a long string": "{{ ('\\n' * 100000)|indent('y' * 100000) }}",
    "expandtabs": "{{ ('\\t' * 100000).expandtabs(100000) }}",
    "translate to long strings": "{{ ('x' * 100000).translate({120: 'y' * 100000}) }}",
    "wordwrap with a long wrapstring": "{{ ('x' * 100000)|wordwrap(1, true, 'y' * 100000) }}",
    "lipsum paragraphs times words": "{{ lipsum(1000, max=1000) }}",
    "width from an argument": "{{ '{:>{}}'.format(1, '999999999') }}",
    "star width": "{{ '%*d' % (999999999, 1) }}",
    "recursion": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}",
    "macro in a loop": "{% macro f(n) %}{% for i in range(100000) %}{{ '' }}{% endfor %}"
    "{% endmacro %}"
    "{% for i in range(100000) %}{{ f(i) }}{% endfor %}",
}


@pytest.mark.parametrize("case", list(RUNAWAY))
def test_a_runaway_template_is_a_template_error(case):
    env = BoundedSandbox(undefined=StrictUndefined)
    with pytest.raises((TemplateError, RecursionError, OverflowError)):
        render_bounded(env.from_string(RUNAWAY[case]), {}, seconds=1.0)


def test_ordinary_filters_and_methods_still_work():
    env = BoundedSandbox(undefined=StrictUndefined)
    source = (
        "{{ ['a', 'b']|join(', ') }}|{{ 'a b'.replace(' ', '-') }}|{{ 'x\\ny'|indent(2) }}|"
        "{{ '{:>4}'.format(7) }}|{{ name|center(5) }}|{{ lipsum(1)|length > 0 }}|"
        "{{ range(3)|map('string')|join }}"
    )
    assert render_bounded(env.from_string(source), {"name": "Ada"}) == (
        "a, b|a-b|x\n  y|   7| Ada |True|012"
    )


def test_an_ordinary_template_renders():
    env = BoundedSandbox(undefined=StrictUndefined)
    source = "Hi {{ name }}, {{ 3 * 4 }} {{ '%05d' % 7 }} {{ 'ab' * 3 }} {{ 2 ** 10 }}"
    assert (
        render_bounded(env.from_string(source), {"name": "Ada"}) == "Hi Ada, 12 00007 ababab 1024"
    )
