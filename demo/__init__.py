"""The demo team: a realistic ATS export that reproduces the 847 "just checking in!" messages.

`write_demo_export` writes the five CSV files of the contract (section 1) for a recruiting
team at Acme Robotics, timed relative to ``now`` so that running the scheduler at ``now``
meets every case from the story: candidates who replied on another channel, accepted
offers, declined, asked never to be contacted, never received the first message, already
work here, or simply never answered. ``DemoManifest`` says which candidate belongs to
which case, so tests and the README can check that each one is handled.

Deterministic: the same ``now`` and ``seed`` give byte-identical files. Imports the store
only (its CSV columns and vocabulary), never the rules that decide about what it makes up.

- `team`, `names`, `texts`: the made-up company, people and words
- `builder`: one person at a time; `cases`: the story's cases; `export`: the files
- `config`: the config `followups demo` writes; `marker`: the demo keeps to its own store
"""

from demo.config import DEMO_CONFIG
from demo.export import DemoManifest, write_demo_export
from demo.team import DEMO_DOMAIN

__all__ = ["DEMO_CONFIG", "DEMO_DOMAIN", "DemoManifest", "write_demo_export"]
