"""Writing a follow-up from a Jinja template, sandboxed, with every variable required.

Templates see only plain values (strings and numbers), never store objects: a template
can neither reach the database nor call methods on it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)

from drafts.rules.context import ThreadContext
from drafts.rules.flags import Flag
from drafts.writing.bounded import RENDER_SECONDS, BoundedSandbox, RenderTimedOut, render_bounded
from store.config import Settings
from store.enums import Channel
from store.words import MONTHS, reply_subject

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"


class RenderProblem(Exception):
    """A template could not produce a usable draft; says which template and line."""


@dataclass(frozen=True)
class Rendered:
    """A follow-up's text and where it came from."""

    subject: str | None
    body: str
    template: str


def follow_up_subject(ctx: ThreadContext) -> str | None:
    """An email follow-up answers the initial message: "Re: <its subject>". InMail has none."""
    if ctx.thread.channel != Channel.EMAIL:
        return None
    return reply_subject(ctx.initial.subject)


def template_context(ctx: ThreadContext) -> dict[str, Any]:
    """The variables a template may use: plain values only.

    Unknown optional fields are empty strings, never the word "None".
    """
    candidate = ctx.candidate
    role = ctx.role
    recruiter = ctx.recruiter
    initial = ctx.initial
    recruiter_name = (recruiter.name if recruiter else None) or ctx.thread.recruiter or ""
    sent = initial.occurred_at
    return {
        "candidate": {
            "first_name": candidate.first_name or "",
            "full_name": candidate.full_name or "",
            "company": candidate.company or "",
            "title": candidate.title or "",
            "location": candidate.location or "",
        },
        "role": {
            "id": (role.role_id if role else ctx.thread.role_id) or "",
            "title": (role.title if role else None) or "",
            "location": (role.location if role else None) or "",
            "hiring_manager": (role.hiring_manager if role else None) or "",
            "status": (role.status if role else None) or "",
        },
        "recruiter": {
            "handle": ctx.thread.recruiter or "",
            "name": recruiter_name,
            "first_name": recruiter_name.split()[0] if recruiter_name.strip() else "",
            "email": (recruiter.email if recruiter else None) or "",
        },
        "initial": {
            "subject": initial.subject or "",
            "body": initial.body or "",
            "channel": initial.channel,
            # Spelled out here: strftime's %B follows the process locale.
            "sent_on": f"{sent.day} {MONTHS[sent.month - 1]}",
        },
        "days_since": (ctx.now - sent).days,
        "company": {"name": ctx.settings.company.name},
        # A template may place the line itself; the scheduler then does not add it again.
        "opt_out_line": ctx.settings.send.opt_out_line,
    }


class TemplateBook:
    """The team's templates (from templates_dir) over the built-in ones, compiled once."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.user_dir = settings.resolve_path(settings.drafting.templates_dir)
        loaders = [FileSystemLoader(str(self.user_dir))] if self.user_dir.is_dir() else []
        loaders.append(FileSystemLoader(str(BUILTIN_TEMPLATES)))
        self.env = BoundedSandbox(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
        )
        self._cache: dict[tuple[str, str | None], Any] = {}  # a template or its RenderProblem
        # A template that ran out of time once in this run is not run again: at two seconds
        # a thread, a runaway loop would otherwise hold a team's run for an hour.
        self._timed_out: dict[str, RenderProblem] = {}
        self.seconds = RENDER_SECONDS

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
                self._cache[key] = RenderProblem(f"no template for channel {channel!r}")
            except TemplateSyntaxError as exc:
                self._cache[key] = RenderProblem(_describe(exc, exc.name, exc.lineno))
            except (TemplateError, OSError, UnicodeDecodeError) as exc:
                names = " or ".join(self.names_for(channel, role_id))
                self._cache[key] = RenderProblem(f"cannot read template {names}: {exc}")
        # A broken template is reported once per thread, but parsed only once per run.
        found = self._cache[key]
        if isinstance(found, RenderProblem):
            raise found
        return found

    def named(self, name: str):
        """One template by name (e.g. "roles/r-1/email.j2"), or RenderProblem."""
        try:
            return self.env.get_template(name)
        except TemplateSyntaxError as exc:
            raise RenderProblem(_describe(exc, exc.name or name, exc.lineno)) from None
        except TemplateNotFound:
            raise RenderProblem(f"template {name}: not found") from None
        except (TemplateError, OSError, UnicodeDecodeError) as exc:
            raise RenderProblem(f"template {name}: cannot read it: {exc}") from None

    def render(self, ctx: ThreadContext) -> Rendered:
        """Write the follow-up for a thread, or raise RenderProblem (never half a draft)."""
        return self.render_with(self.template_for(ctx.thread.channel, ctx.thread.role_id), ctx)

    def render_with(self, template, ctx: ThreadContext) -> Rendered:
        """Write the follow-up for a thread with this compiled template, or RenderProblem."""
        if template.name in self._timed_out:
            raise self._timed_out[template.name]
        try:
            body = render_bounded(template, template_context(ctx), seconds=self.seconds).strip()
        except Exception as exc:
            # Any failure inside a user's template (an undefined name, a blocked attribute,
            # a division by zero, a bound of bounded.py) costs that thread its draft, never
            # the whole run.
            message = exc if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
            problem = RenderProblem(
                _describe(message, template.name, _template_line(exc, template))
            )
            if isinstance(exc, RenderTimedOut):
                self._timed_out[template.name] = problem
            raise problem from None
        if not body:
            raise RenderProblem(f"template {template.name} rendered an empty body")
        limit = self.settings.drafting.max_body_chars
        if len(body) > limit:
            raise RenderProblem(
                f"template {template.name} rendered {len(body):,} characters; "
                f"the limit is drafting.max_body_chars = {limit:,}"
            )
        return Rendered(subject=follow_up_subject(ctx), body=body, template=template.name)


def _template_line(exc: BaseException, template) -> int | None:
    # Jinja rewrites tracebacks so template frames carry the template's file and line.
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == template.filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException | str, name: str | None, line: int | None) -> str:
    where = f"template {name or '?'}" + (f", line {line}" if line else "")
    message = getattr(exc, "message", None) or str(exc)
    return f"{where}: {message}"


def write_default_templates(target: Path) -> list[Path]:
    """Copy the built-in templates into a team's folder (keeping any that exist)."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    shipped = [*BUILTIN_TEMPLATES.glob("*.j2"), *BUILTIN_TEMPLATES.glob("*.llm.toml")]
    for source in sorted(shipped):
        destination = target / source.name
        if not destination.exists():
            shutil.copyfile(source, destination)
            written.append(destination)
    return written


class Renderer(Protocol):
    """Turns due threads into text: the Jinja book, or the LLM writer."""

    def render_all(
        self, contexts: list[ThreadContext], advance: Callable[[int], None]
    ) -> list[tuple[Rendered | RenderProblem, list[Flag], dict[str, Any] | None]]: ...


class JinjaRenderer:
    """Renders every due thread from the team's Jinja templates."""

    def __init__(self, settings: Settings):
        self.book = TemplateBook(settings)

    def render_all(self, contexts, advance):
        """Render each context; a problem is returned in place of a text, never raised."""
        results = []
        for ctx in contexts:
            try:
                results.append((self.book.render(ctx), [], None))
            except RenderProblem as problem:
                results.append((problem, [], None))
            advance(1)
        return results
