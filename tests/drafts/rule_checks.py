"""What the rule tables share: a touchpoint after the initial message, one rule run with
its flag checked, evidence that points at a touchpoint."""

from __future__ import annotations

from datetime import timedelta

from builders import (
    DAY,
    NOW,
    touch,
)

from drafts.rules import thread_rules as rules
from store.clock import iso

AUTO_REPLY = "Automatic reply: I am out of the office until 20 November 2025."


def later(tp_id: str, days_after_initial: float, **fields) -> object:
    """A touchpoint `days_after_initial` after the default initial (10 days before NOW)."""
    return touch(tp_id, NOW - 10 * DAY + timedelta(days=days_after_initial), **fields)


def check(rule, ctx, expected: str | None) -> rules.Flag | None:
    """Run one rule; when it fires, check code, severity and that evidence is there."""
    flag = rule(ctx)
    if expected is None:
        assert flag is None, flag
        return None
    assert flag is not None, f"{rule.__name__} did not fire"
    assert flag.code == expected
    assert flag.severity == ("block" if rule in rules.BLOCKING_RULES else "warn")
    assert flag.message and flag.evidence
    return flag


def assert_points_at(flag: rules.Flag, tp, quote_part: str | None = None) -> None:
    """The evidence names the touchpoint, when it happened, and quotes it."""
    assert flag.evidence["touchpoint_id"] == tp.touchpoint_id
    assert flag.evidence["occurred_at"] == iso(tp.occurred_at)
    assert flag.evidence["quote"]
    if quote_part:
        assert quote_part in flag.evidence["quote"]
