import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Record when a release was first stored. Releases stored before stay None (added
    without a default, then given one), so they never count as new for watchers."""

    dependencies = [
        ("catalog", "0010_pypidata_project_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="release",
            name="found_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="release",
            name="found_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
    ]
