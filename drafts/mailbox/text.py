"""A message's own words: HTML turned into text by a parser, and quoted text left out.

HTML is never rendered, only read: tags become line breaks, scripts and styles vanish, and
a <blockquote> (where mail clients put the message being answered) is dropped whole.
Quoted text is cut by the forms mail clients write: `> ` lines, an "On … wrote:" line (in
the languages our candidates write in), Outlook's "-----Original Message-----" and its
"From: … Sent: …" header block; a signature after "-- " goes too. No library: these few
forms cover the clients that matter, and a wrong cut only ever keeps more of the message,
never less of the person's words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "section",
    "article",
    "hr",
    "pre",
}
_SKIPPED_TAGS = {"script", "style", "head", "title", "template", "noscript"}


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.quoting = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "blockquote":
            self.quoting += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.quoting = max(0, self.quoting - 1)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping and not self.quoting:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body, without the quoted message it answers."""
    reader = _TextOf()
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # noqa: BLE001  (the stdlib parser is lenient; a crash is still data)
        return re.sub(r"<[^>]*>", " ", html)
    lines = ("".join(reader.parts)).split("\n")
    text = "\n".join(" ".join(line.split()) for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# "On Mon, 2 Nov 2026 at 10:00, Sam <sam@x> wrote:" and its translations. A client may wrap
# it over two lines, so it is matched on a line and on a line joined with the next.
_REPLY_HEADER = re.compile(
    r"""^\s*(?:
        on\b.{0,200}\bwrote\s*:
      | le\b.{0,200}\ba\s+[ée]crit\s*:
      | am\b.{0,200}\bschrieb\b.{0,80}:
      | el\b.{0,200}\bescribi[óo]\s*:
      | il\b.{0,200}\bha\s+scritto\s*:
      | op\b.{0,200}\bschreef\b.{0,80}:
      | em\b.{0,200}\bescreveu\s*:
      | .{0,200}(?:@|\d).{0,200}\b(?:wrote|schrieb|a\s+écrit|escribió|ha\s+scritto|schreef
        |escreveu)\s*:
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_ORIGINAL = re.compile(
    r"^\s*(?:-{2,}\s*(?:original\s+message|ursprüngliche\s+nachricht|message\s+d'origine"
    r"|mensaje\s+original|forwarded\s+message)\s*-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)
_HEADER_FIELD = re.compile(
    r"^\s*\*?(?:from|von|de|sent|gesendet|envoyé|date|to|an|à|subject"
    r"|betreff|objet|asunto)\s*:\*?",
    re.IGNORECASE,
)


def _outlook_header_at(lines: list[str], i: int) -> bool:
    """A "From: …" line followed within three lines by another header field (Sent:, To:)."""
    if not re.match(r"^\s*\*?(?:from|von|de)\s*:", lines[i], re.IGNORECASE):
        return False
    following = lines[i + 1 : i + 4]
    return sum(1 for line in following if _HEADER_FIELD.match(line)) >= 2


def without_quoted(text: str) -> str:
    """The text a person wrote in this message: everything from the first sign of the
    message they answer (a reply header, an original-message separator) is cut, and
    `>`-quoted lines and a signature (after "-- ") are left out."""
    lines = text.split("\n")
    end = len(lines)
    for i, line in enumerate(lines):
        # "-- " opens a signature (RFC 3676): a footer's "unsubscribe" is nobody's request.
        signature = line.rstrip("\r") in ("-- ", "--")
        if (
            signature
            or _ORIGINAL.match(line)
            or _REPLY_HEADER.match(line)
            or _outlook_header_at(lines, i)
        ):
            end = i
            break
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and following.strip() and _REPLY_HEADER.match(f"{line} {following}"):
            end = i
            break
    kept = [line for line in lines[:end] if not line.lstrip().startswith(">")]
    return "\n".join(kept).strip()


def fold_line(line: str) -> str:
    """A line as compared with ours: case, spacing and curly apostrophes ignored."""
    return " ".join(line.replace("\u2019", "'").casefold().split())


def without_our_lines(text: str, ours: set[str]) -> str:
    """The text without the lines that are ours, word for word (see matching.our_lines)."""
    if not ours:
        return text
    kept = [line for line in text.split("\n") if fold_line(line) not in ours]
    return "\n".join(kept).strip()
