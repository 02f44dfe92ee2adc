"""READMEs are rendered when PyPI's document is applied, once, and again on demand."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from packagegrid.caching.services import package_key, versions_of
from packagegrid.catalog.models import Readme
from packagegrid.catalog.readme_services import package_apply_readme, readmes_rerender
from packagegrid.conftest import make_package, make_readme
from packagegrid.fetchers.pypi import pypi_project_parse
from packagegrid.fetchers.services import package_apply_pypi
from packagegrid.fetchers.types import PyPIFetch
from packagegrid.lib.readme import MAX_SOURCE_CHARS, RENDERER_VERSION

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
DEMO = Path(__file__).resolve().parents[2] / "demo" / "data" / "pypi-demo.jsonl.gz"


def _recorded(name: str) -> str:
    """The recorded PyPI JSON document of `name` (pypi-demo, 2026-12-06)."""
    with gzip.open(DEMO, "rt") as lines:
        for line in lines:
            record = json.loads(line)
            if record["name"] == name and record.get("json"):
                return json.dumps(record["json"])
    raise LookupError(name)


def _version(package_id: int) -> int:
    return versions_of([package_key(package_id)])[package_key(package_id)].token


def test_applying_a_real_pypi_document_stores_its_rendered_readme() -> None:
    package = make_package(pypi_url="https://pypi.org/project/django-cked/")
    project = pypi_project_parse(_recorded("django-cked"))
    assert project.description_content_type == "text/x-rst"

    assert package_apply_pypi(package=package, fetch=PyPIFetch(project=project), now=NOW)

    readme = Readme.objects.get(package=package)
    assert readme.format == Readme.Format.RST
    assert readme.content_type == "text/x-rst"
    assert readme.source == project.description
    assert "<h3>Django CKEd</h3>" in readme.html
    assert "<strong>CKEditor and elFinder integration for Django Framework.</strong>" in readme.html
    assert readme.text.startswith("Django CKEd CKEditor and elFinder integration")
    assert (readme.renderer, readme.rendered_at, readme.truncated) == (RENDERER_VERSION, NOW, False)


def test_it_renders_only_when_the_readme_changed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        package = make_package()
        assert package_apply_readme(package=package, source="# One", content_type="text/markdown")
    version = _version(package.pk)
    assert version != 0
    with CaptureQueriesContext(connection) as queries:
        assert not package_apply_readme(
            package=package, source="# One", content_type="text/markdown"
        )
    assert len(queries) == 1  # read, compare, nothing written
    assert _version(package.pk) == version

    assert package_apply_readme(package=package, source="# One", content_type="text/plain")
    assert Readme.objects.get(package=package).html == "<pre># One</pre>"
    assert package_apply_readme(package=package, source="# Two", content_type="text/plain")
    assert Readme.objects.get(package=package).html == "<pre># Two</pre>"


def test_an_empty_or_unknown_readme_removes_the_stored_one() -> None:
    package = make_package()
    make_readme(package, "# One")
    assert package_apply_readme(package=package, source="UNKNOWN\n", content_type="")
    assert not Readme.objects.filter(package=package).exists()
    assert not package_apply_readme(package=package, source="", content_type="")


def test_a_long_readme_is_stored_cut_and_marked_truncated() -> None:
    package = make_package()
    source = "word\n" * (MAX_SOURCE_CHARS // 5 + 100)
    assert package_apply_readme(package=package, source=source, content_type="text/plain")
    readme = Readme.objects.get(package=package)
    assert readme.truncated
    assert len(readme.source) == MAX_SOURCE_CHARS + 1  # enough to know it was longer
    # The same overlong README again is recognised as unchanged.
    assert not package_apply_readme(package=package, source=source, content_type="text/plain")


def test_rerendering_renders_outdated_rows_and_refreshes_only_what_changed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        changed, same = make_package(), make_package()
        make_readme(changed, "# Title")
        make_readme(same, "# Title")
    # As an older renderer left them: one with other HTML, one with the same.
    Readme.objects.filter(package=changed).update(html="<h1>Title</h1>", renderer=0)
    Readme.objects.filter(package=same).update(renderer=0)
    versions = (_version(changed.pk), _version(same.pk))
    assert 0 not in versions

    with django_capture_on_commit_callbacks(execute=True):
        report = readmes_rerender(now=NOW)

    assert (report.checked, report.rendered) == (2, 1)
    assert Readme.objects.get(package=changed).html == "<h3>Title</h3>\n"
    assert set(Readme.objects.values_list("renderer", flat=True)) == {RENDERER_VERSION}
    assert _version(changed.pk) != versions[0]
    assert _version(same.pk) == versions[1]
    assert readmes_rerender(now=NOW) == replace(report, checked=0, rendered=0)


def test_the_command_renders_every_readme_with_all() -> None:
    package = make_package()
    make_readme(package, "# Title")
    Readme.objects.filter(package=package).update(html="stale")
    out = StringIO()
    call_command("readme_render", stdout=out)
    assert out.getvalue() == "0 READMEs checked, 0 rendered anew\n"
    call_command("readme_render", "--all", stdout=out)
    assert "1 READMEs checked, 1 rendered anew" in out.getvalue()
    assert Readme.objects.get(package=package).html == "<h3>Title</h3>\n"
