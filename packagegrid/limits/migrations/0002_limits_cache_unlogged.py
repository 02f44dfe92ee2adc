"""Makes the database-backed limit counters' table UNLOGGED on PostgreSQL.

Its writes then make no WAL, so the commit of a counted request does not wait for a WAL
flush (packagegrid.limits.cache). A crash empties an unlogged table: every rate-limit
window opens again, which is all the counters can lose. Other databases are left alone.
"""

from django.conf import settings
from django.db import migrations

BACKEND = "packagegrid.limits.cache.AtomicDatabaseCache"


def _tables() -> list[str]:
    return sorted(
        {str(cache["LOCATION"]) for cache in settings.CACHES.values() if cache["BACKEND"] == BACKEND}
    )


def _set_persistence(schema_editor, persistence: str) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    for table in _tables():
        if table in existing:
            schema_editor.execute(
                f"ALTER TABLE {schema_editor.quote_name(table)} SET {persistence}"
            )


def unlogged(apps, schema_editor):
    _set_persistence(schema_editor, "UNLOGGED")


def logged(apps, schema_editor):
    _set_persistence(schema_editor, "LOGGED")


class Migration(migrations.Migration):
    dependencies = [("limits", "0001_limits_cache_table")]

    operations = [migrations.RunPython(unlogged, logged)]
