"""A database cache whose `incr` is atomic across processes, for the limit counters.

Django's DatabaseCache inherits `BaseCache.incr`, a `get` followed by a `set`: two workers
counting at once both read 3 and both write 4, so a limit of 5 lets more through. Here
the read and the write happen in one transaction that holds the row: `SELECT ... FOR
UPDATE` on PostgreSQL, and on SQLite the write lock its IMMEDIATE transactions take at
BEGIN (see DATABASES in settings), so a second `incr` waits and then reads the first's
result. `add` is already safe: the cache key is the table's primary key, so of two
concurrent inserts one fails and `add` returns False.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class AtomicDatabaseCache(DatabaseCache):
    """DatabaseCache with an atomic `incr` (and so `decr`); everything else is Django's."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` to the integer stored at `key` and return the new value.

        Raises ValueError when the key is missing or expired, like every Django cache.
        The expiry time is left unchanged.
        """
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # set by BaseDatabaseCache, untyped in the stubs
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Only quoted names go into the SQL text; every value is a bound parameter.
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} "
                f"WHERE {quote('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found.")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode(), validate=True)) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return int(value)

    @staticmethod
    def _expired(connection: Any, expires: Any) -> bool:
        # The same conversion DatabaseCache.get_many applies: aware or naive by backend.
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return bool(expires < now())
