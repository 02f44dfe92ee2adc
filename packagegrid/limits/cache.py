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

Counting an API request is `hit`, one statement whatever the state of the window:
`INSERT ... ON CONFLICT (cache_key) DO UPDATE SET value = CASE WHEN expires < now THEN 1
ELSE value + 1 END ... RETURNING value` (PostgreSQL, and SQLite from 3.35). The row lock
the upsert takes makes it atomic as `add` and `incr` are: of several workers at a window's
end exactly one replaces the expired row, the others wait for its lock and count in the
new window. For SQL to add to it, a counter is stored as its decimal digits rather than
pickled (`_encode`); every read decodes both forms (`_decode`). On PostgreSQL the table is
UNLOGGED (migration 0002): its writes make no WAL, so a commit does not wait for a flush
and a count costs one round trip; a crash empties it, which only reopens every window.

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
import re
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
# A counter's stored text: its decimal digits. A pickled value (base64 of a pickle, which
# starts with an opcode below 0x80 or PROTO 0x80) never starts with a digit or "-".
_COUNTER = re.compile(r"-?[0-9]+")
_COUNTER_FIRST = "-0123456789"


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
        expires = self._expires_at(timeout)
        encoded = self._encode(value)
        table, key_column, value_column, expires_column = self._quoted_names(connection)
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

    def _expires_at(self, timeout: Any) -> datetime:
        """When a value stored now with `timeout` expires, in whole seconds as Django's
        DatabaseCache stores it."""
        seconds = self.get_backend_timeout(timeout)
        zone = UTC if settings.USE_TZ else None
        if seconds is None:
            return datetime.max.replace(tzinfo=zone, microsecond=0)
        return datetime.fromtimestamp(seconds, tz=zone).replace(microsecond=0)

    def _quoted_names(self, connection: Any) -> tuple[str, str, str, str]:
        """The table and its key, value and expiry columns, quoted for `connection`."""
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # set by BaseDatabaseCache, untyped in the stubs
        return table, quote("cache_key"), quote("value"), quote("expires")

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
        table, key_column, value_column, expires_column = self._quoted_names(connection)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Only quoted names go into the SQL text; every value is a bound parameter.
        update = f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s"
        with transaction.atomic(using=db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A counter is worth less than the wait for the WAL flush at commit, which
                # on a busy disk took most of an API request's time. Only this
                # transaction skips it: a crash can lose the last fraction of a second
                # of counts (a few requests under-counted), never corrupt the table.
                # Sent with the UPDATE (one round trip) unless the driver binds
                # parameters on the server, which allows one statement at a time.
                if connection.features.uses_server_side_binding:  # type: ignore[attr-defined]  # PostgreSQL's features
                    cursor.execute(_NO_FLUSH_WAIT)
                else:
                    update = f"{update}; {_NO_FLUSH_WAIT}"
            cursor.execute(
                f"SELECT {value_column}, {expires_column} FROM {table} "
                f"WHERE {key_column} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found.")
            value = self._decode(connection.ops.process_clob(row[0])) + delta
            cursor.execute(update, [self._encode(value), key])
        return int(value)

    def hit(self, key: Any, timeout: int, version: int | None = None) -> int | None:
        """Count one at `key` and return the count, in one statement: 1 when the key was
        missing or expired (a new window of `timeout` seconds), else the count plus one,
        the expiry unchanged.

        Returns None, having changed nothing, where one statement cannot count: a
        database without the upsert, or a live value that is not a counter (stored by
        `set`); the caller then counts with `incr` and `add`.
        """
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in UPSERT_VENDORS:
            return None
        key = self.make_and_validate_key(key, version=version)
        expires = self._expires_at(timeout)
        table, key_column, value_column, expires_column = self._quoted_names(connection)
        expired = f"{table}.{expires_column} < %s"
        current = f"{table}.{value_column}"
        first_characters = ", ".join(f"'{c}'" for c in _COUNTER_FIRST)
        moment = connection.ops.adapt_datetimefield_value(now())
        with connection.cursor() as cursor:
            # Only quoted names and constants go into the SQL text; every value is a
            # bound parameter. `expired` is tested against one instant throughout.
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "
                f"VALUES (%s, '1', %s) ON CONFLICT ({key_column}) DO UPDATE SET "
                f"{value_column} = CASE WHEN {expired} THEN excluded.{value_column} "
                f"ELSE CAST(CAST({current} AS BIGINT) + 1 AS TEXT) END, "
                f"{expires_column} = CASE WHEN {expired} THEN excluded.{expires_column} "
                f"ELSE {table}.{expires_column} END "
                f"WHERE {expired} OR SUBSTR({current}, 1, 1) IN ({first_characters}) "
                f"RETURNING {value_column}",
                [
                    key,
                    connection.ops.adapt_datetimefield_value(expires),
                    moment,
                    moment,
                    moment,
                ],
            )
            row = cursor.fetchone()
            if row is None:
                return None
            count = int(connection.ops.process_clob(row[0]))
            if count == 1:
                # A window opened (a row added or replaced): cull as `add` does.
                self._cull_when_full(db, connection, cursor)
        return count

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        """Django's `get_many`, decoding counters as well as pickled values."""
        if not keys:
            return {}
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        db = router.db_for_read(self.cache_model_class)
        connection = connections[db]
        table, key_column, value_column, expires_column = self._quoted_names(connection)
        placeholders = ", ".join(["%s"] * len(key_map))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {key_column}, {value_column}, {expires_column} "
                f"FROM {table} WHERE {key_column} IN ({placeholders})",
                list(key_map),
            )
            rows = cursor.fetchall()
        result: dict[Any, Any] = {}
        expired_keys = []
        for key, value, expires in rows:
            if self._expired(connection, expires):
                expired_keys.append(key)
            else:
                result[key_map.get(key)] = self._decode(connection.ops.process_clob(value))
        self._base_delete_many(expired_keys)  # type: ignore[attr-defined]
        return result

    def _encode(self, value: Any) -> str:
        """An integer as its digits (a counter `hit` can add to); anything else as
        Django's DatabaseCache stores it, a base64 pickle."""
        if type(value) is int:
            return str(value)
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    @staticmethod
    def _decode(stored: str) -> Any:
        if _COUNTER.fullmatch(stored):
            return int(stored)
        return pickle.loads(base64.b64decode(stored.encode(), validate=True))

    @staticmethod
    def _expired(connection: Any, expires: Any) -> bool:
        # The same conversion DatabaseCache.get_many applies: aware or naive by backend.
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return bool(expires < now())
