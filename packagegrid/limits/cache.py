"""A database cache whose `add` and `incr` are atomic across processes, for the counters.

Django's DatabaseCache is not safe for counting:

- `incr` is BaseCache's `get` followed by a `set`: two workers counting at once both
  read 3 and both write 4, so a limit of 5 lets more through;
- `add` over an expired row reads the row and then updates it, without a lock: at the
  end of a window several workers each see the old row expired and each "add" (each
  believes it opened the new window), resetting the count to 1 every time;
- `add` calls a row expired only when it expired before the current *whole second*,
  while `get` (and any `incr` built on it) use the exact time: for up to a second after
  a window ends, `incr` says "expired" and `add` says "still there", so the limiter can
  store nothing and let every request of that second through.

Here `add` is one statement, `INSERT ... ON CONFLICT (cache_key) DO UPDATE ... WHERE
expires < now` (PostgreSQL, and SQLite from 3.24): the database writes the row only when
it is missing or expired, and of several workers doing so at once exactly one writes
(the others wait for its row lock and then see a live row). `incr` reads and writes in
one transaction that holds the row: `SELECT ... FOR UPDATE` on PostgreSQL (in a
transaction that does not wait for its WAL flush: see `incr`), and on SQLite the write
lock its IMMEDIATE transactions take at BEGIN (see DATABASES in settings), so a second
`incr` waits and then reads the first's result. Both call a row expired by the
same rule, `expires < now` to the microsecond.
"""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now

# PostgreSQL: this transaction's commit does not wait for its WAL flush (see `incr`).
_NO_FLUSH_WAIT = "SET LOCAL synchronous_commit TO OFF"
# Backends whose SQL has INSERT ... ON CONFLICT ... DO UPDATE ... WHERE.
UPSERT_VENDORS = frozenset({"postgresql", "sqlite"})


class AtomicDatabaseCache(DatabaseCache):
    """DatabaseCache with an atomic `add` and `incr` (and so `decr`); the rest is Django's."""

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Store `value` at `key` only when the key is missing or expired.

        Returns True when this call stored it; of concurrent calls on one key, exactly one
        does. Other database vendors keep Django's (non-atomic) `add`.
        """
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in UPSERT_VENDORS:
            return bool(super().add(key, value, timeout, version))
        key = self.make_and_validate_key(key, version=version)
        seconds = self.get_backend_timeout(timeout)
        zone = UTC if settings.USE_TZ else None
        if seconds is None:
            expires = datetime.max.replace(tzinfo=zone)
        else:
            expires = datetime.fromtimestamp(seconds, tz=zone)
        # Whole seconds, as Django's DatabaseCache stores them.
        expires = expires.replace(microsecond=0)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # set by BaseDatabaseCache, untyped in the stubs
        key_column, value_column, expires_column = (
            quote("cache_key"),
            quote("value"),
            quote("expires"),
        )
        with connection.cursor() as cursor:
            self._cull_when_full(db, connection, cursor)
            # Only quoted names go into the SQL text; every value is a bound parameter.
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "
                f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO UPDATE SET "
                f"{value_column} = excluded.{value_column}, "
                f"{expires_column} = excluded.{expires_column} "
                f"WHERE {table}.{expires_column} < %s",
                [
                    key,
                    encoded,
                    connection.ops.adapt_datetimefield_value(expires),
                    connection.ops.adapt_datetimefield_value(now()),
                ],
            )
            return bool(cursor.rowcount == 1)

    def _cull_when_full(self, db: str, connection: Any, cursor: Any) -> None:
        """Django's culling, as its `add` does it: past MAX_ENTRIES, drop expired rows
        (and then a share of the rest)."""
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(self._table)}")  # type: ignore[attr-defined]
        count = int(cursor.fetchone()[0])
        if count > self._max_entries:
            self._cull(db, cursor, now().replace(microsecond=0), count)  # type: ignore[attr-defined]

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
        update = f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s"
        with transaction.atomic(using=db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A counter is worth less than the wait for the WAL flush at commit, which
                # on a busy disk took most of an API request's time. Only this
                # transaction skips it: a crash can lose the last fraction of a second
                # of counts (a few requests under-counted), never corrupt the table.
                # Sent with the UPDATE (one round trip) unless the driver binds
                # parameters on the server, which allows one statement at a time.
                if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
                    cursor.execute(_NO_FLUSH_WAIT)
                else:
                    update = f"{update}; {_NO_FLUSH_WAIT}"
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
            cursor.execute(update, [encoded, key])
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
