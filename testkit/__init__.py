"""What tests and benchmarks share: real reviewer processes and a team-sized store.

Not a test module: bench/ imports this, never tests/.
"""
