"""The demo data set built from real djangopackages.org records."""
