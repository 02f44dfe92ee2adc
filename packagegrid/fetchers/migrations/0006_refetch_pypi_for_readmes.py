"""Forget the stored PyPI ETags, so that the next refresh reads every project whole.

READMEs are rendered when a PyPI document is applied (`catalog.Readme`); before this,
nothing stored them, and a project unchanged on PyPI answers 304 to a conditional
request, so its README would not arrive until its next release. Each package costs one
full request on its next scheduled refresh; nothing else changes.
"""

from django.db import migrations


def forget_pypi_etags(apps, schema_editor):
    FetchState = apps.get_model("fetchers", "FetchState")
    FetchState.objects.filter(source="pypi").exclude(etags={}).update(etags={})


class Migration(migrations.Migration):
    dependencies = [
        ("fetchers", "0005_fetchstate_pypistats_source"),
        ("catalog", "0016_readme"),
    ]

    operations = [migrations.RunPython(forget_pypi_etags, migrations.RunPython.noop)]
