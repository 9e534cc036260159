"""Delivering approved drafts: claims, the sender, transports (SMTP or an outbox)."""
