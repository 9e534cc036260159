"""Replay: what a configuration, and LinkedIn's naive automation, would have done (contract
section 9), decided day by day on the store as it was then, by the scheduler's own pipeline.

- `asof`: the store as of a moment (touchpoints, statuses, do-not-contact entries)
- `scheduled`: a configuration replayed; `naive`: the seed's automation, with its harms
- `runs`: what a run did and the differences between two; `report`: the whole replay
"""

from drafts.replay.report import ReplayReport, check_range, replay

__all__ = ["ReplayReport", "check_range", "replay"]
