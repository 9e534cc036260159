"""Follow-ups written by a model, through the official ``openai`` client, safe to review.

Used when ``[drafting] engine = "llm"``. Every due thread gets one chat completion from the
OpenAI-compatible server at ``[llm] base_url``; what comes back is checked
(drafts.rules.llm_checks) and goes into the same review queue as any draft. When the model fails
(an HTTP error after the client's retries, a timeout, ``finish_reason`` other than
``stop``, an empty or over-long answer) the draft is written from the channel's Jinja
template instead and carries the warning ``llm_fallback`` with the error: nothing empty
ever reaches review.

LLM templates
-------------
A TOML file per channel, ``<channel>.llm.toml``, looked up like body templates: first
``roles/<role_id>/<channel>.llm.toml`` then ``<channel>.llm.toml`` in ``templates_dir``,
then the built-ins beside this module. Keys (unknown keys are an error)::

    system = "..."          # required, Jinja: the instructions
    user = "..."            # required, Jinja: must contain {{ data }} exactly once
    model = "gpt-4o-mini"   # optional; default [llm] model
    temperature = 0.4       # 0..2, default 0.4
    max_tokens = 400        # 1..8000, default 400 (sent as max_tokens)
    min_chars = 80          # length bounds the output check warns outside of
    max_chars = 1200        # (defaults 40 and [drafting] max_body_chars)

Both prompts render in the body templates' sandbox (StrictUndefined) and see only values
we own: ``company.name``, ``channel``, ``days_since``, ``min_chars``, ``max_chars`` and
``data``. Candidate, role and initial-message text is never a template variable: it
reaches the model only as ``data``, a labelled JSON block::

    <candidate_data format="json">
    {"candidate": {...}, "role": {...}, "recruiter": {...}, "initial_message": {...}}
    </candidate_data>

in which ``<``, ``>``, ``&`` and every invisible or control character are \\u-escaped, so
no value can close the block or hide text in it. The candidate's ATS notes are not sent.
The model gets no tools.

Transport (drafts.writing.llm_call): ``timeout_s`` bounds each attempt wall-clock, body
included; a thread's attempts and the waits between them share a total deadline of
``timeout_s × (max_retries + 1)``; connection errors, timeouts, 408, 409, 429 and 5xx are
retried. Any malformed answer (not JSON, no choices, a null message, content that is not
text, an error object with status 200) is that thread's ``llm_fallback``. At most
``concurrency`` requests are in flight.

Each draft's ``llm_meta`` records model, prompt_hash (sha256 of the request), tokens,
latency_ms, the LLM template and, after a fallback, the error.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from openai import AsyncOpenAI

from drafts.rules.context import ThreadContext
from drafts.rules.flags import WARN, Flag, quote
from drafts.rules.injection import injection_flag
from drafts.rules.llm_checks import output_flags
from drafts.writing.llm_call import Answer, LlmFailure, complete
from drafts.writing.prompts import SENT_FIELDS, Prompt, PromptBook, build_prompt
from drafts.writing.render import Rendered, RenderProblem, TemplateBook, follow_up_subject
from store.config import LlmSettings, Settings

# Local servers (vLLM, Ollama, llama.cpp) want no key, but the client insists on one.
LOCAL_KEY = "no-key-for-local-server"
Result = tuple[Rendered | RenderProblem, list[Flag], dict[str, Any] | None]


def make_client(llm: LlmSettings) -> AsyncOpenAI:
    """The official async client; llm_call retries, under a wall clock the client lacks."""
    return AsyncOpenAI(
        base_url=llm.base_url,
        api_key=os.environ.get(llm.api_key_env) or LOCAL_KEY,
        timeout=llm.timeout_s,
        max_retries=0,
    )


def _run(coroutine):
    """Run to completion from sync code, even when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class LlmRenderer:
    """The scheduler's Renderer for ``engine = "llm"`` (see the module doc)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.book = TemplateBook(settings)
        self.prompts = PromptBook(self.book)

    def render_all(
        self, contexts: list[ThreadContext], advance: Callable[[int], None]
    ) -> list[Result]:
        """One result per context, in order; advance(1) as each request finishes."""
        if not contexts:
            return []
        return _run(self._render_all(contexts, advance))

    async def _render_all(self, contexts, advance) -> list[Result]:
        # The semaphore, not the connection pool, bounds requests: the pool would queue
        # requests silently and count the wait against each request's timeout.
        bound = asyncio.Semaphore(self.settings.llm.concurrency)
        async with make_client(self.settings.llm) as client:
            return list(
                await asyncio.gather(*(self._one(client, bound, ctx, advance) for ctx in contexts))
            )

    async def _one(self, client, bound, ctx, advance) -> Result:
        try:
            return await self._draft(client, bound, ctx)
        finally:
            advance(1)

    async def _draft(self, client: AsyncOpenAI, bound: asyncio.Semaphore, ctx) -> Result:
        try:
            template = self.prompts.template_for(ctx.thread.channel, ctx.thread.role_id)
            prompt = build_prompt(template, ctx, self.settings.llm)
        except RenderProblem as problem:
            return problem, [], None
        flags = [f for f in (injection_flag(ctx, SENT_FIELDS),) if f is not None]
        started = time.perf_counter()
        try:
            async with bound:
                started = time.perf_counter()
                answer = await complete(client, prompt.request, self.settings.llm)
            body = self._answer(answer)
        except Exception as error:
            # Whatever the server did (LlmFailure names it), and even a fault of ours in
            # reading it, costs this thread the model's draft, never the run its drafts.
            latency = round((time.perf_counter() - started) * 1000)
            return self._fallback(ctx, prompt, error, latency, flags)
        latency = round((time.perf_counter() - started) * 1000)
        meta = {
            "model": answer.model or prompt.request["model"],
            "prompt_hash": prompt.prompt_hash,
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "latency_ms": latency,
            "llm_template": prompt.template.name,
        }
        flags += output_flags(
            body,
            ctx,
            context_text=prompt.context_text,
            min_chars=prompt.template.min_chars,
            max_chars=prompt.template.max_chars,
        )
        return Rendered(follow_up_subject(ctx), body, prompt.template.name), flags, meta

    def _answer(self, answer: Answer) -> str:
        """The draft's text, or LlmFailure: a cut-off, empty or over-long answer is no draft."""
        if answer.finish_reason != "stop":
            raise LlmFailure(f"the model stopped early (finish_reason = {answer.finish_reason})")
        body = answer.body.strip()
        if not body:
            raise LlmFailure("the model returned an empty answer")
        limit = self.settings.drafting.max_body_chars
        if len(body) > limit:
            raise LlmFailure(f"the answer has {len(body):,} characters; the limit is {limit:,}")
        return body

    def _fallback(self, ctx, prompt: Prompt, error, latency: int, flags: list[Flag]) -> Result:
        """The channel's Jinja template instead, flagged with the model's error."""
        if isinstance(error, LlmFailure):
            reason = str(error)
        else:
            reason = quote(f"unexpected {type(error).__name__}: {error}")
        try:
            text = self.book.render(ctx)
        except RenderProblem as problem:
            return RenderProblem(f"the model failed ({reason}), and so did {problem}"), [], None
        fallback = Flag(
            "llm_fallback",
            WARN,
            f"The model failed ({reason}); this draft is the {text.template} template",
            {"error": reason, "template": text.template, "quote": quote(reason)},
        )
        meta = {
            "model": prompt.request["model"],
            "prompt_hash": prompt.prompt_hash,
            "prompt_tokens": None,
            "completion_tokens": None,
            "latency_ms": latency,
            "llm_template": prompt.template.name,
            "error": reason,
            "fallback_template": text.template,
        }
        return text, [fallback, *flags], meta
