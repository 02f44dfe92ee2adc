"""Add `Package.pypi_key` and `Dependency`; fill the keys and build the edges from the
requirements already stored (`PyPIData.requires_dist`)."""

import django.db.models.deletion
from django.db import migrations, models

from packagegrid.catalog.dependency_services import requirements_parse
from packagegrid.lib.pypi_names import normalize_pypi_name, pypi_name_from_url


def fill_keys_and_edges(apps, schema_editor):
    Package = apps.get_model("catalog", "Package")
    PyPIData = apps.get_model("catalog", "PyPIData")
    Dependency = apps.get_model("catalog", "Dependency")
    rows = list(Package.objects.only("id", "pypi_url").order_by("id"))
    owners = {}
    for row in rows:
        row.pypi_key = normalize_pypi_name(pypi_name_from_url(row.pypi_url))[:200]
        if row.pypi_key:
            owners.setdefault(row.pypi_key, row.id)  # the oldest wins, as the service does
    Package.objects.bulk_update(rows, ["pypi_key"], batch_size=500)
    edges = []
    for package_id, requires_dist in PyPIData.objects.values_list("package_id", "requires_dist"):
        for position, r in enumerate(requirements_parse(requires_dist or [])):
            target = owners.get(r.key)
            edges.append(
                Dependency(
                    package_id=package_id,
                    position=position,
                    name=r.name,
                    key=r.key,
                    specifier=r.specifier,
                    markers=r.markers,
                    optional=r.optional,
                    target_id=target if target != package_id else None,
                )
            )
    Dependency.objects.bulk_create(edges, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0013_sort_key_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="package",
            name="pypi_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=200),
        ),
        migrations.CreateModel(
            name="Dependency",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("name", models.CharField(max_length=200)),
                ("key", models.CharField(db_index=True, max_length=200)),
                ("specifier", models.CharField(blank=True, max_length=1000)),
                ("markers", models.TextField(blank=True)),
                ("optional", models.BooleanField(default=False)),
                (
                    "package",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="dependencies",
                        to="catalog.package",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="dependent_edges",
                        to="catalog.package",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "dependencies",
                "ordering": ["package", "position"],
                "indexes": [
                    models.Index(fields=["target", "optional"], name="dependency_target_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("package", "position"), name="unique_dependency"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_keys_and_edges, migrations.RunPython.noop),
    ]
