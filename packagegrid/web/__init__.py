"""The read-only web pages: home, packages, categories, grids, search, health, robots."""
