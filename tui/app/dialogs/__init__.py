"""Modal dialogs of the review app."""
