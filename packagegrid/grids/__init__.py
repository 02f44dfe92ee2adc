"""Comparison grids: packages side by side with features and cells."""
