"""What every bulk write must do afterwards (import, demo data, benchmark data)."""

from django.core.management.color import no_style
from django.db import connection, models

from packagegrid.caching.services import content_changed
from packagegrid.search.services import search_reindex


def after_bulk_write(*, inserted_with_ids: list[type[models.Model]]) -> None:
    """Move id sequences past explicitly inserted ids, rebuild the search index and
    invalidate cached responses.

    Rows inserted with explicit ids do not advance PostgreSQL's sequences, so the next
    ordinary insert would collide; on SQLite there is nothing to reset. bulk_create and
    update() send no signals, so the search index and the content version are brought up
    to date here.
    """
    statements = connection.ops.sequence_reset_sql(no_style(), inserted_with_ids)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    search_reindex()
    content_changed()
