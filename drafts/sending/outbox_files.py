"""Which files of an outbox folder hold given drafts: after `forget`, a person deletes them.

The outbox transport names each message `<channel>-<draft id, 6 digits>.eml` and appends a
line per message to index.jsonl (drafts.sending.transports.OutboxTransport).
"""

from __future__ import annotations

import json
from pathlib import Path


def outbox_files_for(folder: Path, draft_ids: list[int]) -> list[str]:
    """The .eml files of these drafts, and index.jsonl (with its line numbers) when it
    names them: what a person must delete by hand, the store no longer knows them."""
    if not draft_ids or not folder.is_dir():
        return []
    wanted = set(draft_ids)
    found = sorted(
        str(path)
        for draft_id in wanted
        for path in folder.glob(f"*-{draft_id:06d}.eml")
        if path.is_file()
    )
    index = folder / "index.jsonl"
    if index.is_file():
        lines = []
        with index.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and entry.get("draft_id") in wanted:
                    lines.append(number)
        if lines:
            found.append(f"{index} (lines {', '.join(map(str, lines))})")
    return found
