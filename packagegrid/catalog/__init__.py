"""Packages, categories and what the code hosts and PyPI say about them."""
