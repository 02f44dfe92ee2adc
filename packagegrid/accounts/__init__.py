"""User profiles."""
