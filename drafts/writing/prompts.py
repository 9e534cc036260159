"""The LLM writer's prompts: `<channel>.llm.toml` templates, and what the model may see.

See drafts.writing.llm for the template format. Candidate, role and initial-message text
is never a template variable: it reaches the model only as ``data``, a labelled JSON block
in which ``<``, ``>``, ``&`` and every invisible or control character are escaped, so no
value can close the block or hide text in it. The candidate's ATS notes are not sent.
No openai import here: the review desk rebuilds a prompt to recheck an edited LLM draft.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
import unicodedata
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError, TemplateNotFound

from drafts.rules.context import ThreadContext
from drafts.rules.pipeline import LlmText
from drafts.writing.bounded import render_bounded
from drafts.writing.render import RenderProblem, TemplateBook, template_context
from store.config import LlmSettings, Settings

TEMPLATE_KEYS = {"system", "user", "model", "temperature", "max_tokens", "min_chars", "max_chars"}
# Candidate fields sent to the model (ATS notes stay home: they hold pay and feedback).
SENT_FIELDS = {"first_name", "full_name", "company", "title", "location"}
# Bounds of a template that does not name its own.
DEFAULT_MIN_CHARS = 40


@dataclass(frozen=True)
class LlmTemplate:
    """One parsed, compiled ``.llm.toml`` file."""

    name: str
    system: Any
    user: Any
    model: str | None
    temperature: float
    max_tokens: int
    min_chars: int
    max_chars: int


@dataclass(frozen=True)
class Prompt:
    """The request for one thread, ready to send."""

    template: LlmTemplate
    request: dict[str, Any]
    prompt_hash: str
    context_text: str  # everything the model was shown: contacts in it are verified


def _escape_char(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # JSON spells astral characters as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _needs_escape(char: str) -> bool:
    if char in "<>&":
        return True
    # json.dumps already escaped control characters inside strings: a newline left is layout.
    category = unicodedata.category(char)
    return category in ("Cf", "Co", "Cs", "Zl", "Zp") or (category == "Cc" and char != "\n")


def data_block(data: dict[str, Any]) -> str:
    """Untrusted values as a labelled JSON block that no value can break out of."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = "".join(_escape_char(c) if _needs_escape(c) else c for c in text)
    return f'<candidate_data format="json">\n{text}\n</candidate_data>'


def thread_data(ctx: ThreadContext) -> dict[str, Any]:
    """What the model may know about the thread: plain values, no notes, no contacts."""
    values = template_context(ctx)
    candidate = values["candidate"]
    return {
        "candidate": {k: candidate[k] for k in sorted(SENT_FIELDS)},
        "role": {k: values["role"][k] for k in ("title", "location", "hiring_manager")},
        "recruiter": {"name": values["recruiter"]["name"]},
        "our_company": values["company"]["name"],
        "initial_message": {k: values["initial"][k] for k in ("channel", "sent_on", "subject")}
        | {"body": values["initial"]["body"]},
        "days_since_initial": values["days_since"],
    }


class PromptBook:
    """The LLM templates, found and compiled once, in the body templates' sandbox."""

    def __init__(self, book: TemplateBook):
        self.book = book
        self._cache: dict[tuple[str, str | None], LlmTemplate] = {}

    def names_for(self, channel: str, role_id: str | None) -> list[str]:
        """Files tried for a thread: the role's own first, then the channel's."""
        return [n.removesuffix(".j2") + ".llm.toml" for n in self.book.names_for(channel, role_id)]

    def template_for(self, channel: str, role_id: str | None) -> LlmTemplate:
        """The compiled LLM template for a channel (and role), or RenderProblem."""
        key = (channel, role_id)
        if key not in self._cache:
            self._cache[key] = self._load(self.names_for(channel, role_id))
        return self._cache[key]

    def _load(self, names: list[str]) -> LlmTemplate:
        env = self.book.env
        for name in names:
            try:
                source, _filename, _uptodate = env.loader.get_source(env, name)
            except TemplateNotFound:
                continue
            return _parse(env, name, source, self.book.settings)
        raise RenderProblem(f"no LLM template: none of {', '.join(names)}")


