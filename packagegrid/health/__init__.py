"""Package health: facts, compatibility, lifecycle and the explained health score."""
