"""Search documents carry the rest of what package lists and the home page show (the
category, whether the package is archived or deprecated, PyPI's summary, the
stored lifecycle, the weekly commits; a grid's size and whether it is featured), with
indexes in the lists' sort orders: the catalogue's read model. Beside them, each
category's package counts (`CategoryCounts`).

Existing documents are filled from the records here, as `documents.package_document` and
`documents.grid_document` write them, so an upgrade needs nothing more than `migrate`.
On SQLite the new columns rebuild the table, which drops the full-text triggers: they are
created again after the change, both ways, as 0009 left them (with the README table).
"""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

# Sort indexes matching `catalog.page_selectors`' ORDER BYs: PostgreSQL puts NULLs first
# in a descending index unless told; SQLite puts them last and refuses NULLS LAST here.
_INDEXES = {
    "search_doc_list_health_idx": '("kind", "health_score" DESC{nulls}, "stars" DESC, "title", "id")',
    "search_doc_cat_health_idx": (
        '("package_category_id", "health_score" DESC{nulls}, "stars" DESC, "title", "id")'
    ),
    "search_doc_usage_idx": '("kind", "usage" DESC, "health_score" DESC{nulls}, "title", "id")',
}


def _create_indexes(nulls):
    return [
        f'CREATE INDEX "{name}" ON "search_searchdocument" {columns.format(nulls=nulls)}'
        for name, columns in _INDEXES.items()
    ]


DROP_INDEXES = [f'DROP INDEX "{name}"' for name in _INDEXES]

RunSQLFor = import_module("packagegrid.search.migrations.0002_full_text_index").RunSQLFor
# The full-text triggers as 0009 (READMEs) left them.
TRIGGERS = import_module("packagegrid.search.migrations.0009_readme_index").TRIGGERS


def forwards(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    Package = apps.get_model("catalog", "Package")
    RepoData = apps.get_model("catalog", "RepoData")
    PyPIData = apps.get_model("catalog", "PyPIData")
    PackageHealth = apps.get_model("health", "PackageHealth")
    Grid = apps.get_model("grids", "Grid")
    packages = {
        pk: (category_id, replaced_by_id)
        for pk, category_id, replaced_by_id in Package.objects.values_list(
            "pk", "category_id", "replaced_by_id"
        )
    }
    repos = {
        pk: (archived, commits)
        for pk, archived, commits in RepoData.objects.values_list(
            "package_id", "archived", "commits_over_52"
        )
    }
    summaries = dict(PyPIData.objects.values_list("package_id", "summary"))
    lifecycles = dict(PackageHealth.objects.values_list("package_id", "lifecycle"))
    changed = []
    for document in SearchDocument.objects.filter(kind="package").only("id", "package_id"):
        pk = document.package_id
        category_id, replaced_by_id = packages[pk]
        archived, commits = repos.get(pk, (False, []))
        document.package_category_id = category_id
        document.summary = summaries.get(pk, "")
        document.archived = archived
        document.deprecated = replaced_by_id is not None
        document.health_lifecycle = lifecycles.get(pk, "")
        document.commits_over_52 = list(commits or [])
        changed.append(document)
    fields = [
        "package_category",
        "summary",
        "archived",
        "deprecated",
        "health_lifecycle",
        "commits_over_52",
    ]
    SearchDocument.objects.bulk_update(changed, fields, batch_size=500)
    CategoryCounts = apps.get_model("search", "CategoryCounts")
    Category = apps.get_model("catalog", "Category")
    counts = Package.objects.values("category").annotate(
        n=Count("id"), r=Count("id", filter=models.Q(reviewed=True))
    )
    found = {row["category"]: (row["n"], row["r"]) for row in counts.order_by()}
    CategoryCounts.objects.bulk_create(
        CategoryCounts(
            category_id=pk, packages=found.get(pk, (0, 0))[0], reviewed=found.get(pk, (0, 0))[1]
        )
        for pk in Category.objects.values_list("pk", flat=True)
    )
    grids = {
        pk: (size, featured)
        for pk, size, featured in Grid.objects.annotate(size=Count("grid_packages")).values_list(
            "pk", "size", "is_featured"
        )
    }
    changed = []
    for document in SearchDocument.objects.filter(kind="grid").only("id", "grid_id"):
        document.package_count, document.is_featured = grids[document.grid_id]
        changed.append(document)
    SearchDocument.objects.bulk_update(changed, ["package_count", "is_featured"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0015_package_reviewed"),
        ("grids", "0002_grid_feature_element_version"),
        ("health", "0005_sort_key_indexes"),
        ("search", "0009_readme_index"),
    ]

    operations = [
        RunSQLFor("sqlite", migrations.RunSQL.noop, TRIGGERS),  # backwards: after the rebuild
        migrations.AddField(
            model_name="searchdocument",
            name="archived",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="commits_over_52",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="deprecated",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="health_lifecycle",
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="is_featured",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="package_category",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalog.category",
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="package_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="summary",
            field=models.TextField(blank=True),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                models.F("kind"),
                models.OrderBy(models.F("created"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="search_doc_newest_idx",
            ),
        ),
        RunSQLFor("sqlite", TRIGGERS, migrations.RunSQL.noop),
        migrations.CreateModel(
            name="CategoryCounts",
            fields=[
                (
                    "category",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="counts",
                        serialize=False,
                        to="catalog.category",
                    ),
                ),
                ("packages", models.PositiveIntegerField(default=0)),
                ("reviewed", models.PositiveIntegerField(default=0)),
            ],
            options={"verbose_name_plural": "category counts"},
        ),
        RunSQLFor("postgresql", _create_indexes(" NULLS LAST"), DROP_INDEXES),
        RunSQLFor("sqlite", _create_indexes(""), DROP_INDEXES),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
