"""Whole-response caching for anonymous readers, invalidated by any change to the content."""
