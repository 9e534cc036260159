"""The config `followups demo` writes for its made-up company, when there is none."""

from __future__ import annotations

DEMO_CONFIG = """\
# Written by `followups demo` for its made-up company. Edit or delete it freely.
[company]
name = "Acme Robotics"
aliases = ["Acme"]
domains = ["acme-robotics.example"]
competitors = ["Globex"]
never_contact_companies = ["Initech"]

[limits]
# The demo's whole queue in one run; a real team keeps the default of 200.
drafts_per_run = 500

[send]
from = "Acme Talent <talent@acme-robotics.example>"
inmail_transport = "outbox"
email_transport = "outbox"
outbox_dir = "outbox"
# Every email carries List-Unsubscribe; every draft ends with the default opt_out_line.
list_unsubscribe = "mailto:talent+stop@acme-robotics.example"
"""
