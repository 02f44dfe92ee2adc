"""/data/: the data dumps, listed with sizes, dates and checksums, and served."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from packagegrid.dumps.schema import JSONL_NAME, KINDS, LICENSE_NAME, SQLITE_NAME
from packagegrid.dumps.selectors import dump_file_path, dump_manifest

_CONTENT_TYPES = {
    JSONL_NAME: "application/gzip",
    SQLITE_NAME: "application/vnd.sqlite3",
    LICENSE_NAME: "text/plain; charset=utf-8",
}


# The files change without any change to the database, so the response cache (keyed by
# the content version) must not keep this page: never_cache marks it private.
@never_cache
@require_safe
def data_index(request: HttpRequest) -> HttpResponse:
    """The files of the last dump, from its manifest (no query, no hashing)."""
    manifest = dump_manifest(directory=settings.DUMP_DIR)
    context = {"manifest": manifest, "kinds": [kind.name for kind in KINDS]}
    return render(request, "dumps/data.html", context)


@require_safe
def data_file(request: HttpRequest, name: str) -> FileResponse:
    """One published dump file; 404 for any other name."""
    path = dump_file_path(directory=settings.DUMP_DIR, name=name)
    if path is None:
        raise Http404("No such file.")
    return FileResponse(
        path.open("rb"),
        as_attachment=name != LICENSE_NAME,
        filename=name,
        content_type=_CONTENT_TYPES[name],
    )
