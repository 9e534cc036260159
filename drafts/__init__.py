"""Everything that decides and writes: rules, the scheduler, renderers, sending.

Knows nothing of Textual.
"""
