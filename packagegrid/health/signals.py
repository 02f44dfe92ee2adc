"""Signals the health app sends, for the copies of its results kept elsewhere.

`health_recomputed` is sent by `package_health_recompute` inside its transaction, after
it wrote new or changed scores, with `package_ids`: the packages whose score or lifecycle
changed. Stored scores are written in bulk, which sends no model signals, so this is how
a denormalised copy (the search index) learns of them.
"""

from __future__ import annotations

from django.dispatch import Signal

health_recomputed = Signal()
