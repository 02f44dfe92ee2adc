"""Build the demo data set from real djangopackages.org records.

The packages are the 185 shared API v4 records plus the seed's package
(`data/packages.jsonl`), imported as they are but for `pypi_version`, which a fetch
would set to the latest release. Their PyPI documents, as PyPI's JSON API
served them on 2026-12-06 (`data/pypi-demo.jsonl.gz`), are applied through the same apply
step a fetch uses, so releases, licences, compatibility and advisories are real. Their
grids are made here, by rules that read only what each record says (words in its title
or description, its code host), and every cell states a fact taken from the record.
Nothing is claimed that no data backs. Running it again changes nothing.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction

from packagegrid.catalog.djangopackages import ImportReport, import_lines
from packagegrid.catalog.models import Category, Package
from packagegrid.fetchers.pypi import pypi_project_parse
from packagegrid.fetchers.services import package_apply_pypi
from packagegrid.fetchers.types import PyPIFetch, PyPIProject
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.health.scores import package_health_recompute
from packagegrid.lib.pypi_names import normalize_pypi_name, pypi_name_from_url
from packagegrid.search.services import search_index_deferred

DATA_FILE = Path(__file__).parent / "data" / "packages.jsonl"
# One line per PyPI project: {"name", "status", "fetched_at", "json"} (no "json" for a 404).
PYPI_FILE = Path(__file__).parent / "data" / "pypi-demo.jsonl.gz"
# A fixed time for rows the demo creates, so that loading twice changes nothing.
DEMO_TIME = datetime(2026, 11, 1, tzinfo=UTC)

# djangopackages.org's four categories, by the ids its records link to.
CATEGORIES = [
    (1, "App", "apps", "Apps", "Reusable apps you add to INSTALLED_APPS.", True),
    (2, "Framework", "frameworks", "Frameworks", "Large efforts that combine many apps.", True),
    (3, "Project", "projects", "Projects", "Complete sites and projects built on Django.", False),
    (4, "Other", "other", "Other", "Tools, templates and everything else.", True),
]


_HOST_NAMES = {"github": "GitHub", "gitlab": "GitLab", "bitbucket": "Bitbucket"}


def _host(package: Package) -> str:
    repo = package.repo
    if repo is None:
        return ""
    return _HOST_NAMES.get(repo.host, repo.netloc)


def _text(package: Package) -> str:
    return f"{package.title} {package.repo_data.description}".lower()


def _mentions(pattern: str) -> Callable[[Package], bool]:
    """A rule matching packages whose title or repository description matches `pattern`."""
    compiled = re.compile(pattern)
    return lambda package: bool(compiled.search(_text(package)))


def _hosted_on(host: str) -> Callable[[Package], bool]:
    return lambda package: package.repo is not None and package.repo.host == host


@dataclass(frozen=True)
class GridRule:
    slug: str
    title: str
    description: str
    matches: Callable[[Package], bool]
    featured: bool = False


GRID_RULES = [
    GridRule(
        "apis",
        "APIs and REST",
        "Packages whose description mentions REST or APIs.",
        _mentions(r"\b(rest|restful|api|apis|serializers?)\b"),
        featured=True,
    ),
    GridRule(
        "authentication",
        "Authentication and users",
        "Packages whose description mentions authentication, users, logins or permissions.",
        _mentions(
            r"\b(auth\w*|login|logins|permissions?|oauth\w*|registration|passwords?|users?)\b(?!-)"
        ),
        featured=True,
    ),
    GridRule(
        "admin", "Admin", "Packages whose description mentions the admin.", _mentions(r"\badmin\b")
    ),
    GridRule(
        "forms",
        "Forms",
        "Packages whose description mentions forms.",
        _mentions(r"\bforms?\b"),
        featured=True,
    ),
    GridRule(
        "templates",
        "Templates",
        "Packages whose description mentions templates.",
        _mentions(r"\btemplat\w*"),
    ),
    GridRule(
        "files-and-images",
        "Files, images and storage",
        "Packages whose description mentions files, images, uploads or storage.",
        _mentions(r"\b(storage|files?|uploads?|images?|thumbnails?|media|photos?)\b"),
        featured=True,
    ),
    GridRule(
        "deployment",
        "Deployment and project setup",
        "Packages whose description mentions deployment, buildout recipes or project templates.",
        _mentions(r"\b(deploy\w*|buildout|recipe\w*|fabric|cookiecutter|12factor)\b"),
    ),
    GridRule(
        "search", "Search", "Packages whose description mentions search.", _mentions(r"\bsearch\w*")
    ),
    GridRule(
        "database",
        "Database and ORM",
        "Packages whose description mentions databases, the ORM, SQL, migrations or trees.",
        _mentions(r"\b(database\w*|orm|postgres\w*|sql\w*|migrations?|querysets?|trees?)\b"),
        featured=True,
    ),
    GridRule(
        "cms-and-content",
        "CMS and content",
        "Packages whose description mentions a CMS, blogs, pages or wikis.",
        _mentions(r"\b(cms|cmsplugin\w*|blogs?|blogging|pages?|wiki)\b"),
    ),
    GridRule(
        "e-commerce",
        "E-commerce and payments",
        "Packages whose description mentions shops, carts or payments.",
        _mentions(
            r"\b(e-?commerce|shop\w*|payments?|cart|paypal|stripe|bitcoin|payfast|satchmo)\b"
        ),
        featured=True,
    ),
    GridRule(
        "messaging",
        "Messaging and notifications",
        "Packages whose description mentions e-mail, messages, notifications or SMS.",
        _mentions(r"\b(e-?mails?|mail\w*|notifications?|messag\w*|sms|newsletters?)\b"),
    ),
    GridRule(
        "task-queues",
        "Task queues and scheduling",
        "Packages whose description mentions tasks, queues or cron.",
        _mentions(r"\b(tasks?|queues?|celery|cron|kronos)\b"),
    ),
    GridRule(
        "hosted-on-bitbucket",
        "Hosted on Bitbucket",
        "Packages whose repository is on Bitbucket.",
        _hosted_on("bitbucket"),
    ),
]

# Each feature: a title, a description, and how to read the cell from the record.
FEATURES: list[tuple[str, str, Callable[[Package], str]]] = [
    ("Code host", "Where the repository lives.", lambda p: _host(p) or "unknown"),
    (
        "Release on PyPI",
        "The latest release PyPI listed when the record was taken.",
        lambda p: p.pypi_data.latest_version or "-",
    ),
    (
        "Documentation link",
        "Whether the record links to documentation.",
        lambda p: "+" if p.documentation_url else "-",
    ),
    (
        "Commits in 52 weeks",
        "Commits over the 52 weeks before the record was fetched.",
        lambda p: (
            str(sum(p.repo_data.commits_over_52)) if p.repo_data.commits_over_52 else "no data"
        ),
    ),
    (
        "Contributors",
        "Contributors the code host listed.",
        lambda p: str(len(p.repo_data.participants)) if p.repo_data.participants else "none listed",
    ),
]


def _load_categories() -> None:
    for pk, title, slug, plural, description, show_pypi in CATEGORIES:
        Category.objects.update_or_create(
            pk=pk,
            defaults={
                "title": title,
                "slug": slug,
                "title_plural": plural,
                "description": description,
                "show_pypi": show_pypi,
            },
            create_defaults={
                "title": title,
                "slug": slug,
                "title_plural": plural,
                "description": description,
                "show_pypi": show_pypi,
                "created": DEMO_TIME,
                "modified": DEMO_TIME,
            },
        )


def _load_grid(rule: GridRule, members: list[Package]) -> None:
    grid, _ = Grid.objects.update_or_create(
        slug=rule.slug,
        defaults={
            "title": rule.title,
            "description": rule.description,
            "is_featured": rule.featured,
        },
        create_defaults={
            "title": rule.title,
            "description": rule.description,
            "is_featured": rule.featured,
            "created": DEMO_TIME,
            "modified": DEMO_TIME,
        },
    )
    GridPackage.objects.filter(grid=grid).exclude(package__in=members).delete()
    links = {
        link.package_id: link
        for link in GridPackage.objects.filter(grid=grid).select_related("package")
    }
    for package in members:
        if package.pk not in links:
            links[package.pk] = GridPackage.objects.create(
                grid=grid, package=package, created=DEMO_TIME, modified=DEMO_TIME
            )
    for title, description, read_cell in FEATURES:
        feature, _ = Feature.objects.get_or_create(
            grid=grid,
            title=title,
            defaults={"description": description, "created": DEMO_TIME, "modified": DEMO_TIME},
        )
        for package in members:
            Element.objects.update_or_create(
                grid_package=links[package.pk],
                feature=feature,
                defaults={"text": read_cell(package)},
                create_defaults={
                    "text": read_cell(package),
                    "created": DEMO_TIME,
                    "modified": DEMO_TIME,
                },
            )


def demo_pypi_projects() -> dict[str, tuple[PyPIProject, datetime]]:
    """The recorded PyPI documents, read by the PyPI client's parser, by normalised name,
    each with the time it was recorded. 404 lines are left out."""
    projects: dict[str, tuple[PyPIProject, datetime]] = {}
    with gzip.open(PYPI_FILE, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("status") != 200 or "json" not in record:
                continue
            projects[normalize_pypi_name(record["name"])] = (
                pypi_project_parse(json.dumps(record["json"])),
                datetime.fromisoformat(record["fetched_at"]),
            )
    return projects


def _with_latest_version(line: str, projects: dict[str, tuple[PyPIProject, datetime]]) -> str:
    """A record whose `pypi_version` is the recorded document's latest release, as the
    record reads after a fetch; so a reload finds the imported record unchanged."""
    record = json.loads(line)
    found = projects.get(normalize_pypi_name(pypi_name_from_url(record.get("pypi_url") or "")))
    if found is None:
        return line
    record["pypi_version"] = found[0].latest_version
    return json.dumps(record)


def demo_load_pypi(projects: dict[str, tuple[PyPIProject, datetime]]) -> int:
    """Apply each recorded PyPI document to the packages that name its project.

    Each is written by `package_apply_pypi`, exactly as a fetch would, stamped with the
    time it was recorded. Returns how many packages received a document.
    """
    applied = 0
    for package in Package.objects.exclude(pypi_url="").order_by("pk"):
        found = projects.get(normalize_pypi_name(package.pypi_name))
        if found is not None:
            project, fetched_at = found
            package_apply_pypi(package=package, fetch=PyPIFetch(project=project), now=fetched_at)
            applied += 1
    return applied


@transaction.atomic
@search_index_deferred()  # indexed once, at the end, in the same transaction
def demo_load() -> ImportReport:
    """Load (or refresh) the demo data set; returns the package import report."""
    _load_categories()
    projects = demo_pypi_projects()
    with DATA_FILE.open(encoding="utf-8") as lines:
        report = import_lines(
            (_with_latest_version(line, projects) for line in lines), link_grids=False
        )
    demo_load_pypi(projects)
    packages = list(Package.objects.with_fetched_data().order_by("title"))
    for rule in GRID_RULES:
        _load_grid(rule, [p for p in packages if rule.matches(p)])
    package_health_recompute()  # every package, against the whole demo directory
    return report
