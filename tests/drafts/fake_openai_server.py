"""An OpenAI-compatible chat server on loopback, for tests and the benchmark.

It answers ``POST /v1/chat/completions`` the way a real server does (JSON in, JSON out,
HTTP/1.1 keep-alive), so the real ``openai`` client talks to it over real HTTP. What it
answers is programmable: a function from the request body and its sequence number to a
`Reply`. It records every request body and counts the peak number in flight.

    with FakeOpenAI(latency_s=0.2) as server:
        settings.llm.base_url == server.base_url   # http://127.0.0.1:PORT/v1
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# How long a "hang" reply holds its connection at most: long past any test's timeout, yet
# bounded so a forgotten server never keeps a thread forever.
HANG_LIMIT_S = 60.0
DATA_BLOCK = re.compile(r"<candidate_data[^>]*>\n(.*?)\n</candidate_data>", re.S)


@dataclass
class Reply:
    """What the server answers to one request."""

    status: int = 200
    content: str | None = None  # None: a polite follow-up greeting the candidate
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer (until the server stops)
    # A malformed answer: this body exactly (bytes), or this JSON document, in place of a
    # completion, with this Content-Type.
    raw: bytes | None = None
    document: Any = None
    content_type: str = "application/json"
    trickle_s: float = 0.0  # send the body one byte at a time, this long apart


Behaviour = Callable[[dict[str, Any], int], Reply]


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops connects when many clients open at once,
    # and the kernel's SYN retry then adds a second to those requests.
    request_queue_size = 128


def data_block(body: dict[str, Any]) -> dict[str, Any] | None:
    """The candidate data block of a recorded request, parsed; None when there is none."""
    for message in body.get("messages", []):
        if message.get("role") == "user":
            found = DATA_BLOCK.search(message.get("content") or "")
            if found:
                return json.loads(found.group(1))
    return None


def polite_answer(body: dict[str, Any]) -> str:
    """A plausible model answer: greets the candidate by the first name it was given."""
    data = data_block(body) or {}
    first = (data.get("candidate") or {}).get("first_name") or "there"
    role = (data.get("role") or {}).get("title") or "the role"
    sender = (data.get("recruiter") or {}).get("name") or ""
    return (
        f"Hi {first},\n\nI wanted to follow up on my earlier note about the {role} opening. "
        "Would a short call in the next week or two suit you?\n\n"
        f"Best,\n{sender}"
    ).strip()


def succeed(_body: dict[str, Any], _n: int) -> Reply:
    """Always a good answer."""
    return Reply()


def rate_limited_first(body: dict[str, Any], n: int) -> Reply:
    """The first request gets 429 with Retry-After: 1; every later one succeeds."""
    if n == 1:
        return Reply(status=429, headers={"Retry-After": "1"})
    return Reply()


def always_500(_body: dict[str, Any], _n: int) -> Reply:
    """A broken server."""
    return Reply(status=500)


def hang(_body: dict[str, Any], _n: int) -> Reply:
    """A server that accepts the request and never answers."""
    return Reply(hang=True)


def cut_off(_body: dict[str, Any], _n: int) -> Reply:
    """An answer that hit max_tokens: finish_reason "length", half a sentence."""
    return Reply(content="Hi Ana,\n\nI wanted to follow up on", finish_reason="length")


def answering(content: str) -> Behaviour:
    """Always the given text."""
    return lambda _body, _n: Reply(content=content)


class FakeOpenAI:
    """The server, run in a background thread; a context manager."""

    def __init__(self, behaviour: Behaviour = succeed, *, latency_s: float = 0.0):
        self.behaviour = behaviour
        self.latency_s = latency_s
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # each request's headers, lower-case names
        self.in_flight = 0
        self.peak_in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        # A short poll interval: stopping the server waits for one poll.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """What goes into [llm] base_url."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def count(self) -> int:
        """Requests received so far (retries included)."""
        with self._lock:
            return len(self.requests)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stopping.set()  # releases hanging handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _begin(self, body: dict[str, Any], headers: dict[str, str]) -> int:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            return len(self.requests)

    def _end(self) -> None:
        with self._lock:
            self.in_flight -= 1


def _completion(body: dict[str, Any], reply: Reply, n: int) -> dict[str, Any]:
    content = polite_answer(body) if reply.content is None else reply.content
    prompt_chars = sum(len(m.get("content") or "") for m in body.get("messages", []))
    return {
        "id": f"chatcmpl-fake-{n}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": reply.finish_reason,
            }
        ],
        # Roughly four characters a token, like English text.
        "usage": {
            "prompt_tokens": prompt_chars // 4,
            "completion_tokens": len(content) // 4,
            "total_tokens": prompt_chars // 4 + len(content) // 4,
        },
    }


def _handler_for(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as real servers do: the client reuses its connections.
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the body waits for the
        # client's delayed ACK (~40 ms), which no real server makes you pay.
        disable_nagle_algorithm = True

        def log_message(self, *_args) -> None:  # quiet test output
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            body = json.loads(raw)
            n = server._begin(body, {k.lower(): v for k, v in self.headers.items()})
            try:
                reply = server.behaviour(body, n)
                if reply.hang:
                    server._stopping.wait(HANG_LIMIT_S)
                    self.close_connection = True
                    return
                if server.latency_s:
                    time.sleep(server.latency_s)
                if reply.raw is not None or reply.document is not None:
                    self._send(reply.status, reply.document, reply.headers, reply=reply)
                elif reply.status != 200:
                    error = {"error": {"message": f"fake error {reply.status}", "type": "fake"}}
                    self._send(reply.status, error, reply.headers)
                else:
                    self._send(200, _completion(body, reply, n), reply.headers, reply=reply)
            finally:
                server._end()

        def _send(self, status: int, payload: Any, headers=None, reply: Reply | None = None):
            reply = reply or Reply()
            data = reply.raw if reply.raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            # The client may have given up (a timeout): then there is nobody to tell.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                if not reply.trickle_s:
                    self.wfile.write(data)
                    return
                for index in range(len(data)):
                    if server._stopping.wait(reply.trickle_s):
                        return
                    self.wfile.write(data[index : index + 1])
                    self.wfile.flush()

    return Handler
