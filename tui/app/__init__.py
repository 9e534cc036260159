"""The review app (Textual): app, screens, dialogs and widgets. Textual lives only here."""
