"""The dump's schema: every model and field is dumped or left out on purpose, and the
README documents exactly the columns written."""

from __future__ import annotations

import re

from django.apps import apps
from django.conf import settings

from packagegrid.dumps.schema import KINDS, LEFT_OUT


def test_it_dumps_or_leaves_out_every_model_of_the_site() -> None:
    dumped = {f"{k.model._meta.app_label}.{k.model.__name__}" for k in KINDS}
    site_models = {
        f"{m._meta.app_label}.{m.__name__}"
        for m in apps.get_models()
        if m.__module__.startswith("packagegrid.")
    }
    assert dumped & set(LEFT_OUT) == set()
    assert site_models <= dumped | set(LEFT_OUT)
    assert set(LEFT_OUT) <= site_models


def test_it_withholds_only_fields_that_exist() -> None:
    for kind in KINDS:
        names = {f.name for f in kind.model._meta.concrete_fields}
        assert set(kind.withheld) <= names, kind.name


def test_it_keeps_every_private_account_field_out() -> None:
    user = next(k for k in KINDS if k.name == "user")
    assert [c.name for c in user.columns] == ["id", "username"]


def test_the_readme_documents_every_kind_with_its_columns() -> None:
    readme = (settings.BASE_DIR / "README.md").read_text()
    documented = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", readme, flags=re.MULTILINE))
    for kind in KINDS:
        columns = ", ".join(f"`{c.name}`" for c in kind.columns)
        assert documented.get(kind.name, "").strip() == columns, kind.name
