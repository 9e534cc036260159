"""The review desk: what a reviewer reads, decides and leases, and what a lead checks.

- `queue`: pages of the queue, one draft's whole context, the threads with no draft
- `decisions`: approve, reject, edit, undo (status changes through drafts.lifecycle)
- `leases`: who is reading which pending draft, so reviewers never share one
- `spotcheck`, `lead_queries`: the lead's sample, verdicts and concerns
- `service`: the one object the review app calls

The decision and lease functions are re-exported here, the desk's public API:
``from drafts import review; review.approve(...)``.
"""

from drafts.review.decisions import (
    REJECT_REASONS,
    Outcome,
    approve,
    edit,
    reject,
    save_unsaved_edit,
    undo,
)
from drafts.review.errors import (
    BlockedDraft,
    ClaimedElsewhere,
    NothingToUndo,
    ReviewRefused,
    StaleDraft,
    UnacknowledgedWarnings,
    UnsavedEdit,
)
from drafts.review.leases import claim, claim_next, release, release_claims

__all__ = [
    "REJECT_REASONS",
    "BlockedDraft",
    "ClaimedElsewhere",
    "NothingToUndo",
    "Outcome",
    "ReviewRefused",
    "StaleDraft",
    "UnacknowledgedWarnings",
    "UnsavedEdit",
    "approve",
    "claim",
    "claim_next",
    "edit",
    "reject",
    "release",
    "release_claims",
    "save_unsaved_edit",
    "undo",
]
