"""The default cache (no CACHE_URL): a table of the database, so that every server process reads
and writes the same values and nothing lives in a process's memory between requests (decision 0022).

Django's own DatabaseCache increments by reading then writing the value, which loses hits when
two processes count at once, and rewrites the expiry with the default timeout, which would end a
rate-limit window early; `incr` here locks the row and changes the value only. The table is
created by `migrate` (`create_cache_tables`, run after every migration), so `make demo` and
`make test` need no other step.
"""

from __future__ import annotations

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, key_column, value_column = quote(self._table), quote("cache_key"), quote("value")
        # PostgreSQL: the row lock queues the other processes; SQLite: the IMMEDIATE transaction
        # (settings) already holds the database's write lock from its BEGIN.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT {value_column}, {quote('expires')} FROM {table} "
                           f"WHERE {key_column} = %s{lock}", [key])
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s", [stored, key])
        return value

    @staticmethod
    def _expired(connection, expires) -> bool:
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < now()


def create_cache_tables(sender=None, using="default", **kwargs):
    """After `migrate`: the tables of the database caches of the settings (nothing when they exist)."""
    call_command("createcachetable", database=using, verbosity=0)
