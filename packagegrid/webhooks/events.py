"""Which webhook events a change of the change feed is."""

from __future__ import annotations

from packagegrid.changes.models import Action, Change, Kind
from packagegrid.webhooks.models import Event

_GRID_KINDS = frozenset({Kind.GRID, Kind.FEATURE, Kind.CELL})


def events_of(change: Change) -> list[str]:
    """The events `change` stands for (often none).

    - package.created: a package created;
    - release.created: a release created;
    - package.lifecycle_changed: a package's lifecycle moved (health's recompute);
    - package.advisory: a package's advisories were added, changed or withdrawn;
    - grid.changed: a grid, its features or cells created, updated or deleted, or a
      package added to or removed from it.
    """
    events: list[str] = []
    if change.kind == Kind.PACKAGE and change.action == Action.CREATE:
        events.append(Event.PACKAGE_CREATED)
    if change.kind == Kind.RELEASE and change.action == Action.CREATE:
        events.append(Event.RELEASE_CREATED)
    if change.kind == Kind.PACKAGE and change.action == Action.UPDATE:
        if "lifecycle" in change.fields:
            events.append(Event.LIFECYCLE_CHANGED)
        if "advisories" in change.fields:
            events.append(Event.ADVISORY)
    if change.kind in _GRID_KINDS:
        events.append(Event.GRID_CHANGED)
    return events
