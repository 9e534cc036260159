"""`followups templates check`: render every template against a sample thread, before a run does.

Each template the scheduler could pick (the built-in ones, the team's templates_dir, and
roles/<role_id>/<channel>.j2 there) is rendered exactly as a draft would be: sandboxed,
every variable required. A syntax error, an undefined variable or an empty or overlong
body is an error naming the template and line; a placeholder left in the text is a warning.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from drafts.rules.context import CandidateView, ThreadContext, ThreadView, TouchpointView
from drafts.rules.text_checks import text_flags
from drafts.writing.render import BUILTIN_TEMPLATES, RenderProblem, TemplateBook
from store import models
from store.clock import utc_now
from store.config import Settings

CHANNELS = models.THREAD_CHANNELS


def sample_context(settings: Settings, channel: str, role_id: str | None) -> ThreadContext:
    """A realistic thread: the initial message ten days ago, every optional field filled."""
    now = utc_now().replace(microsecond=0)
    role_id = role_id or "r-sample"
    initial = TouchpointView(
        "tp-sample",
        "c-sample",
        role_id,
        "sam",
        channel,
        "outbound",
        now - timedelta(days=10),
        "delivered",
        "Robotics at " + settings.company.name,
        "Hi Ada, your work on motion planning caught my eye. Would you like to talk?",
    )
    candidate = CandidateView(
        "c-sample",
        "Ada Lovelace",
        "Ada",
        "ada.lovelace@example.com",
        "https://www.linkedin.com/in/ada-lovelace",
        "Analytical Engines Ltd",
        "Senior Robotics Engineer",
        "London, UK",
        "Europe/London",
        "prospect",
        False,
        None,
    )
    return ThreadContext(
        thread=ThreadView(
            f"c-sample:{role_id}:{channel}", "c-sample", role_id, channel, "sam", "tp-sample"
        ),
        candidate=candidate,
        role=models.Role(
            role_id=role_id,
            title="Staff Controls Engineer",
            status="open",
            hiring_manager="Dana Whitfield",
            location="Boston, MA",
        ),
        recruiter=models.Recruiter(recruiter="sam", name="Sam Carter", status="active"),
        initial=initial,
        touchpoints=[initial],
        suppressions=[],
        settings=settings,
        now=now,
    )


def template_names(settings: Settings) -> tuple[list[str], list[str]]:
    """(templates the scheduler may use, .j2 files in templates_dir it never will)."""
    names = {p.name for p in BUILTIN_TEMPLATES.glob("*.j2")}
    unused = []
    folder = settings.resolve_path(settings.drafting.templates_dir)
    if folder.is_dir():
        for path in sorted(folder.rglob("*.j2")):
            name = path.relative_to(folder).as_posix()
            if _usable(name):
                names.add(name)
            else:
                unused.append(name)
    return sorted(names, key=lambda n: (n.count("/"), n)), unused


def _usable(name: str) -> bool:
    parts = name.split("/")
    if len(parts) == 1:
        return Path(name).stem in CHANNELS
    return len(parts) == 3 and parts[0] == "roles" and Path(parts[2]).stem in CHANNELS


def check_templates(settings: Settings, role_ids: set[str] | None = None) -> list[dict[str, Any]]:
    """One result per template: {template, ok, error, flags}, flags being warning texts.

    With `role_ids` (the roles a store holds: `templates check --db`), a role's template
    for a role the store does not know is a warning: it would never be used.
    """
    book = TemplateBook(settings)
    names, unused = template_names(settings)
    results = []
    for name in names:
        parts = name.split("/")
        channel, role_id = Path(parts[-1]).stem, (parts[1] if len(parts) == 3 else None)
        result: dict[str, Any] = {"template": name, "ok": True, "error": None, "flags": []}
        try:
            rendered = book.render_with(
                book.named(name), sample_context(settings, channel, role_id)
            )
        except RenderProblem as problem:
            result.update(ok=False, error=str(problem))
        else:
            result["flags"] = [f"{f.code}: {f.message}" for f in text_flags(rendered.body)]
        if role_ids is not None and role_id is not None and role_id not in role_ids:
            result["flags"].append(f"never used: the store has no role {role_id!r}")
        results.append(result)
    for name in unused:
        results.append(
            {
                "template": name,
                "ok": True,
                "error": None,
                "flags": [
                    "never used: templates are <channel>.j2 or roles/<role_id>/<channel>.j2, "
                    f"with channel one of {', '.join(CHANNELS)}"
                ],
            }
        )
    return results
