"""The rules: thread context, detection, thread and text rules, pacing, volume, and the
one pipeline that answers "may this be drafted / sent now?"."""
