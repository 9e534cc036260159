"""A real SMTP server on loopback for the sender's tests and the benchmark.

`SmtpSink` runs aiosmtpd's Controller on a free 127.0.0.1 port and keeps every message it
accepted. Replies are programmable per recipient, so a test can say "451 once, then
accept", "550 5.1.1 for this one", or "take the message, then drop the connection before
answering" (the one case where the sender cannot know whether the message went).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller

# Said instead of a reply code: close the connection without answering.
DROP = "DROP"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    """One message the sink accepted (or swallowed before dropping the connection)."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes

    @property
    def message(self) -> Message:
        """The parsed message."""
        return message_from_bytes(self.content)

    @property
    def message_id(self) -> str:
        """Its Message-ID header."""
        return str(self.message["Message-ID"])


class _Handler:
    """aiosmtpd handler: answers from the programmed queues, else accepts."""

    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.sink._next_reply(self.sink.rcpt_replies, address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.data_delay_s:
            # A slow relay, so a test can kill the sender while a message is in flight.
            await asyncio.sleep(self.sink.data_delay_s)
        reply = None
        for address in envelope.rcpt_tos:
            reply = reply or self.sink._next_reply(self.sink.data_replies, address)
        if reply is not None and reply != DROP:
            return reply
        with self.sink.lock:
            self.sink.received.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
            )
        if reply == DROP:
            # The message is in; the sender never hears so. abort() closes at once.
            server.transport.abort()
            return "250 never heard"
        return "250 Message accepted for delivery"


class SmtpSink:
    """A loopback SMTP server whose replies a test programs per recipient address."""

    def __init__(self, data_delay_s: float = 0.0):
        self.port = free_port()
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.rcpt_replies: dict[str, deque[str]] = defaultdict(deque)
        self.data_replies: dict[str, deque[str]] = defaultdict(deque)
        self.data_delay_s = data_delay_s
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def _next_reply(self, table: dict[str, deque[str]], address: str) -> str | None:
        with self.lock:
            queue = table.get(address.lower())
            return queue.popleft() if queue else None

    def on_rcpt(self, address: str, *replies: str) -> None:
        """Answer RCPT TO for `address` with these replies, one per attempt, then accept."""
        with self.lock:
            self.rcpt_replies[address.lower()].extend(replies)

    def on_data(self, address: str, *replies: str) -> None:
        """Answer the end of DATA for a message to `address` with these (or DROP), then 250."""
        with self.lock:
            self.data_replies[address.lower()].extend(replies)

    def messages(self) -> list[Received]:
        """Every message accepted so far."""
        with self.lock:
            return list(self.received)

    def message_ids(self) -> list[str]:
        """The Message-ID of every accepted message, duplicates kept."""
        return [m.message_id for m in self.messages()]

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()
