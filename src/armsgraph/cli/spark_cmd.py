"""CLI verbs: spark (to be filled)."""
