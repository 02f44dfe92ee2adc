"""Rate limits and login throttling, counted in a cache shared by every worker process."""