def _parse(env, name: str, source: str, settings: Settings) -> LlmTemplate:
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise RenderProblem(f"template {name}: not valid TOML: {exc}") from None
    unknown = sorted(set(raw) - TEMPLATE_KEYS)
    if unknown:
        raise RenderProblem(f"template {name}: unknown key(s) {', '.join(unknown)}")
    prompts = {}
    for key in ("system", "user"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RenderProblem(f"template {name}: `{key}` must be a non-empty string")
        try:
            prompts[key] = env.from_string(raw[key].strip())
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f", line {line} of the {key} prompt" if line else f" ({key} prompt)"
            raise RenderProblem(f"template {name}{where}: {exc}") from None
    numbers = {
        "temperature": (raw.get("temperature", 0.4), 0, 2),
        "max_tokens": (raw.get("max_tokens", 400), 1, 8000),
        "min_chars": (raw.get("min_chars", DEFAULT_MIN_CHARS), 1, settings.drafting.max_body_chars),
        "max_chars": (raw.get("max_chars", settings.drafting.max_body_chars), 1, 20_000),
    }
    for key, (value, low, high) in numbers.items():
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not low <= value <= high:
            raise RenderProblem(f"template {name}: {key} must be a number from {low} to {high}")
    model = raw.get("model")
    if model is not None and not (isinstance(model, str) and model.strip()):
        raise RenderProblem(f"template {name}: model must be a non-empty string")
    return LlmTemplate(
        name=name,
        system=prompts["system"],
        user=prompts["user"],
        model=model,
        temperature=float(numbers["temperature"][0]),
        max_tokens=int(numbers["max_tokens"][0]),
        min_chars=int(numbers["min_chars"][0]),
        max_chars=int(numbers["max_chars"][0]),
    )


def build_prompt(template: LlmTemplate, ctx: ThreadContext, llm: LlmSettings) -> Prompt:
    """Render both prompts for a thread; the data block goes only where {{ data }} says."""
    block = data_block(thread_data(ctx))
    variables = {
        "company": {"name": ctx.settings.company.name},
        "channel": ctx.thread.channel,
        "days_since": (ctx.now - ctx.initial.occurred_at).days,
        "min_chars": template.min_chars,
        "max_chars": template.max_chars,
        "data": block,
    }
    try:
        system = render_bounded(template.system, variables).strip()
        user = render_bounded(template.user, variables).strip()
    except Exception as exc:
        # The prompts run in the body templates' sandbox and bounds (bounded.py): a runaway
        # or failing prompt is that thread's template error, never the whole run's.
        message = exc if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
        raise RenderProblem(f"template {template.name}: {message}") from None
    if user.count(block) != 1 or block in system:
        raise RenderProblem(
            f"template {template.name}: the user prompt must hold {{{{ data }}}} exactly once, "
            "and the system prompt not at all"
        )
    request = {
        "model": template.model or llm.model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        "temperature": template.temperature,
        "max_tokens": template.max_tokens,
    }
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
    return Prompt(template, request, digest, f"{system}\n{user}")


def text_bounds(settings: Settings, ctx: ThreadContext) -> LlmText:
    """What an LLM draft of this thread is checked against when its text changes: the
    prompt as its template builds it now, and the template's length bounds (the defaults,
    and the data block alone as the prompt, when the template cannot be read)."""
    # The opt-out line is ours, added after the model wrote: an address in it is not made up.
    ours = "\n" + settings.send.opt_out_line
    try:
        book = PromptBook(TemplateBook(settings))
        template = book.template_for(ctx.thread.channel, ctx.thread.role_id)
        prompt = build_prompt(template, ctx, settings.llm)
    except RenderProblem:
        limit = settings.drafting.max_body_chars
        return LlmText(data_block(thread_data(ctx)) + ours, DEFAULT_MIN_CHARS, limit)
    return LlmText(prompt.context_text + ours, template.min_chars, template.max_chars)
