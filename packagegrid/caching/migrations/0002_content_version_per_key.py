"""One content version per key instead of one for the whole site."""

from typing import Any

import django.utils.timezone
from django.db import migrations, models


def _site_row(apps: Any, schema_editor: Any) -> None:
    ContentVersion = apps.get_model("caching", "ContentVersion")
    ContentVersion.objects.all().delete()
    ContentVersion.objects.create(key="site", token=1)


class Migration(migrations.Migration):
    dependencies = [
        ("caching", "0001_content_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="contentversion",
            name="key",
            field=models.CharField(default="site", max_length=200),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="contentversion",
            name="key",
            field=models.CharField(max_length=200, unique=True),
        ),
        migrations.AddField(
            model_name="contentversion",
            name="changed_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(_site_row, migrations.RunPython.noop),
    ]
