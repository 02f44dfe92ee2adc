"""Creates the table of the database-backed limit counters: the "limits" cache without
REDIS_URL, and its fallback while Redis is unreachable with it.

`migrate` then prepares every deployment without a separate `createcachetable` step;
the command only creates tables that are missing, so running it again is harmless.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
