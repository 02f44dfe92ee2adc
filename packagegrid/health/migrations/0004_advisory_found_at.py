import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Record when an advisory was first stored. Advisories stored before stay None
    (added without a default, then given one), so they never count as new for watchers."""

    dependencies = [
        ("health", "0003_lifecycle_change"),
    ]

    operations = [
        migrations.AddField(
            model_name="advisory",
            name="found_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="advisory",
            name="found_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
    ]
