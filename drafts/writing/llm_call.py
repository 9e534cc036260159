"""One chat completion, bounded in time and read with suspicion.

The server at ``[llm] base_url`` is outside our control: it may trickle its answer a byte a
second, answer 200 with an HTML page, invalid JSON, ``"choices": "nope"``, a null message,
a list for content, or an error object. None of that may cost more than its thread's draft:
every failure here is an LlmFailure with one line a reviewer can read (control characters
stripped, length bounded), which the writer turns into that thread's ``llm_fallback``.

Time: ``timeout_s`` bounds each attempt from its first byte sent to its last byte read
(wall-clock, so a trickling body cannot stretch it), and all attempts of one thread,
waits between them included, share a total deadline of ``timeout_s × (max_retries + 1)``.
Retried: timeouts, connection errors, 408, 409, 429 and 5xx, after what ``Retry-After`` /
``retry-after-ms`` asks (when it fits before the deadline) or else a backoff of 0.5 s
doubling to 8 s. The client's own retries are off: they cannot see a wall clock.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
from dataclasses import dataclass
from typing import Any

from openai import APIConnectionError, APIStatusError, APITimeoutError, AsyncOpenAI, OpenAIError

from drafts.rules.flags import quote
from store.config import LlmSettings

RETRY_STATUSES = {408, 409, 429}
FIRST_BACKOFF_S = 0.5
LAST_BACKOFF_S = 8.0


class LlmFailure(Exception):
    """The model gave no usable draft; the message is one line, safe to show and store."""


@dataclass(frozen=True)
class Answer:
    """What a well-formed completion said."""

    body: str
    finish_reason: str
    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None


def total_deadline_s(llm: LlmSettings) -> float:
    """How long one thread's request may take, every retry and wait included."""
    return llm.timeout_s * (llm.max_retries + 1)


def retry_after_s(headers: Any) -> float | None:
    """The server's requested wait (retry-after-ms, Retry-After seconds or date), or None."""
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value) / divisor, 0.0)
        except ValueError:
            pass
    parsed = email.utils.parsedate_tz(headers.get("retry-after") or "")
    return None if parsed is None else max(email.utils.mktime_tz(parsed) - time.time(), 0.0)


async def complete(client: AsyncOpenAI, request: dict[str, Any], llm: LlmSettings) -> Answer:
    """One completion within the deadlines above, or LlmFailure."""
    started = time.monotonic()
    deadline = started + total_deadline_s(llm)
    attempts = 0
    while True:
        attempts += 1
        budget = min(llm.timeout_s, deadline - time.monotonic())
        try:
            status, content = await asyncio.wait_for(_attempt(client, request), budget)
            return parse_answer(status, content)
        except (TimeoutError, APITimeoutError):
            problem = f"no complete answer within {llm.timeout_s:g}s"
            wait = _backoff(attempts)
        except APIStatusError as error:
            problem = f"HTTP {error.status_code} from the model server: {quote(error.message)}"
            if error.status_code not in RETRY_STATUSES and error.status_code < 500:
                raise LlmFailure(f"{problem} ({attempts} attempt(s))") from None
            asked = retry_after_s(error.response.headers if error.response else None)
            wait = asked if asked is not None else _backoff(attempts)
        except APIConnectionError:
            problem = f"cannot reach {llm.base_url}"
            wait = _backoff(attempts)
        except OpenAIError as error:
            raise LlmFailure(quote(f"{type(error).__name__}: {error}")) from None
        if attempts > llm.max_retries or time.monotonic() + wait >= deadline:
            spent = time.monotonic() - started
            raise LlmFailure(f"{problem} ({attempts} attempt(s) in {spent:.0f}s)") from None
        await asyncio.sleep(wait)


async def _attempt(client: AsyncOpenAI, request: dict[str, Any]) -> tuple[int, bytes]:
    # The raw response: the body is ours to parse, so a malformed one is a failure we name,
    # never an AttributeError from a model object built out of it.
    raw = await client.chat.completions.with_raw_response.create(**request)
    return raw.status_code, raw.content


def _backoff(attempts: int) -> float:
    return min(FIRST_BACKOFF_S * 2 ** (attempts - 1), LAST_BACKOFF_S) * (1 - 0.25 * random.random())


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_answer(status: int, content: bytes) -> Answer:
    """A chat completion's text and counts from the raw body, or LlmFailure naming the fault."""
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        shown = quote(content[:200].decode("utf-8", "replace"))
        raise LlmFailure(f"the server's answer (HTTP {status}) is not JSON: {shown}") from None
    if not isinstance(document, dict):
        raise LlmFailure(f"the server's answer is JSON but not an object: {quote(str(document))}")
    error = document.get("error")
    if error:
        message = error.get("message") if isinstance(error, dict) else error
        raise LlmFailure(f"the server answered with an error: {quote(str(message))}")
    choices = document.get("choices")
    if not isinstance(choices, list) or not choices:
        raise LlmFailure("the server's answer holds no list of choices")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice, dict) else None
    if not isinstance(message, dict):
        raise LlmFailure("the server's first choice holds no message")
    text = message.get("content")
    if not isinstance(text, str):
        kind = "null" if text is None else type(text).__name__
        raise LlmFailure(f"the message content is {kind}, not text")
    usage = document.get("usage") if isinstance(document.get("usage"), dict) else {}
    model = document.get("model")
    return Answer(
        body=text,
        finish_reason=quote(str(choice.get("finish_reason"))),
        model=quote(model) if isinstance(model, str) and model.strip() else None,
        prompt_tokens=_count(usage.get("prompt_tokens")),
        completion_tokens=_count(usage.get("completion_tokens")),
    )
