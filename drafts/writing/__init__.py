"""Writing drafts: the scheduler and the Jinja and LLM renderers."""
