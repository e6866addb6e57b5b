"""Command-line interface: thin shells over the library (one module per group of verbs)."""
