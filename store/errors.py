"""The app-wide error type: a problem the user can fix, printed as one line."""

from __future__ import annotations


class FollowupsError(Exception):
    """A problem the user can fix: printed as one line, never as a traceback."""
