"""CLI verbs: serve (to be filled)."""
