"""Add `Package.repo_key` (unique) and `Package.imported`, and fill both for existing rows.

Existing packages that name the same repository keep their URLs; the key goes to the
oldest of them and the others are left without one, listed on the console, so that the
migration never fails on real data. A package with no author and no "create" record in
the history came from an import.
"""

import sys

from django.db import migrations, models

from packagegrid.lib.repo_urls import KeyClaim, assign_repo_keys


def fill_repo_keys(apps, schema_editor):
    Package = apps.get_model("catalog", "Package")
    EditRecord = apps.get_model("catalog", "EditRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = list(Package.objects.only("id", "created", "slug", "repo_url", "created_by_id"))
    if not rows:
        return
    keys, duplicates = assign_repo_keys(
        KeyClaim(id=row.id, created=row.created, slug=row.slug, repo_url=row.repo_url)
        for row in rows
    )
    package_type = ContentType.objects.filter(app_label="catalog", model="package").first()
    created_on_site = set()
    if package_type is not None:
        created_on_site = set(
            EditRecord.objects.filter(content_type=package_type, action="create").values_list(
                "object_id", flat=True
            )
        )
    for row in rows:
        row.repo_key = keys[row.id]
        row.imported = row.created_by_id is None and row.id not in created_on_site
    Package.objects.bulk_update(rows, ["repo_key", "imported"], batch_size=500)
    if duplicates:
        out = sys.stdout
        out.write(
            f"\n  {len(duplicates)} repositories are listed by several packages; "
            "each key is kept on the oldest package:\n"
        )
        for duplicate in duplicates:
            out.write(f"    {duplicate}\n")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_pypidata_keywords"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="package",
            name="imported",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="package",
            name="repo_key",
            field=models.CharField(
                blank=True, default=None, editable=False, max_length=500, null=True, unique=True
            ),
        ),
        migrations.RunPython(fill_repo_keys, migrations.RunPython.noop, elidable=False),
    ]
