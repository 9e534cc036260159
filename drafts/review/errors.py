"""What a reviewer is told when the store refuses a decision: each a FollowupsError."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drafts.rules.flags import Flag
from store import FollowupsError


class ReviewRefused(FollowupsError):
    """A decision the store refused; the message says why, for the reviewer."""


class StaleDraft(ReviewRefused):
    """The draft changed (or was decided) since the reviewer's view of it.

    `current` is the draft as the store holds it now (None when it is gone or unknown),
    so the app can show the fresh draft with the message.
    """

    def __init__(self, message: str, current: dict[str, Any] | None = None):
        super().__init__(message)
        self.current = current


class ClaimedElsewhere(ReviewRefused):
    """Another reviewer holds a live claim on the draft (`holder`, until `until`)."""

    def __init__(self, message: str, holder: str, until: datetime):
        super().__init__(message)
        self.holder = holder
        self.until = until


class BlockedDraft(ReviewRefused):
    """A blocking rule applies now: the draft cannot be approved."""

    def __init__(self, flags: list[Flag]):
        self.flags = flags
        reasons = "; ".join(f"{f.code}: {f.message}" for f in flags)
        super().__init__(f"cannot approve, blocked now: {reasons}")


class UnacknowledgedWarnings(ReviewRefused):
    """A warning applies that the reviewer was not shown (it appeared since)."""

    def __init__(self, codes: list[str]):
        self.codes = codes
        super().__init__(f"new warning(s) since shown: {', '.join(codes)}; look again")


class UnsavedEdit(ReviewRefused):
    """The draft has an edit that was never saved: approving would quietly drop it."""

    def __init__(self, draft_id: int):
        super().__init__(
            f"draft {draft_id} has an unsaved edit: press e to save or discard it, then approve"
        )


class NothingToUndo(ReviewRefused):
    """No decision of this reviewer can be undone."""
