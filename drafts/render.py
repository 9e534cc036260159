"""Writing a follow-up from a Jinja template, sandboxed, with every variable required.

Templates see only plain values (strings and numbers), never store objects: a template
can neither reach the database nor call methods on it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment

from drafts.context import ThreadContext
from store.config import Settings

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"


class RenderProblem(Exception):
    """A template could not produce a usable draft; says which template and line."""


@dataclass(frozen=True)
class Rendered:
    """A follow-up's text and where it came from."""

    subject: str | None
    body: str
    template: str


def _none_to_empty(values: dict[str, Any]) -> dict[str, Any]:
    # Unknown optional fields render as nothing, not as the word "None".
    return {k: ("" if v is None else v) for k, v in values.items()}


def template_context(ctx: ThreadContext) -> dict[str, Any]:
    """The variables a template may use: plain values only."""
    candidate = ctx.candidate
    role = ctx.role
    recruiter = ctx.recruiter
    recruiter_name = (
        recruiter.name if recruiter and recruiter.name else ctx.thread.recruiter
    ) or ""
    return {
        "candidate": _none_to_empty(
            {
                "first_name": candidate.first_name,
                "full_name": candidate.full_name,
                "company": candidate.company,
                "title": candidate.title,
                "location": candidate.location,
            }
        ),
        "role": _none_to_empty(
            {
                "id": role.role_id if role else ctx.thread.role_id,
                "title": role.title if role else "",
                "location": role.location if role else "",
                "hiring_manager": role.hiring_manager if role else "",
                "status": role.status if role else "",
            }
        ),
        "recruiter": _none_to_empty(
            {
                "handle": ctx.thread.recruiter,
                "name": recruiter_name,
                "first_name": recruiter_name.split()[0] if recruiter_name else "",
                "email": recruiter.email if recruiter else "",
            }
        ),
        "initial": _none_to_empty(
            {
                "subject": ctx.initial.subject,
                "body": ctx.initial.body,
                "channel": ctx.initial.channel,
                "sent_on": f"{ctx.initial.occurred_at.day} {ctx.initial.occurred_at:%B}",
            }
        ),
        "days_since": (ctx.now - ctx.initial.occurred_at).days,
        "company": {"name": ctx.settings.company.name},
    }


class TemplateBook:
    """The team's templates (from templates_dir) over the built-in ones, compiled once."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.user_dir = settings.resolve_path(settings.drafting.templates_dir)
        loaders = [FileSystemLoader(str(self.user_dir))] if self.user_dir.is_dir() else []
        loaders.append(FileSystemLoader(str(BUILTIN_TEMPLATES)))
        self.env = SandboxedEnvironment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
        )
        self._cache: dict[tuple[str, str | None], Any] = {}

    def names_for(self, channel: str, role_id: str | None) -> list[str]:
        """Template names tried for a thread: the role's own first, then the channel's."""
        names = [f"roles/{role_id}/{channel}.j2"] if role_id else []
        return [*names, f"{channel}.j2"]

    def template_for(self, channel: str, role_id: str | None):
        """The compiled template for a channel (and role), or RenderProblem."""
        key = (channel, role_id)
        if key not in self._cache:
            try:
                self._cache[key] = self.env.select_template(self.names_for(channel, role_id))
            except TemplateNotFound:
                raise RenderProblem(f"no template for channel {channel!r}") from None
            except TemplateSyntaxError as exc:
                raise RenderProblem(_describe(exc, exc.name, exc.lineno)) from None
        return self._cache[key]

    def render(self, ctx: ThreadContext) -> Rendered:
        """Write the follow-up for a thread, or raise RenderProblem (never half a draft)."""
        template = self.template_for(ctx.thread.channel, ctx.thread.role_id)
        try:
            body = template.render(template_context(ctx)).strip()
        except TemplateError as exc:
            raise RenderProblem(
                _describe(exc, template.name, _template_line(exc, template))
            ) from None
        if not body:
            raise RenderProblem(f"template {template.name} rendered an empty body")
        limit = self.settings.drafting.max_body_chars
        if len(body) > limit:
            raise RenderProblem(
                f"template {template.name} rendered {len(body):,} characters; "
                f"the limit is drafting.max_body_chars = {limit:,}"
            )
        subject = None
        if ctx.thread.channel == "email":
            original = (ctx.initial.subject or "").strip()
            subject = original if original.lower().startswith("re:") else f"Re: {original}".strip()
        return Rendered(subject=subject, body=body, template=template.name)


def _template_line(exc: BaseException, template) -> int | None:
    # Jinja rewrites tracebacks so template frames carry the template's file and line.
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == template.filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException, name: str | None, line: int | None) -> str:
    where = f"template {name or '?'}" + (f", line {line}" if line else "")
    message = getattr(exc, "message", None) or str(exc)
    return f"{where}: {message}"


def write_default_templates(target: Path) -> list[Path]:
    """Copy the built-in templates into a team's folder (keeping any that exist)."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(BUILTIN_TEMPLATES.glob("*.j2")):
        destination = target / source.name
        if not destination.exists():
            shutil.copyfile(source, destination)
            written.append(destination)
    return written
