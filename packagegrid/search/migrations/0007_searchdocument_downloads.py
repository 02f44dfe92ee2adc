"""Search documents carry last month's downloads, API v4 search's `pypi_downloads`.

On SQLite, adding a column with a CHECK constraint rebuilds the table, which drops the
triggers keeping the full-text tables in step: they are created again after the change,
both ways (as in 0006). Existing documents start at 0, which is what they showed before.
"""

from importlib import import_module

from django.db import migrations, models

RunSQLFor = import_module("packagegrid.search.migrations.0002_full_text_index").RunSQLFor
TRIGGERS = import_module("packagegrid.search.migrations.0005_stemmed_index")._triggers(stem=True)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_document_health"),
    ]

    operations = [
        RunSQLFor("sqlite", migrations.RunSQL.noop, TRIGGERS),  # backwards: after the rebuild
        migrations.AddField(
            model_name="searchdocument",
            name="downloads",
            field=models.PositiveBigIntegerField(default=0),
        ),
        RunSQLFor("sqlite", TRIGGERS, migrations.RunSQL.noop),
    ]
