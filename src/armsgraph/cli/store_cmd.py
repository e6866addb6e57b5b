"""CLI verbs: store (to be filled)."""
