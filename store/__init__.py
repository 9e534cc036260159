"""The store: tables, the engine, migrations, queries and the CSV importer.

Knows nothing of Textual, Jinja or OpenAI.
"""


class FollowupsError(Exception):
    """A problem the user can fix: printed as one line, never as a traceback."""
