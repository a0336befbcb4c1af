"""Start-value estimates from data, kept apart from the thin model wrappers."""
