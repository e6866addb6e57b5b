"""CLI verbs: gazetteer (to be filled)."""
