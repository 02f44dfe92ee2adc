"""Writes of packages' READMEs: rendered when PyPI's document is applied, and again when
the renderer changes (`packagegrid readme_render`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from packagegrid.catalog.models import Package, Readme
from packagegrid.lib.readme import MAX_SOURCE_CHARS, RENDERER_VERSION, readme_render

# Old setuptools wrote this when a project declared no long description.
_NO_README = frozenset({"", "UNKNOWN"})


def package_apply_readme(
    *, package: Package, source: str, content_type: str, now: datetime | None = None
) -> bool:
    """Store the package's README rendered from PyPI's `source` and `content_type`;
    return whether anything was written.

    Rendering happens only when the source or its content type changed (or the stored
    row was rendered by an older renderer); an empty README ("" or setuptools'
    "UNKNOWN") removes the stored one. The source is stored cut to MAX_SOURCE_CHARS,
    which is all that is rendered.
    """
    if source.strip() in _NO_README:
        deleted, _ = Readme.objects.filter(package=package).delete()
        return bool(deleted)
    # Compared as stored, so an overlong README that did not change is not re-rendered.
    kept = source[: MAX_SOURCE_CHARS + 1]
    stored = Readme.objects.filter(package=package).first()
    if (
        stored is not None
        and stored.source == kept
        and stored.content_type == content_type
        and stored.renderer == RENDERER_VERSION
    ):
        return False
    readme = stored or Readme(package=package)
    readme.source, readme.content_type = kept, content_type
    _render(readme, now=now or timezone.now())
    readme.save()
    return True


@dataclass(frozen=True, slots=True)
class RenderReport:
    rendered: int  # rows rendered again
    checked: int  # rows looked at


BATCH_SIZE = 200


def readmes_rerender(*, everything: bool = False, now: datetime | None = None) -> RenderReport:
    """Render the stored READMEs again from their stored sources: those rendered by an
    older renderer version, or with `everything` all of them. Each batch is written in
    its own transaction; a save sends the signals that refresh the page caches and the
    search documents."""
    now = now or timezone.now()
    rows = Readme.objects.order_by("pk")
    if not everything:
        rows = rows.exclude(renderer=RENDERER_VERSION)
    ids = list(rows.values_list("pk", flat=True))
    rendered = 0
    for start in range(0, len(ids), BATCH_SIZE):
        with transaction.atomic():
            same: list[int] = []
            for readme in Readme.objects.filter(pk__in=ids[start : start + BATCH_SIZE]):
                old = (readme.html, readme.text, readme.format, readme.truncated)
                _render(readme, now=now)
                if (readme.html, readme.text, readme.format, readme.truncated) != old:
                    readme.save()
                    rendered += 1
                else:
                    same.append(readme.pk)
            # The same output: only the version is recorded, without the signals that
            # would bump the page caches and rewrite search documents for nothing.
            Readme.objects.filter(pk__in=same).update(renderer=RENDERER_VERSION)
    return RenderReport(rendered=rendered, checked=len(ids))


def _render(readme: Readme, *, now: datetime) -> None:
    result = readme_render(source=readme.source, content_type=readme.content_type)
    readme.html, readme.text = result.html, result.text
    readme.format, readme.truncated = result.format, result.truncated
    readme.renderer, readme.rendered_at = RENDERER_VERSION, now
