"""Values a query's plan depends on, written into its SQL.

With `DATABASE_PREPARED_STATEMENTS` (on by default), PostgreSQL plans a statement that a
connection has run five times once, then may keep a generic plan, made without the
parameters' values. Where the best plan depends on the value (a package required by
10,000 others or by 3), the value goes into the SQL instead, so every plan is made for
it. The statement then differs by value, and one repeated with the same value is still
prepared.
"""

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, IntegerField
from django.db.models.sql.compiler import SQLCompiler


class IntegerLiteral(Expression):
    """An integer written into the SQL as a literal, not sent as a parameter
    (`Dependency.objects.filter(target_id=IntegerLiteral(package.pk))`)."""

    output_field = IntegerField()

    def __init__(self, value: int) -> None:
        super().__init__()
        self.value = int(value)  # an int's text is all digits: nothing to quote

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        return str(self.value), ()
