"""The readiness pages' read model (`ProductSupport`): one row per package and product
with the feature releases its compatibility rows name, filled here from those rows as
`health.services.product_support_store` writes them."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000


def _key(version):
    return tuple(int(part) for part in version.split("."))


def _fill(apps, schema_editor):
    Compatibility = apps.get_model("health", "Compatibility")
    Package = apps.get_model("catalog", "Package")
    ProductSupport = apps.get_model("health", "ProductSupport")
    listed = dict(Package.objects.values_list("pk", "reviewed"))
    versions = {}
    rows = Compatibility.objects.values_list("package_id", "product", "version")
    for package_id, product, version in rows.iterator(chunk_size=BATCH):
        versions.setdefault((package_id, product), []).append(version)
    ProductSupport.objects.bulk_create(
        (
            ProductSupport(
                package_id=package_id,
                product=product,
                versions=f" {' '.join(sorted(found, key=_key))} ",
                listed=listed[package_id],
            )
            for (package_id, product), found in sorted(versions.items())
        ),
        batch_size=BATCH,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0017_scale_indexes'),
        ('health', '0005_sort_key_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductSupport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('product', models.CharField(choices=[('django', 'Django'), ('python', 'Python'), ('wagtail', 'Wagtail')], max_length=10)),
                ('versions', models.TextField()),
                ('listed', models.BooleanField()),
                ('package', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.package')),
            ],
            options={
                'verbose_name_plural': 'product support',
                'indexes': [models.Index(fields=['product', 'listed', 'package'], name='product_support_listed_idx')],
                'constraints': [models.UniqueConstraint(fields=('package', 'product'), name='unique_product_support')],
            },
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
    ]
