"""Search documents say whether a person listed or reviewed the package (`reviewed`,
marked "auto-discovered" on results when not) and carry the "listing" facet.

Existing documents are brought up to date from `Package.reviewed` (every grid counts as
reviewed), as `packagegrid.search.documents` would write them, so an upgrade needs
nothing more than `migrate`.

On SQLite, adding a column with a default rebuilds the table, which drops the triggers
keeping the full-text tables in step: they are created again after the change, both
ways (as in 0006).
"""

from importlib import import_module

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Concat

RunSQLFor = import_module("packagegrid.search.migrations.0002_full_text_index").RunSQLFor
TRIGGERS = import_module("packagegrid.search.migrations.0005_stemmed_index")._triggers(stem=True)


def forwards(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    documents = SearchDocument.objects.exclude(facets__contains="listing=")
    discovered = documents.filter(kind="package", package__reviewed=False)
    discovered.update(
        reviewed=False, facets=Concat(F("facets"), Value("\nlisting=discovered"))
    )
    documents.update(facets=Concat(F("facets"), Value("\nlisting=reviewed")))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0015_package_reviewed"),
        ("search", "0007_searchdocument_downloads"),
    ]

    operations = [
        RunSQLFor("sqlite", migrations.RunSQL.noop, TRIGGERS),  # backwards: after the rebuild
        migrations.AddField(
            model_name="searchdocument",
            name="reviewed",
            field=models.BooleanField(default=True),
        ),
        RunSQLFor("sqlite", TRIGGERS, migrations.RunSQL.noop),
        # Backwards, the documents keep their listing facet until `search_reindex`.
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
