"""Search documents carry the package's health: its score orders results of equal
relevance (replacing stars, usage and the query-time recency that `active_at` fed), and
its lifecycle state is a facet, replacing "status".

Existing documents are brought up to date from the stored `PackageHealth` rows, as
`packagegrid.search.documents.package_document` would write them, so an upgrade needs
nothing more than `migrate`.

On SQLite, adding a column with a CHECK constraint rebuilds the table, which drops the
triggers keeping the full-text tables in step (their rows keep the same ids, so the
tables themselves stay right): they are created again after the change, both ways.
"""

from importlib import import_module

from django.db import migrations, models

RunSQLFor = import_module("packagegrid.search.migrations.0002_full_text_index").RunSQLFor
TRIGGERS = import_module("packagegrid.search.migrations.0005_stemmed_index")._triggers(stem=True)

MAX_QUALITY = 99


def _lifecycle(status: str, stored: str) -> str:
    """`documents.package_lifecycle` from what an old document knows: its status line (a
    curated replacement or an archived repository) and the stored lifecycle."""
    if status == "deprecated":
        return "deprecated"
    if status == "archived" and stored != "deprecated":
        return "archived"
    return stored


def forwards(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    PackageHealth = apps.get_model("health", "PackageHealth")
    health = {
        package_id: (score, lifecycle)
        for package_id, score, lifecycle in PackageHealth.objects.values_list(
            "package_id", "score", "lifecycle"
        )
    }
    changed = []
    for document in SearchDocument.objects.filter(kind="package").only(
        "id", "package_id", "facets"
    ):
        score, stored = health.get(document.package_id, (None, ""))
        lines, status = [], ""
        for line in document.facets.split("\n") if document.facets else []:
            if line.startswith("status="):
                status = line.removeprefix("status=")
                lifecycle = _lifecycle(status, stored)
                if lifecycle:
                    lines.append(f"lifecycle={lifecycle}")
            else:
                lines.append(line)
        document.facets = "\n".join(lines)
        document.health_score = score
        document.lifecycle = _lifecycle(status, stored)
        document.quality = min(score or 0, MAX_QUALITY)
        changed.append(document)
    SearchDocument.objects.bulk_update(
        changed, ["facets", "health_score", "lifecycle", "quality"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0002_package_health"),
        ("search", "0005_stemmed_index"),
    ]

    operations = [
        RunSQLFor("sqlite", migrations.RunSQL.noop, TRIGGERS),  # backwards: after the rebuild
        migrations.RemoveField(model_name="searchdocument", name="active_at"),
        migrations.AddField(
            model_name="searchdocument",
            name="health_score",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="lifecycle",
            field=models.CharField(blank=True, max_length=10),
        ),
        RunSQLFor("sqlite", TRIGGERS, migrations.RunSQL.noop),
        # Backwards, the documents keep their new facets until `search_reindex`.
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
