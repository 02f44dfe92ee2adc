"""Normalise the stored PyPI licence of existing rows (see packagegrid.lib.licenses).

Rows fetched before held `license_expression`, else the `license` field's first line,
else the first licence classifier's last part. What is stored (that value and the
classifiers) is read again by the one licence function, so rows agree with new fetches
without asking PyPI. The raw value is not kept, so the reverse step changes nothing; the
next fetch writes the normalised value anyway.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from packagegrid.lib.licenses import pypi_license

BATCH = 500


def normalise(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    pypi_data = apps.get_model("catalog", "PyPIData")
    changed = []
    rows = pypi_data.objects.only("pk", "license", "classifiers").order_by("pk")
    for row in rows.iterator(chunk_size=BATCH):
        classifiers = [str(c) for c in row.classifiers] if isinstance(row.classifiers, list) else []
        # Which of expression and `license` field the stored value was is not recorded:
        # it is read as the field. The two differ only when a project declared classifiers
        # that contradict it, which PEP 639 forbids beside an expression.
        value = pypi_license(expression="", classifiers=classifiers, text=row.license)
        if value != row.license:
            row.license = value
            changed.append(row)
    pypi_data.objects.bulk_update(changed, ["license"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
