"""Search over packages and grids."""
