"""Discovery: finding Django packages on PyPI that the directory lacks."""
