"""The store: tables, the engine, migrations, queries and the CSV importer.

Storage only: knows nothing of drafts, the demo, Textual, Jinja or OpenAI.
"""

from store.errors import FollowupsError

__all__ = ["FollowupsError"]
