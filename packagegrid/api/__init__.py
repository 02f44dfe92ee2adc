"""The REST APIs: djangopackages.org-compatible v4 and v3."""
