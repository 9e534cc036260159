"""What a person types into: the `followups` command line and the Textual review app."""
