"""CLI verbs: extract (to be filled)."""
