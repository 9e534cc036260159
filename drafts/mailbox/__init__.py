"""Mail read from a mailbox: what each message says (reading) and what it becomes (ingest)."""
